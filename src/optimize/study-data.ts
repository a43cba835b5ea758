import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { resolveBarFiles } from '../data/bar-files.js';
import { CsvDataError } from '../data/csv-data-error.js';
import { loadBarDirectory } from '../data/load-bar-directory.js';
import type { BarSeries } from '../domain/bar.js';
import { symbolsText } from '../domain/symbol.js';
import { sha256 } from './job-cache.js';
import { volatilityIndexSymbol } from '../risk/volatility-index-symbol.js';

/** The bars an optimisation trades, loaded once, with their merged timeline and a hash of the files' contents. */
export interface StudyData {
  readonly series: BarSeries[];
  /** Every distinct bar time of the series, ascending: the "bars" window lengths count. */
  readonly timeline: Float64Array;
  /** SHA-256 of the symbols and their CSV files' bytes: equal data directories give equal hashes. */
  readonly hash: string;
}

/** The traded symbols as `ets backtest` picks them: `backtest.symbols`, else every CSV but the benchmark's and the volatility index's. */
export function tradedSymbols(config: Config): string[] {
  const dir = config.backtest.csv_directory;
  const benchmark = config.benchmarking.calculate_alpha_beta ? config.benchmarking.symbol : null;
  const symbols =
    config.backtest.symbols ??
    resolveBarFiles(dir)
      .map((f) => f.symbol)
      .filter((s) => s !== benchmark && s !== volatilityIndexSymbol(config));
  if (symbols.length === 0) throw new CsvDataError(dir, null, 'no CSV files of symbols to trade');
  return symbols;
}

export function mergedTimeline(series: readonly BarSeries[]): Float64Array {
  const all = new Float64Array(series.reduce((n, s) => n + s.length, 0));
  let k = 0;
  for (const s of series) {
    all.set(s.time, k);
    k += s.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[n - 1]) all[n++] = all[i]!;
  return all.slice(0, n);
}

export function loadStudyData(config: Config): StudyData {
  const dir = config.backtest.csv_directory;
  const symbols = tradedSymbols(config);
  const files = resolveBarFiles(dir, symbols);
  const hash = sha256(JSON.stringify(files.map((f) => [f.symbol, sha256(readFileSync(f.path))])));
  const loaded = loadBarDirectory(dir, {
    symbols,
    skipBadRows: config.backtest.skip_bad_rows,
    ...(config.backtest.start_date !== null && { start: config.backtest.start_date }),
    ...(config.backtest.end_date !== null && { end: config.backtest.end_date }),
  });
  const timeline = mergedTimeline(loaded.series);
  if (timeline.length === 0) throw new CsvDataError(dir, null, `no bars of ${symbolsText(symbols)} in the date range`);
  return { series: loaded.series, timeline, hash };
}
