import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EventName, type ContractDetails } from '@stoqey/ib';
import { describe, expect, it } from 'vitest';
import { connect, historical, settle, startGateway, stock, waitFor } from './harness.js';

const DATA_DIR = resolve(import.meta.dirname, '../../../shared/data/daily');
const present = existsSync(DATA_DIR);
if (!present) console.warn(`skipping the gateway tests on real bars: ${DATA_DIR} is absent`);

function csvRows(symbol: string): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  for (const line of readFileSync(resolve(DATA_DIR, `${symbol}.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1)) {
    const [date, ...values] = line.split(',');
    rows.set(date!.replaceAll('-', ''), values.map(Number));
  }
  return rows;
}

describe.skipIf(!present)('gateway on the shared daily CSV bars (ORCL, NVDA)', () => {
  it('serves the CSV daily bars, synthesizes consistent intraday bars and lists the contracts', async () => {
    const gateway = await startGateway({ dataDir: DATA_DIR, symbols: undefined, start: '2014-06-02 09:30:00' });
    const client = await connect(gateway.port, 1);
    try {
      const daily = await historical(client, 1, stock('ORCL'), '', '5 D', '1 day', 'TRADES', 1, 1);
      const rows = csvRows('ORCL');
      expect(daily.map((b) => b.date)).toEqual(['20140523', '20140527', '20140528', '20140529', '20140530']);
      for (const bar of daily) expect([bar.open, bar.high, bar.low, bar.close, bar.volume]).toEqual(rows.get(bar.date));
      const intraday = await historical(
        client,
        2,
        stock('NVDA'),
        '20140530 16:00:00',
        '1 D',
        '30 mins',
        'TRADES',
        1,
        2,
      );
      const [open, high, low, close, volume] = csvRows('NVDA').get('20140530')!;
      expect(intraday).toHaveLength(13);
      expect(intraday[0]!.open).toBe(open);
      expect(intraday.at(-1)!.close).toBe(close);
      expect(Math.max(...intraday.map((b) => b.high))).toBe(high);
      expect(Math.min(...intraday.map((b) => b.low))).toBe(low);
      expect(intraday.reduce((s, b) => s + b.volume, 0)).toBe(volume);
      const details: ContractDetails[] = [];
      client.api.on(EventName.contractDetails, (_id: number, d: ContractDetails) => details.push(d));
      const end = waitFor(client.api, EventName.contractDetailsEnd);
      client.api.reqContractDetails(3, stock('ORCL'));
      await end;
      expect([details[0]!.contract.conId, details[0]!.contract.primaryExch, details[0]!.industry]).toEqual([
        272800,
        'NYSE',
        'Technology',
      ]);
      const vix = await historical(
        client,
        4,
        { symbol: 'VIX', secType: 'IND' as never, exchange: 'CBOE', currency: 'USD' },
        '',
        '5 D',
        '1 day',
        'TRADES',
        1,
        1,
      );
      expect(vix.map((b) => b.date)).toEqual(daily.map((b) => b.date));
      await settle(20);
      expect(client.errors.filter((e) => e.code === 505)).toEqual([]);
    } finally {
      await client.disconnect();
      await gateway.stop();
    }
  });
});
