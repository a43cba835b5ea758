import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTime, MS_PER_DAY } from '../../src/domain/time.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { PerformanceMetrics } from '../../src/performance/metrics.js';
import { openJournalForReading } from '../../src/journal/open-journal.js';
import { readResume } from '../../src/journal/journal-resume.js';
import { TradeTally } from '../../src/performance/trade-tally.js';
import { readTrades } from '../../src/report/results-files.js';
import { runCliAsync } from '../support/run-cli.js';
import {
  executionsOf,
  liveConfig,
  liveWork,
  readCsv,
  runLive,
  startLive,
  startTestGateway,
  writeConfig,
  type LiveWork,
} from './live-fixture.js';

/** 16:00 of the replay's last day: a session run until then trades all of it. */
function lastClose(gateway: Gateway): string {
  return formatTime(gateway.calendar.dayAt(gateway.calendar.size - 1)! * MS_PER_DAY + 16 * 3_600_000);
}

/**
 * Asserts that the journal has the gateway's commission for every execution (to the six decimals `ets journal`
 * prints) and the gateway's cash last; returns the gateway's commissions by execId.
 */
async function expectJournalAsGateway(
  work: LiveWork,
  gateway: Gateway,
  config: Record<string, unknown>,
): Promise<Map<string, number>> {
  const path = writeConfig(work, config, 'journal.yaml');
  const fills = await runCliAsync(['journal', 'fills', '--config', path, '--format', 'json'], work.dir);
  expect(fills.status, fills.stderr).toBe(0);
  const booked = new Map(
    (JSON.parse(fills.stdout) as { exec_id: string; commission: number }[]).map((f) => [f.exec_id, f.commission]),
  );
  const reported = new Map(executionsOf(gateway, 11).map((e) => [e.execId, Number(e.commission.toFixed(6))]));
  expect(reported).toEqual(booked);
  const equity = await runCliAsync(['journal', 'equity', '--config', path, '--format', 'json'], work.dir);
  expect(equity.status, equity.stderr).toBe(0);
  const last = (JSON.parse(equity.stdout) as { cash: number }[]).at(-1)!;
  expect(last.cash).toBeCloseTo(gateway.broker.snapshot().account.cash, 6);
  return reported;
}

/**
 * metrics.json counts the closed trades as trades.csv has them (IB's commissions, once corrected): each position's
 * closing executions as one round trip.
 */
function expectMetricsAsTrades(results: string): void {
  const trades = readTrades(join(results, 'trades.csv'));
  const tally = TradeTally.of(trades);
  const metrics = JSON.parse(readFileSync(join(results, 'metrics.json'), 'utf8')) as PerformanceMetrics;
  expect(trades.length).toBeGreaterThan(0);
  expect(metrics.trades).toBe(tally.count);
  expect(metrics.win_rate).toBe(tally.wins / tally.count);
  expect((metrics.average_win ?? 0) * tally.wins).toBeCloseTo(tally.grossProfit, 6);
  expect(-(metrics.average_loss ?? 0) * tally.losses).toBeCloseTo(tally.grossLoss, 6);
}

/**
 * trades.csv carries every commission of the shares its trades closed, IB's once reported — an entry's too when its
 * report came after the position had closed: with the entry commissions of the positions still open (the journal's
 * book), the trades' commissions add up to those of every fill in fills.csv.
 */
function expectTradesCarryCommissions(results: string, journal: string): void {
  const db = openJournalForReading(journal);
  const held = readResume(db).book!.positions.reduce((sum, p) => sum + p.entryCommission, 0);
  db.close();
  const fills = readCsv(join(results, 'fills.csv')).reduce((sum, f) => sum + Number(f.commission), 0);
  const trades = readTrades(join(results, 'trades.csv')).reduce((sum, t) => sum + t.commission, 0);
  expect(trades + held).toBeCloseTo(fills, 6);
}

