import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTime } from '../../src/domain/time.js';
import { readCsv, startLive, type LiveWork } from './live-fixture.js';
import {
  fiveMinuteBars,
  scenarioWork,
  startSteppedGateway,
  stepFiveMinuteBars,
  steppedConfig,
  until,
} from './stepped-replay.js';

/** SMA 2/3 crosses up on the sixth bar (an entry at 09:55's close) and down on the eleventh (the exit at 10:20's). */
const FIRST_DAY = [50, 49, 48, 47, 47, 49, 50, 50.5, 51, 51.5, 50, 49, 48, 47, 46];
const FLAT = Array.from({ length: 12 }, () => 46);

/** Flat five-minute bars of AAA on three days in a row, in one file; the last two never cross. */
function writeThreeDays(dir: string): void {
  const days: [string, readonly number[]][] = [
    ['2024-03-05 09:30', FIRST_DAY],
    ['2024-03-06 09:30', FLAT],
    ['2024-03-07 09:30', FLAT],
  ];
  const rows = days.flatMap(([first, prices]) =>
    fiveMinuteBars(first, prices.length).map(
      (time, i) => `${time},${prices[i]},${prices[i]},${prices[i]},${prices[i]},1000000`,
    ),
  );
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'AAA.csv'), `date,open,high,low,close,volume\n${rows.join('\n')}\n`);
}

/**
 * A session sells on one day and the next session starts two days later: the proceeds settled at the broker in
 * between, and the restarted session must take IB's settled cash rather than the journal's (which still waits for
 * them), or every entry of the day would be refused for want of settled cash.
 */
describe('ets live restarted on a later day', () => {
  let work: LiveWork;
  beforeAll(() => {
    work = scenarioWork();
    writeThreeDays(work.sample);
  });
  afterAll(() => {
    work.cleanup();
  });

  it("starts from IB's settled cash, not the journal's", { timeout: 90_000 }, async () => {
    const gateway = await startSteppedGateway(work.sample, '2024-03-05 09:30');
    try {
      const config = steppedConfig(
        work,
        gateway.port,
        { symbols: ['AAA'], trading: {}, sizing: 'fixed:100' },
        work.results,
      );
      const first = startLive(work, config, ['--until', '2024-03-05 10:45']);
      await until(() => gateway.realtimeStreams === 1, 30_000, 'the first session subscribing its bars');
      await stepFiveMinuteBars(gateway, '2024-03-05 09:30', FIRST_DAY.length);
      const firstRun = await first.done;
      expect(firstRun.stderr).toBe('');
      expect(firstRun.status).toBe(0);
      const sold = readCsv(join(work.results, 'fills.csv'));
      expect(sold.map((f) => f.side)).toEqual(['BUY', 'SELL']);
      const dayOne = readCsv(join(work.results, 'equity.csv')).at(-1)!;
      // The sale's proceeds wait for the next day: the ledger's settled cash is below its cash.
      expect(Number(dayOne.settled_cash)).toBeLessThan(Number(dayOne.cash) - 1000);

      // The node is down for a day and more; the broker settles the sale meanwhile.
      await until(() => gateway.clientCount === 0, 10_000, 'the first session leaving the gateway');
      gateway.advanceTo(parseTime('2024-03-07 09:30'));
      const second = startLive(work, config, ['--until', '2024-03-07 10:00']);
      await until(() => gateway.realtimeStreams === 1, 30_000, 'the second session subscribing its bars');
      await stepFiveMinuteBars(gateway, '2024-03-07 09:30', 6);
      const secondRun = await second.done;
      expect(secondRun.stderr).toBe('');
      expect(secondRun.status).toBe(0);

      const restartDay = readCsv(join(work.results, 'equity.csv')).filter((r) => r.time!.startsWith('2024-03-07'));
      expect(restartDay.length).toBeGreaterThan(0);
      for (const row of restartDay) expect(row.settled_cash).toBe(row.cash);
      expect(Number(restartDay[0]!.cash)).toBeCloseTo(Number(dayOne.cash), 2);
      const log = readFileSync(join(work.logs, 'ets.log'), 'utf8');
      expect(log).toContain("settled cash taken from IB's figure");
    } finally {
      await gateway.stop();
    }
  });
});
