import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeriesFeed } from '../../src/backtest/bar-feed.js';
import { runBacktest } from '../../src/backtest/backtest-runner.js';
import { withParams } from '../../src/optimize/window-backtest.js';
import type { ProgressSink } from '../../src/optimize/evaluator.js';
import { runOptimize } from '../../src/optimize/run-optimize.js';
import { cacheFileIn } from '../../src/optimize/run-context.js';
import { plainConfig, studyOptions, waveSeries, writeSeries } from '../walk-forward/wfa-fixture.js';

const a = waveSeries('AAA', 400, [30, 60, 45, 90], 100);
const b = waveSeries('BBB', 400, [50, 40, 80, 30], 100, 0.7);
const grid = { fast: [3, 5, 8, 12], slow: [6, 10, 20] };

function files(dir: string, out: string): string[] {
  return ['optimize.csv', 'optimize_best.json'].map((f) => readFileSync(join(dir, out, f), 'utf8'));
}

describe('runOptimize', () => {
  const dir = writeSeries([a, b]);

  it('runs every valid combination, skips and counts the invalid ones, and picks the best by the objective', async () => {
    const config = plainConfig(dir, ['AAA', 'BBB'], 'serial');
    const outcome = await runOptimize(config, studyOptions(grid, { objective: 'sharpe' }));
    const { selection } = outcome;
    expect(selection.candidates).toHaveLength(12);
    // fast ≥ slow: 8/6, 12/6, 12/10.
    expect(selection.invalid).toBe(3);
    expect(
      selection.candidates.filter((c) => c.status === 'invalid').map((c) => [c.params.fast, c.params.slow]),
    ).toEqual([
      [8, 6],
      [12, 6],
      [12, 10],
    ]);
    const ok = selection.candidates.filter((c) => c.status === 'ok');
    const top = Math.max(...ok.map((c) => c.objective!));
    expect(selection.candidates[selection.best!]!.objective).toBe(top);
    const csv = files(dir, 'serial')[0]!.trim().split('\n');
    expect(csv[0]!.startsWith('fast,slow,status,objective,total_return,cagr')).toBe(true);
    expect(csv).toHaveLength(13);
    expect(outcome.overfitting.trials).toBe(9);
    expect(outcome.overfitting.pbo).not.toBeNull();
  });

  it('gives the same metrics as the backtest runner over the whole range, positions closed at the last close', async () => {
    const config = plainConfig(dir, ['AAA', 'BBB'], 'same');
    const outcome = await runOptimize(config, studyOptions({ fast: [5], slow: [20] }));
    const direct = runBacktest({
      config: withParams(config, { fast: 5, slow: 20 }),
      feed: new SeriesFeed([a, b]),
      benchmark: null,
    });
    const mine = outcome.selection.candidates[0]!.result!.metrics;
    // Zero costs: closing at the last close changes nothing but the open-position count.
    expect(mine.trades).toBe(direct.metrics.trades + direct.metrics.open_positions);
    expect(mine.final_equity).toBeCloseTo(direct.metrics.final_equity, 6);
    expect(mine.sharpe).toBeCloseTo(direct.metrics.sharpe!, 9);
    expect(mine.periods).toBe(direct.metrics.periods);
  });

  it('applies --min-trades: sets with fewer trades are reported but not chosen', async () => {
    const config = plainConfig(dir, ['AAA', 'BBB'], 'min');
    const outcome = await runOptimize(config, studyOptions(grid, { minTrades: 1000 }));
    expect(outcome.selection.best).toBeNull();
    expect(outcome.selection.belowMinTrades).toBe(9);
  });

  it('gives bit-identical files on a pool of 2 worker threads and in one thread', async () => {
    await runOptimize(plainConfig(dir, ['AAA', 'BBB'], 'one'), studyOptions(grid, { workers: 0 }));
    await runOptimize(plainConfig(dir, ['AAA', 'BBB'], 'pool'), studyOptions(grid, { workers: 2 }));
    expect(files(dir, 'pool')).toEqual(files(dir, 'one'));
  });

  it('resumes an interrupted run from its cache of finished jobs', async () => {
    const config = plainConfig(dir, ['AAA', 'BBB'], 'resume');
    const cacheFile = cacheFileIn(config.backtest.results_directory);
    let finished = 0;
    const interrupting: ProgressSink = {
      start: () => undefined,
      done() {
        if (++finished === 4) throw new Error('interrupted');
      },
      stop: () => undefined,
    };
    await expect(
      runOptimize(config, studyOptions(grid, { workers: 2, cacheFile, progress: interrupting })),
    ).rejects.toThrow('interrupted');
    // An interrupted run writes no result files.
    expect(() => files(dir, 'resume')).toThrow(/ENOENT/);
    // A crash mid-write leaves half a line: it is ignored.
    appendFileSync(cacheFile, '{"key":"abc","res');
    let cached = -1;
    const counting: ProgressSink = {
      start: (_total, done) => (cached = done),
      done: () => undefined,
      stop: () => undefined,
    };
    await runOptimize(config, studyOptions(grid, { workers: 2, cacheFile, progress: counting }));
    expect(cached).toBeGreaterThanOrEqual(4);
    await runOptimize(plainConfig(dir, ['AAA', 'BBB'], 'fresh'), studyOptions(grid, { workers: 0 }));
    expect(files(dir, 'resume')).toEqual(files(dir, 'fresh'));
    rmSync(cacheFile);
  });
});