describe('ets live when IB sends commission reports after the fills are booked', () => {
  let work: LiveWork;
  let gateway: Gateway;
  beforeEach(async () => {
    work = liveWork();
    // Every commission report comes 700 ms after its execution, past the node's wait of 400 ms; as the session ends
    // the node waits up to twice that for the last fills' reports.
    gateway = await startTestGateway(work, { chaos: 'commission:700ms@0+1h' });
  });
  afterEach(async () => {
    await gateway.stop();
    work.cleanup();
  });

  it("books IB's commission of every fill to the cent, and our cash stays IB's without a reconciliation", async () => {
    const end = lastClose(gateway);
    const journal = join(work.dir, 'journal.sqlite');
    // The estimate is zero, so that a fill left at its estimate shows as a commission of 0 against IB's.
    const config = liveConfig(work, {
      ibkr: { port: gateway.port, commission: 'zero' },
      live: { results_directory: work.results, commission_wait_seconds: 0.4, journal_file: journal },
    });
    const run = await runLive(work, config, ['--until', end]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const log = readFileSync(join(work.logs, 'ets.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg?: string; estimated?: number; reported?: number });
    const late = log.filter((l) => (l.msg ?? '').startsWith('IB commission report arrived after the fill was booked'));
    expect(late.length).toBeGreaterThan(0);
    // A later partial fill may report 0: IB bills an order's commission across its executions (the minimum once).
    expect(late.filter((l) => l.estimated !== 0 || !(l.reported! >= 0))).toEqual([]);
    expect(late.some((l) => l.reported! > 0)).toBe(true);
    // Before: an account update between the estimate and the report made our cash IB's, and the report then paid
    // the commission a second time.
    expect(log.map((l) => l.msg ?? '').filter((m) => m.startsWith("our book differs from IB's"))).toEqual([]);

    expect(executionsOf(gateway, 11).length).toBeGreaterThanOrEqual(late.length);
    const reported = await expectJournalAsGateway(work, gateway, config);
    // fills.csv too: the rows streamed with the estimate are rewritten with IB's figures as the session ends.
    const files = readCsv(join(work.results, 'fills.csv'));
    expect(new Map(files.map((f) => [f.exec_id, Number(Number(f.commission).toFixed(6))]))).toEqual(reported);
    // trades.csv and metrics.json too: the trades those fills closed carry IB's commission.
    expectMetricsAsTrades(work.results);
    expectTradesCarryCommissions(work.results, journal);
  });
});

describe('ets live restarted after a crash left fills booked with the estimate', () => {
  let work: LiveWork;
  let gateway: Gateway;
  beforeEach(async () => {
    work = liveWork();
    gateway = await startTestGateway(work);
  });
  afterEach(async () => {
    await gateway.stop();
    work.cleanup();
  });

  /** The journal's count of `sql` (0 while it does not exist yet). */
  const countIn = (path: string, sql: string): number => {
    if (!existsSync(path)) return 0;
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).pluck().get() as number;
    } catch {
      return 0; // the schema is not written yet
    } finally {
      db.close();
    }
  };
  /** Executions the journal holds with the estimate. */
  const estimatedIn = (path: string) => countIn(path, 'SELECT count(*) FROM executions WHERE commission_estimated = 1');
  /** Closed trades whose entry and exit were both booked with the estimate. */
  const estimatedRoundTrips = (path: string) =>
    countIn(
      path,
      `SELECT count(*) FROM trades t JOIN executions x USING (exec_id)
       WHERE x.commission_estimated = 1 AND EXISTS (SELECT 1 FROM executions e WHERE e.symbol = t.symbol
         AND e.time = t.entry_time AND e.commission_estimated = 1)`,
    );

  it("corrects them with IB's reports, which the restart's reconciliation brings", async () => {
    const end = lastClose(gateway);
    const journal = join(work.dir, 'journal.sqlite');
    const config = liveConfig(work, {
      ibkr: { port: gateway.port, commission: 'zero' },
      live: { results_directory: work.results, commission_wait_seconds: 0.2, journal_file: journal },
    });
    // No report reaches the first session: its fills are booked with the estimate (zero), and it is killed.
    gateway.faults.delayCommissionReports(3_600_000);
    const first = startLive(work, config, ['--until', end]);
    const deadline = Date.now() + 60_000;
    // Killed once a position has closed too: its entry's report then comes after its trade (the trade takes it).
    const ready = () => estimatedIn(journal) >= 3 && estimatedRoundTrips(journal) >= 1;
    while (!ready() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    first.child.kill('SIGKILL');
    await first.done;
    expect(ready()).toBe(true);

    gateway.faults.delayCommissionReports(0);
    const second = await runLive(work, config, ['--until', end]);
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    expect(estimatedIn(journal)).toBe(0);
    await expectJournalAsGateway(work, gateway, config);
    expectMetricsAsTrades(work.results);
    expectTradesCarryCommissions(work.results, journal);
  });
});
