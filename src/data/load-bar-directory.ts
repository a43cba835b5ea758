import type { BarSeries } from '../domain/bar.js';
import { resolveBarFiles, timeRange, type TimeRangeOptions } from './bar-files.js';
import type { SkippedRow } from './csv-data-error.js';
import { loadBarFile } from './load-bar-file.js';
import { compactBarSeries, sliceBarSeriesByTime } from './slice-bar-series.js';

export interface LoadBarDirectoryOptions extends TimeRangeOptions {
  /** Symbols to load, in this order; all `*.csv` files (sorted by symbol) when absent. */
  readonly symbols?: readonly string[];
  readonly skipBadRows?: boolean;
}

export interface LoadedDirectory {
  readonly series: BarSeries[];
  readonly skipped: SkippedRow[];
}

/**
 * Loads `SYMBOL.csv` files from a directory (see `resolveBarFiles` for the symbols) and keeps the bars inside
 * [start, end]. Series come back in the order of `symbols`. Every row of every file is checked, also outside the range.
 */
export function loadBarDirectory(dir: string, options: LoadBarDirectoryOptions = {}): LoadedDirectory {
  const { from, until } = timeRange(options);
  const files = resolveBarFiles(dir, options.symbols);
  const series: BarSeries[] = [];
  const skipped: SkippedRow[] = [];
  for (const { symbol, path } of files) {
    const loaded = loadBarFile(path, symbol, { skipBadRows: options.skipBadRows ?? false });
    const kept = sliceBarSeriesByTime(loaded.series, from, until);
    // A short date range out of a long file should not keep the whole file's columns alive.
    series.push(kept.length < loaded.series.length / 2 ? compactBarSeries(kept) : kept);
    skipped.push(...loaded.skipped);
  }
  return { series, skipped };
}
