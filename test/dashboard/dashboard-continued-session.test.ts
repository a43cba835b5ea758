import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LiveSnapshot } from '../../src/dashboard/live-snapshot.js';
import { lineStarting } from '../support/run-cli.js';
import { readCsv, startLive } from '../live/live-fixture.js';
import { flatBarsWork, startSteppedGateway, stepFiveMinuteBars, steppedConfig, until } from '../live/stepped-replay.js';

const FIRST = '2024-03-05 09:30';
/** SMA 2/3: an entry at 09:55's close and its exit at 10:20's, both in the first session … */
const AAA = [50, 49, 48, 47, 47, 49, 50, 50.5, 51, 51.5, 50, 49, 48, 47, 46, 46, 46, 46];
/** … and an entry at 10:00's close that the second session exits at 10:35's. */
const BBB = [50, 49, 48, 47, 46, 48, 49, 50, 51, 52, 53, 54, 53, 52, 51, 50, 50, 50];

const SCENARIO = { symbols: ['AAA', 'BBB'], trading: {}, sizing: 'fixed:100' };

type Account = NonNullable<LiveSnapshot['account']>;

/** trades.csv summed: before commissions, the commissions, after them. */
function tradesCsv(results: string): { gross: number; commissions: number; net: number; rows: number } {
  const rows = readCsv(join(results, 'trades.csv'));
  const sum = (f: (row: Record<string, string>) => number) => rows.reduce((total, row) => total + f(row), 0);
  return {
    gross: sum((r) => Number(r.pnl) + Number(r.commission)),
    commissions: sum((r) => Number(r.commission)),
    net: sum((r) => Number(r.pnl)),
    rows: rows.length,
  };
}

/**
 * What the account must add up to when no cash moved in or out: the results' initial equity, the closed trades after
 * their commissions, and the open positions less the commissions their entries paid.
 */
function expectBalanced(account: Account, initialEquity: number): void {
  const expected = initialEquity + account.realisedNetPnl + account.unrealisedPnl - account.openCommissions;
  expect(account.netLiquidation).toBeCloseTo(expected, 6);
}

/**
 * A session continued from the journal closes a position an earlier session opened (and paid the entry commission
 * of). The dashboard's realised P&L, the commissions beside it and the P&L after them are trades.csv's, over the
 * same trades: the earlier session's included, each with its whole commission.
 */
describe('the dashboard of a session that continues an earlier one', () => {
  it('shows the realised P&L and the commissions of the trades of trades.csv', { timeout: 120_000 }, async () => {
    const work = flatBarsWork(FIRST, { AAA, BBB });
    // IB's fixed commissions ($1 a fill of 100 shares), so that an entry's commission is there to be left out.
    const gateway = await startSteppedGateway(work.sample, FIRST, { commission: 'ib-fixed' });
    try {
      const config = steppedConfig(work, gateway.port, SCENARIO, work.results);
      const first = startLive(work, config, ['--until', '2024-03-05 10:30']);
      await until(() => gateway.realtimeStreams === 2, 30_000, 'the first session subscribing its bars');
      await stepFiveMinuteBars(gateway, FIRST, 12);
      const firstRun = await first.done;
      expect(firstRun.stderr).toBe('');
      expect(firstRun.status).toBe(0);
      const held = readCsv(join(work.results, 'fills.csv'));
      expect(held.map((f) => `${f.symbol} ${f.side}`)).toEqual(['AAA BUY', 'BBB BUY', 'AAA SELL']);
      const bbbEntry = Number(held[1]!.commission);
      expect(bbbEntry).toBeGreaterThan(0);
      const metrics = JSON.parse(readFileSync(join(work.results, 'metrics.json'), 'utf8')) as {
        initial_equity: number;
      };
      const initialEquity = metrics.initial_equity;

      await until(() => gateway.clientCount === 0, 10_000, 'the first session leaving the gateway');
      const live = { results_directory: work.results, dashboard: { enabled: true, port: 0, controls: false } };
      const second = startLive(work, { ...config, live }, ['--until', '2024-03-05 10:50']);
      const api = (await lineStarting(second, 'Dashboard: ')).replace('/?', '/api/state?');
      const state = async () => (await (await fetch(api)).json()) as LiveSnapshot;
      await until(() => gateway.realtimeStreams === 2, 30_000, 'the second session subscribing its bars');

      // Started: the earlier session's trade is realised, BBB held with the commission its entry paid.
      const started = await state();
      expect(started.positions.map((p) => p.symbol)).toEqual(['BBB']);
      const before = tradesCsv(work.results);
      expect(before.rows).toBe(1);
      expect(started.account!.openCommissions).toBeCloseTo(bbbEntry, 6);
      expect(started.account!.realisedPnl).toBeCloseTo(before.gross, 6);
      expect(started.account!.realisedCommissions).toBeCloseTo(before.commissions, 6);
      expect(started.account!.realisedNetPnl).toBeCloseTo(before.net, 6);
      expectBalanced(started.account!, initialEquity);

      // BBB's exit: its trade carries the entry commission the first session paid, and so do the dashboard's figures.
      await stepFiveMinuteBars(gateway, '2024-03-05 10:30', 3);
      await until(() => tradesCsv(work.results).rows === 2, 10_000, "BBB's exit in trades.csv");
      const after = tradesCsv(work.results);
      const closed = (await state()).account!;
      expect(closed.openCommissions).toBe(0);
      expect(closed.realisedPnl).toBeCloseTo(after.gross, 6);
      expect(closed.realisedCommissions).toBeCloseTo(after.commissions, 6);
      expect(closed.realisedNetPnl).toBeCloseTo(after.net, 6);
      expect(closed.realisedPnl - closed.realisedCommissions).toBeCloseTo(closed.realisedNetPnl, 6);
      expectBalanced(closed, initialEquity);

      await stepFiveMinuteBars(gateway, '2024-03-05 10:45', 1);
      const secondRun = await second.done;
      expect(secondRun.stderr).toBe('');
      expect(secondRun.status).toBe(0);
    } finally {
      await gateway.stop();
      work.cleanup();
    }
  });
});
