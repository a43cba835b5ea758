import { EventName, SecType, type Contract } from '@stoqey/ib';
import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBarDirectory } from '../../src/data/load-bar-directory.js';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { connect, historical, listen, settle, stock, type Client } from './harness.js';

const VIX: Contract = { symbol: 'VIX', secType: SecType.IND, exchange: 'CBOE', currency: 'USD' };
const DAYS = 30;

/** VIX.csv as `ets data sample` writes it: `date,open,high,low,close` of each row. */
function vixRows(dir: string): string[][] {
  const [, ...rows] = readFileSync(join(dir, 'VIX.csv'), 'utf8').trim().split('\n');
  return rows.map((row) => row.split(',').slice(0, 5));
}

/**
 * The embedded gateway's VIX is derived from the stocks it replays, exactly as `ets data sample` writes VIX.csv:
 * a gateway on the sample's stocks alone (VIX.csv removed) serves the file's values as the index's contract,
 * daily history and five-second bars.
 */
describe('the synthetic VIX of a sample data set', () => {
  let work: string;
  let sample: string;
  let gateway: Gateway;
  let client: Client;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ets-vix-'));
    sample = join(work, 'sample');
    writeSampleData(sample, { days: DAYS, start: '2024-03-04', symbols: ['SYNA', 'SYNB', 'SYNX'] });
    const stocksOnly = join(work, 'stocks');
    writeSampleData(stocksOnly, { days: DAYS, start: '2024-03-04', symbols: ['SYNA', 'SYNB', 'SYNX'] });
    unlinkSync(join(stocksOnly, 'VIX.csv'));
    gateway = await Gateway.start({ port: 0, dataDir: stocksOnly, clockMode: 'manual', start: '2024-04-12 09:30' });
    client = await connect(gateway.port, 5);
  });
  afterAll(async () => {
    await client.disconnect();
    await gateway.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('is written beside the stocks, one daily bar per day, within a plausible index range', () => {
    const rows = vixRows(sample);
    expect(rows).toHaveLength(DAYS);
    const stocks = loadBarDirectory(sample, { symbols: ['SYNA'] }).series[0]!;
    expect(rows.map((r) => r[0])).toEqual([...stocks.time].map((t) => new Date(t).toISOString().slice(0, 10)));
    for (const [, open, high, low, close] of rows) {
      expect(Number(close)).toBeGreaterThanOrEqual(9);
      expect(Number(close)).toBeLessThan(90);
      expect(Number(high)).toBe(Math.max(Number(open), Number(close)));
      expect(Number(low)).toBe(Math.min(Number(open), Number(close)));
    }
    // Each day opens at the previous close.
    for (let i = 1; i < rows.length; i++) expect(rows[i]![1]).toBe(rows[i - 1]![4]);
  });

  it('is served as IND VIX on CBOE with the same daily history as VIX.csv', async () => {
    const details = new Promise<{ contract: Contract; longName: string }>((resolve) => {
      listen(client.api, EventName.contractDetails, (id: number, d: { contract: Contract; longName: string }) => {
        if (id === 1) resolve(d);
      });
    });
    client.api.reqContractDetails(1, VIX);
    const { contract, longName } = await details;
    expect([contract.conId, contract.secType, contract.exchange, longName]).toEqual([
      13455763,
      'IND',
      'CBOE',
      'CBOE Volatility Index',
    ]);
    const bars = await historical(client, 2, VIX, '20240411 16:00:00 US/Eastern', '2 M', '1 day', 'TRADES', 1, 1);
    const expected = vixRows(sample).filter((r) => r[0]! <= '2024-04-11');
    expect(bars.map((b) => [b.date, b.open, b.high, b.low, b.close].map(String))).toEqual(
      expected.map(([date, ...prices]) => [date!.replaceAll('-', ''), ...prices.map((p) => String(Number(p)))]),
    );
  });

  it('streams five-second bars that open at the day’s open and close at its close, before the stocks’ bars', async () => {
    const order: number[] = [];
    const vix: number[][] = [];
    listen(client.api, EventName.realtimeBar, (id: number, ...bar: number[]) => {
      order.push(id);
      if (id === 3) vix.push(bar);
    });
    client.api.reqRealTimeBars(4, stock('SYNA'), 5, 'TRADES', true);
    await settle(50);
    client.api.reqRealTimeBars(3, VIX, 5, 'TRADES', true);
    await settle(50);
    gateway.advanceTo(Date.parse('2024-04-12T16:00:00Z'));
    for (let waited = 0; vix.length < 6.5 * 720 && waited < 10_000; waited += 50) await settle(50);
    const day = vixRows(sample).find((r) => r[0] === '2024-04-12')!;
    expect(vix).toHaveLength(6.5 * 720);
    expect(vix[0]![1]).toBe(Number(day[1]));
    expect(vix.at(-1)![4]).toBe(Number(day[4]));
    // Subscribed after the stock, the index's bar still comes first at every step.
    expect(order.slice(0, 4)).toEqual([3, 4, 3, 4]);
  });
});
