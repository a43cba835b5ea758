import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SeriesFeed } from '../../src/backtest/bar-feed.js';
import { runBacktest } from '../../src/backtest/backtest-runner.js';
import { validateConfig } from '../../src/config/load-config.js';
import { loadBarDirectory } from '../../src/data/load-bar-directory.js';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { studyGrid } from '../../src/optimize/declared-grid.js';
import type { ProgressSink } from '../../src/optimize/evaluator.js';
import { runOptimize } from '../../src/optimize/run-optimize.js';
import { cacheFileIn } from '../../src/optimize/run-context.js';
import { loadStrategyFactory } from '../../src/strategy/load-strategy.js';
import { withParams } from '../../src/optimize/window-backtest.js';
import { runWalkForward } from '../../src/walk-forward/run-walk-forward.js';
import { EXAMPLES } from '../examples/example-backtest.js';
import { studyOptions } from '../walk-forward/wfa-fixture.js';

const work = mkdtempSync(join(tmpdir(), 'ets-module-study-'));
const data = join(work, 'data');
writeSampleData(data);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const DONCHIAN = join(EXAMPLES, 'donchian-breakout.ts');
// exit = 1 is below the declared minimum of 2: refused by the module's declaration, skipped and counted.
const grid = { entry: [10, 20, 30], exit: [1, 5, 10] };

/** 100 shares an entry, no costs, no stops, on the sample data's two symbols, results under `out`. */
function config(strategy: string, out: string) {
  return validateConfig({
    trading: { sizing: 'fixed:100', max_active_positions: 10 },
    benchmarking: { calculate_alpha_beta: false },
    logging: { level: 'silent' },
    backtest: {
      strategy,
      csv_directory: data,
      symbols: ['SYNA', 'SYNB'],
      commission: 'zero',
      slippage_bps: 0,
      stops: false,
      results_directory: join(work, out),
    },
  });
}

const read = (out: string, names: readonly string[]) => names.map((f) => readFileSync(join(work, out, f), 'utf8'));

describe('optimising a strategy module', () => {
  it('runs the module on every valid set, counts the refused ones, and matches its direct backtest', async () => {
    const outcome = await runOptimize(config(DONCHIAN, 'opt'), studyOptions(grid));
    const { selection } = outcome;
    expect(outcome.names).toEqual(['entry', 'exit']);
    expect(selection.candidates).toHaveLength(9);
    expect(selection.invalid).toBe(3);
    expect(selection.candidates.filter((c) => c.status === 'invalid').map((c) => c.params.entry)).toEqual([10, 20, 30]);
    expect(selection.candidates.find((c) => c.status === 'invalid')!.reason).toMatch(
      /^strategy donchian_breakout: exit = 1 is invalid: expected a whole number of bars from 2 to 250$/,
    );
    const set = selection.candidates.find((c) => c.params.entry === 20 && c.params.exit === 10)!;
    const factory = await loadStrategyFactory(DONCHIAN);
    const direct = runBacktest({
      config: withParams(config(DONCHIAN, 'direct'), { entry: 20, exit: 10 }),
      feed: new SeriesFeed(loadBarDirectory(data, { symbols: ['SYNA', 'SYNB'] }).series),
      benchmark: null,
      strategy: factory,
    });
    // The example's own test: 24 closed trades for 2989 with the defaults; the study also closes what is open.
    expect(direct.trades).toHaveLength(24);
    expect(set.result!.metrics.trades).toBe(24 + direct.metrics.open_positions);
    expect(set.result!.metrics.periods).toBe(direct.metrics.periods);
    const json = JSON.parse(read('opt', ['optimize_best.json'])[0]!) as { combinations: number; invalid: number };
    expect([json.combinations, json.invalid]).toEqual([9, 3]);
  });

  it('gives identical optimize and walk-forward files in one thread and on a pool of 2 worker threads', async () => {
    const optimizeFiles = ['optimize.csv', 'optimize_best.json'];
    await runOptimize(config(DONCHIAN, 'one'), studyOptions(grid, { workers: 0 }));
    await runOptimize(config(DONCHIAN, 'two'), studyOptions(grid, { workers: 2 }));
    expect(read('two', optimizeFiles)).toEqual(read('one', optimizeFiles));
    const wfa = (workers: number) => ({
      ...studyOptions(grid, { workers }),
      mode: 'rolling' as const,
      inSample: { unit: 'bars' as const, count: 250 },
      outOfSample: { unit: 'bars' as const, count: 125 },
      step: { unit: 'bars' as const, count: 125 },
    });
    const one = await runWalkForward(config(DONCHIAN, 'wfa-one'), wfa(0));
    await runWalkForward(config(DONCHIAN, 'wfa-two'), wfa(2));
    expect(one.windows.length).toBeGreaterThan(1);
    expect(one.windows.filter((w) => w.oos !== null).length).toBeGreaterThan(0);
    const wfaFiles = ['wfa_windows.csv', 'wfa_oos_equity.csv', 'wfa_oos_trades.csv', 'wfa_summary.json'];
    expect(read('wfa-two', wfaFiles)).toEqual(read('wfa-one', wfaFiles));
  });

  it('serves cached results for an unchanged module and runs every job again once its code changes', async () => {
    const file = join(work, 'breakout.ts');
    copyFileSync(DONCHIAN, file);
    const cacheFile = cacheFileIn(join(work, 'cached'));
    const cachedCounts: number[] = [];
    const progress: ProgressSink = {
      start: (_total, cached) => cachedCounts.push(cached),
      done: () => undefined,
      stop: () => undefined,
    };
    const run = () => runOptimize(config(file, 'cached'), studyOptions(grid, { cacheFile, progress }));
    const first = await run();
    await run();
    // A channel of closes instead of highs: other trades, so the cache must not answer.
    writeFileSync(file, readFileSync(DONCHIAN, 'utf8').replace('history.high(ago)', 'history.close(ago)'));
    const changed = await run();
    expect(cachedCounts).toEqual([0, 6, 0]);
    const trades = (o: typeof first) => o.selection.candidates.map((c) => c.result?.metrics.trades ?? null);
    expect(trades(changed)).not.toEqual(trades(first));
  });

  it('takes the grid from the declarations (min:max:step) when none is given', async () => {
    const factory = await loadStrategyFactory(DONCHIAN);
    const declared = studyGrid({}, factory);
    const steps = Array.from({ length: 50 }, (_, i) => 2 + 5 * i);
    expect(declared).toEqual({ entry: steps, exit: steps });
    expect(studyGrid(grid, factory)).toBe(grid);
  });
});
