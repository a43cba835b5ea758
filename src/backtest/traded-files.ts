import type { Config } from '../config/schema.js';
import { resolveBarFiles, type TimeRangeOptions } from '../data/bar-files.js';
import { volatilityIndexSymbol } from '../risk/volatility-index-symbol.js';

// What a backtest reads: its symbols and their bounds. Light on imports: `ets backtest` asks before it loads the
// backtest's modules, to start the thread that reads the files (see early-bar-thread.ts).

/** The benchmark's symbol when alpha and beta are asked for. */
export function benchmarkOf(config: Config): string | null {
  return config.benchmarking.calculate_alpha_beta ? config.benchmarking.symbol : null;
}

/** The symbols of `backtest.strategies` together, when the run trades several and names no symbols of its own. */
export function strategiesSymbols(config: Config): string[] | null {
  const names = config.backtest.strategies;
  if (names === null || names.length < 2) return null;
  return [...new Set(names.flatMap((name) => config.strategies[name]?.symbols ?? []))];
}

/**
 * The symbols a backtest trades: `backtest.symbols` (or the strategies'), else every CSV in the directory but the
 * benchmark's and the volatility index's.
 */
export function tradedSymbols(config: Config): readonly string[] {
  const listed = config.backtest.symbols ?? strategiesSymbols(config);
  if (listed !== null) return listed;
  const benchmarkSymbol = benchmarkOf(config);
  const indexSymbol = volatilityIndexSymbol(config);
  return resolveBarFiles(config.backtest.csv_directory)
    .map((file) => file.symbol)
    .filter((symbol) => symbol !== benchmarkSymbol && symbol !== indexSymbol);
}

/** The dates and row rule a backtest reads its files with. */
export function barRange(config: Config): TimeRangeOptions & { readonly skipBadRows: boolean } {
  return {
    ...(config.backtest.start_date !== null && { start: config.backtest.start_date }),
    ...(config.backtest.end_date !== null && { end: config.backtest.end_date }),
    skipBadRows: config.backtest.skip_bad_rows,
  };
}
