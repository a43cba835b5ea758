import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { backtest, type BacktestReport } from '../../src/api/backtest.js';
import { loadBarDirectory } from '../../src/data/load-bar-directory.js';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import type { BarSeries } from '../../src/domain/bar.js';
import { loadStrategyModule } from '../../src/strategy/load-strategy.js';
import { REPO_ROOT } from '../support/shared-data.js';

export const EXAMPLES = join(REPO_ROOT, 'examples', 'strategies');

/** Costs and sizing that leave only the strategy's decisions in the trades: 100 shares, no costs, no stops. */
export const PLAIN = {
  trading: { sizing: 'fixed:100', max_active_positions: 10 },
  backtest: { commission: 'zero', slippage_bps: 0, stops: false },
};

/** The project's sample data (`ets data sample`, seed 42) in a temporary directory for the file's tests. */
export function useSampleData(): { dir: () => string; series: (symbol: string) => BarSeries } {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ets-examples-'));
    writeSampleData(dir);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    series: (symbol) => loadBarDirectory(dir, { symbols: [symbol] }).series[0]!,
  };
}

/** Backtests an example module through the public API. */
export async function backtestExample(
  file: string,
  dataDir: string,
  symbols: readonly string[],
  params: Record<string, number> = {},
): Promise<BacktestReport> {
  const { definition } = await loadStrategyModule(join(EXAMPLES, file));
  return backtest({ strategy: definition, params, dataDir, symbols, config: PLAIN });
}

/** Index of the bar of `series` at `time`. */
export function indexAt(series: BarSeries, time: number): number {
  const i = series.time.indexOf(time);
  if (i < 0) throw new Error(`no ${series.symbol} bar at ${time}`);
  return i;
}
