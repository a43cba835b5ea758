import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LiveResults } from '../../src/live/live-results.js';
import { useTempDir } from '../data/temp-dir.js';

const at = (day: number, hour: number, minute = 0) => Date.UTC(2024, 9, day, hour, minute);
const account = (cash: number, positionsValue = 0) => ({
  cash,
  settledCash: cash,
  positionsValue,
  openPositionCount: positionsValue === 0 ? 0 : 1,
});
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').slice(1);

/** A session run to its end in `dir`, with the report.html its end writes. */
function finishedRun(dir: string) {
  const options = { initialEquity: 100_000, riskFreeRate: 0, periodsPerYear: 252 };
  const first = new LiveResults(dir, options);
  first.equity(at(16, 16), account(101_000));
  first.close(0);
  const report = join(dir, 'report.html');
  writeFileSync(report, '<html>the first run</html>');
  return { options, first, report };
}

describe('LiveResults', () => {
  const temp = useTempDir();

  it('writes the curve forward only: history bars of one symbol after another add no rows back in time', () => {
    const results = new LiveResults(temp.path(), { initialEquity: 100_000, riskFreeRate: 0, periodsPerYear: 252 });
    // Warm-up history of two symbols, each from its first bar, then the live bars.
    for (const _symbol of [0, 1]) for (const minute of [35, 40]) results.equity(at(16, 9, minute), account(100_000));
    results.equity(at(16, 9, 45), account(99_000, 1_500));
    results.close(1);
    expect(lines(results.files.equity).map((row) => row.split(',')[0])).toEqual([
      '2024-10-16 09:35:00',
      '2024-10-16 09:40:00',
      '2024-10-16 09:45:00',
    ]);
  });

  it('brings daily.csv and metrics.json up to the day that ended while the session goes on', () => {
    const results = new LiveResults(temp.path(), { initialEquity: 100_000, riskFreeRate: 0, periodsPerYear: 252 });
    results.equity(at(16, 10), account(100_000, 0));
    results.equity(at(16, 16), account(101_000, 0));
    // The first bar of the next day: the node says the day ended before it records the bar.
    results.dayEnded(0);
    expect(lines(results.files.daily)).toEqual(['2024-10-16 16:00:00,101000,101000,101000,0']);
    const metrics = JSON.parse(readFileSync(results.files.metrics, 'utf8')) as Record<string, unknown>;
    expect([metrics.final_equity, metrics.periods]).toEqual([101_000, 1]);
    results.equity(at(17, 10), account(101_500, 0));
    results.close(0);
    expect(lines(results.files.daily)).toEqual([
      '2024-10-16 16:00:00,101000,101000,101000,0',
      '2024-10-17 10:00:00,101500,101500,101500,0',
    ]);
  });

  it('continues the daily snapshots, trades and initial equity of the results it follows after a restart', () => {
    const options = { initialEquity: 100_000, riskFreeRate: 0, periodsPerYear: 252 };
    const first = new LiveResults(temp.path(), options);
    first.equity(at(16, 16), account(101_000));
    first.trade({
      symbol: 'AAA',
      entryTime: at(16, 10),
      entryPrice: 10,
      exitTime: at(16, 15),
      exitPrice: 11,
      quantity: 1000,
      pnl: 1000,
      commission: 0,
    });
    first.close(0);
    // The restarted session starts from the broker's equity then, and replays part of the day before.
    const second = new LiveResults(temp.path(), { ...options, initialEquity: 101_000, append: true });
    second.equity(at(16, 15), account(100_500));
    second.equity(at(17, 16), account(102_000));
    const metrics = second.close(0);
    expect(lines(second.files.daily)).toEqual([
      '2024-10-16 16:00:00,101000,101000,101000,0',
      '2024-10-17 16:00:00,102000,102000,102000,0',
    ]);
    expect([metrics.initial_equity, metrics.final_equity, metrics.trades, metrics.periods]).toEqual([
      100_000, 102_000, 1, 2,
    ]);
    expect(lines(second.files.equity).map((row) => row.split(',')[0])).toEqual([
      '2024-10-16 16:00:00',
      '2024-10-17 16:00:00',
    ]);
  });
  it('writes no second row of the time equity.csv ended on when a restarted session replays up to it', () => {
    const options = { initialEquity: 100_000, riskFreeRate: 0, periodsPerYear: 252 };
    const first = new LiveResults(temp.path(), options);
    first.equity(at(16, 10), account(100_000));
    first.equity(at(16, 11), account(100_300));
    first.close(0);
    const second = new LiveResults(temp.path(), { ...options, initialEquity: 100_300, append: true });
    second.equity(at(16, 11), account(100_300));
    second.equity(at(16, 12), account(100_450));
    second.close(0);
    expect(lines(second.files.equity).map((row) => row.split(',').slice(0, 2).join(','))).toEqual([
      '2024-10-16 10:00:00,100000',
      '2024-10-16 11:00:00,100300',
      '2024-10-16 12:00:00,100450',
    ]);
  });

  it('keeps one row per day in daily.csv when a session restarts on the day the earlier one stopped', () => {
    const options = { initialEquity: 100_000, riskFreeRate: 0, periodsPerYear: 252 };
    const first = new LiveResults(temp.path(), options);
    first.equity(at(16, 11), account(100_200));
    first.close(0);
    const second = new LiveResults(temp.path(), { ...options, initialEquity: 100_200, append: true });
    second.equity(at(16, 14), account(100_400));
    second.equity(at(16, 16), account(100_900));
    const metrics = second.close(0);
    expect(lines(second.files.daily)).toEqual(['2024-10-16 16:00:00,100900,100900,100900,0']);
    expect([metrics.initial_equity, metrics.final_equity, metrics.periods]).toEqual([100_000, 100_900, 1]);
  });

  it('continues a session that died before it wrote daily.csv and metrics.json, from equity.csv and trades.csv', () => {
    const options = { initialEquity: 100_000, riskFreeRate: 0, periodsPerYear: 252 };
    const first = new LiveResults(temp.path(), options);
    first.equity(at(16, 10), account(100_000));
    first.trade({
      symbol: 'AAA',
      entryTime: at(16, 10),
      entryPrice: 10,
      exitTime: at(16, 11),
      exitPrice: 9.3,
      quantity: 1000,
      pnl: -700,
      commission: 0,
    });
    first.equity(at(16, 11), account(99_300));
    first.close(0);
    // As a kill -9 before the day ended leaves the files: no daily.csv or metrics.json yet.
    rmSync(first.files.daily);
    rmSync(first.files.metrics);
    const second = new LiveResults(temp.path(), { ...options, initialEquity: 99_300, append: true });
    second.equity(at(16, 16), account(99_500));
    const metrics = second.close(0);
    expect([metrics.initial_equity, metrics.final_equity, metrics.trades]).toEqual([100_000, 99_500, 1]);
    expect(metrics.total_return).toBeCloseTo(-0.005, 12);
  });

  it('keeps a day no session closed: its last row of equity.csv stands for it in daily.csv and the metrics', () => {
    const options = { initialEquity: 100_000, riskFreeRate: 0, periodsPerYear: 252 };
    const first = new LiveResults(temp.path(), options);
    first.equity(at(16, 16), account(101_000));
    first.dayEnded(0);
    first.equity(at(17, 11), account(100_600));
    first.close(0);
    // As a kill -9 on the 17th leaves the files: daily.csv has the 16th only.
    writeFileSync(first.files.daily, `${readFileSync(first.files.daily, 'utf8').split('\n').slice(0, 2).join('\n')}\n`);
    expect(lines(first.files.daily)).toEqual(['2024-10-16 16:00:00,101000,101000,101000,0']);
    // The next session starts on the 18th.
    const second = new LiveResults(temp.path(), { ...options, initialEquity: 100_600, append: true });
    second.equity(at(18, 16), account(100_900));
    const metrics = second.close(0);
    expect(lines(second.files.daily)).toEqual([
      '2024-10-16 16:00:00,101000,101000,101000,0',
      '2024-10-17 11:00:00,100600,100600,100600,0',
      '2024-10-18 16:00:00,100900,100900,100900,0',
    ]);
    expect([metrics.initial_equity, metrics.final_equity, metrics.periods]).toEqual([100_000, 100_900, 3]);
  });
  it("starts anew without an earlier run's summaries, which would pass for this run's until its first day ends", () => {
    const { options, first, report } = finishedRun(temp.path());
    writeFileSync(`${first.files.metrics}.partial`, '{}');
    // A new session, as far as it gets before a kill -9: its files started, no day ended yet.
    const second = new LiveResults(temp.path(), { ...options, initialEquity: 50_000 });
    second.equity(at(17, 10), account(50_000));
    second.afterTurn.flush();
    for (const file of [second.files.daily, second.files.metrics, `${second.files.metrics}.partial`, report]) {
      expect(existsSync(file), file).toBe(false);
    }
    expect(lines(second.files.equity)).toEqual([]);
    const metrics = second.close(0);
    expect([metrics.initial_equity, metrics.final_equity, metrics.periods]).toEqual([50_000, 50_000, 1]);
  });

  it('continues an earlier run with its daily.csv and metrics.json, but not with the report of its end', () => {
    const { options, first, report } = finishedRun(temp.path());
    const [daily, metrics] = [first.files.daily, first.files.metrics].map((f) => readFileSync(f, 'utf8'));
    const second = new LiveResults(temp.path(), { ...options, initialEquity: 101_000, append: true });
    expect(existsSync(report)).toBe(false);
    expect([second.files.daily, second.files.metrics].map((f) => readFileSync(f, 'utf8'))).toEqual([daily, metrics]);
    second.equity(at(17, 16), account(102_000));
    expect(second.close(0).initial_equity).toBe(100_000);
  });
});
