import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BarSeries } from '../domain/bar.js';
import { timeBound } from './civil-date.js';
import { CsvDataError, type SkippedRow } from './csv-data-error.js';
import { loadBarFile } from './load-bar-file.js';
import { compactBarSeries, sliceBarSeriesByTime } from './slice-bar-series.js';

export interface LoadBarDirectoryOptions {
  /** Symbols to load, in this order; all `*.csv` files (sorted by symbol) when absent. */
  readonly symbols?: readonly string[];
  /** Inclusive lower bound on bar time: epoch ms or `YYYY-MM-DD[ HH:MM[:SS]]`. */
  readonly start?: number | string;
  /** Inclusive upper bound; a whole date (text, or a number at midnight) includes that entire day. */
  readonly end?: number | string;
  readonly skipBadRows?: boolean;
}

export interface LoadedDirectory {
  readonly series: BarSeries[];
  readonly skipped: SkippedRow[];
}

const CSV_SUFFIX = /\.csv$/i;

function listCsvFiles(dir: string): Map<string, string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CsvDataError(dir, null, `cannot read the data directory (${code})`);
  }
  const bySymbol = new Map<string, string>();
  for (const name of names.sort()) {
    if (!CSV_SUFFIX.test(name)) continue;
    const symbol = name.replace(CSV_SUFFIX, '').toUpperCase();
    if (bySymbol.has(symbol)) {
      throw new CsvDataError(dir, null, `two files for symbol ${symbol}: ${bySymbol.get(symbol)!} and ${name}`);
    }
    bySymbol.set(symbol, name);
  }
  return bySymbol;
}

/**
 * Loads `SYMBOL.csv` files from a directory (symbol = file name without `.csv`, upper-cased; file names match
 * case-insensitively) and keeps the bars inside [start, end]. Series come back in the order of `symbols`.
 */
export function loadBarDirectory(dir: string, options: LoadBarDirectoryOptions = {}): LoadedDirectory {
  const start = options.start === undefined ? undefined : timeBound(options.start, 'start');
  const end = options.end === undefined ? undefined : timeBound(options.end, 'end');
  if (start !== undefined && end !== undefined && start > end) {
    throw new RangeError(`start ${String(options.start)} is after end ${String(options.end)}`);
  }
  const files = listCsvFiles(dir);
  let symbols: string[];
  if (options.symbols === undefined) {
    symbols = [...files.keys()].sort();
    if (symbols.length === 0) throw new CsvDataError(dir, null, 'no *.csv files in the data directory');
  } else {
    symbols = [...new Set(options.symbols.map((s) => s.trim().toUpperCase()))];
    for (const symbol of symbols) {
      if (!files.has(symbol)) {
        throw new CsvDataError(dir, null, `no data file for symbol ${symbol} (expected ${join(dir, `${symbol}.csv`)})`);
      }
    }
  }
  const series: BarSeries[] = [];
  const skipped: SkippedRow[] = [];
  for (const symbol of symbols) {
    const loaded = loadBarFile(join(dir, files.get(symbol)!), symbol, { skipBadRows: options.skipBadRows ?? false });
    const kept = sliceBarSeriesByTime(loaded.series, start, end);
    // A short date range out of a long file should not keep the whole file's columns alive.
    series.push(kept.length < loaded.series.length / 2 ? compactBarSeries(kept) : kept);
    skipped.push(...loaded.skipped);
  }
  return { series, skipped };
}
