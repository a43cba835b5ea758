import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTime } from '../../src/domain/time.js';
import { runCliAsync } from '../support/run-cli.js';
import { readCsv, startLive, writeConfig, type LiveWork } from './live-fixture.js';
import {
  fiveMinuteBars,
  FIVE_MINUTES,
  flatBarsWork,
  startSteppedGateway,
  steppedConfig,
  until,
} from './stepped-replay.js';

const FIRST = '2024-03-05 09:30:00';
/** SMA 2/3 crosses up on the sixth bar (09:55) … */
const AAA = [50, 49, 48, 47, 47, 49, 50, 50.5, 51, 51.5, 52, 52.5, 53, 53.5, 54];
/** … and on the tenth (10:15). */
const BBB = [50, 49, 48, 47, 46, 45, 44, 43, 43, 45, 46, 47, 48, 49, 50];

/**
 * `ets halt` then `ets resume` on a running session: the halt refuses the first entry, the manual reset returns the
 * session to ACTIVE (logged, written to risk_events.csv and journaled) and the next entry goes out and fills.
 */
describe('ets resume', () => {
  let work: LiveWork;
  beforeAll(() => {
    work = flatBarsWork(FIRST, { AAA, BBB });
  });
  afterAll(() => {
    work.cleanup();
  });

  it('returns a halted session to ACTIVE, and its next entry trades', { timeout: 60_000 }, async () => {
    const bars = fiveMinuteBars(FIRST, AAA.length).map(parseTime);
    const gateway = await startSteppedGateway(work.sample, FIRST);
    try {
      const config = steppedConfig(
        work,
        gateway.port,
        { symbols: ['AAA', 'BBB'], trading: {}, sizing: 'fixed:100' },
        work.results,
      );
      const configFile = writeConfig(work, config, 'resume.yaml');
      const session = startLive(work, config, ['--until', '2024-03-05 10:45']);
      await until(() => gateway.realtimeStreams === 2, 30_000, 'the session subscribing its bars');

      // Nobody watches the halt file of another directory: the request is removed, never left for a later session.
      const elsewhere = join(work.dir, 'elsewhere');
      mkdirSync(elsewhere);
      const lonely = await runCliAsync(['resume', '-c', configFile, '--wait', '0'], elsewhere);
      expect(lonely.stderr).toBe('error: no running session took the resume request within 0 s; it was removed\n');
      expect(lonely.status).toBe(1);
      expect(existsSync(join(elsewhere, 'ets.halt'))).toBe(false);

      const halt = await runCliAsync(['halt', '-c', configFile, '--reason', 'news'], work.dir);
      expect(halt.stdout).toContain('halt taken by the running session');
      for (const bar of bars.slice(0, 7)) gateway.advanceTo(bar + FIVE_MINUTES);
      await until(
        () =>
          existsSync(join(work.results, 'risk_events.csv')) &&
          readCsv(join(work.results, 'risk_events.csv')).length >= 2,
        10_000,
        'the refusal',
      );

      const resume = await runCliAsync(['resume', '-c', configFile, '--reason', 'checked'], work.dir);
      expect(resume.stderr).toBe('');
      expect(resume.stdout).toContain('resume taken by the running session');
      expect(resume.status).toBe(0);
      for (const bar of bars.slice(7)) {
        gateway.advanceTo(bar + FIVE_MINUTES);
        // BBB's entry of 10:15 reaches the gateway before the next bar, as a backtest's fills at that bar's open.
        if (bar === parseTime('2024-03-05 10:15')) {
          await until(() => gateway.broker.snapshot().orders.length === 1, 10_000, 'the entry after the reset');
        }
      }
      const run = await session.done;
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);

      const events = readCsv(join(work.results, 'risk_events.csv')).map((e) => [
        e.event,
        e.rule,
        e.symbol,
        e.from,
        e.to,
      ]);
      expect(events).toEqual([
        ['state', 'kill_switch', '', 'ACTIVE', 'HALTED'],
        ['rejected', 'trading_state', 'AAA', '', ''],
        ['state', 'manual_reset', '', 'HALTED', 'ACTIVE'],
      ]);
      const reset = readCsv(join(work.results, 'risk_events.csv'))[2]!;
      expect(reset.reason).toBe('manual reset (ets resume): checked');
      expect(readCsv(join(work.results, 'orders.csv')).map((o) => [o.time, o.symbol, o.side, o.purpose])).toEqual([
        ['2024-03-05 10:15:00', 'BBB', 'BUY', 'entry'],
      ]);
      expect(readCsv(join(work.results, 'fills.csv')).map((f) => [f.symbol, f.quantity, f.price])).toEqual([
        ['BBB', '100', '46'],
      ]);
      const metrics = readFileSync(join(work.results, 'metrics.json'), 'utf8');
      expect(JSON.parse(metrics)).toMatchObject({
        risk_events: { state_changes: { kill_switch: 1, manual_reset: 1 } },
      });

      const journal = await runCliAsync(['journal', 'events', '-c', configFile, '--format', 'csv'], work.dir);
      expect(journal.status, journal.stderr).toBe(0);
      expect(journal.stdout).toContain('manual reset (ets resume): checked');
    } finally {
      await gateway.stop();
    }
  });
});
