import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { timeBound } from './civil-date.js';
import { CsvDataError, errorCode } from './csv-data-error.js';

/** Inclusive bounds on bar time, as the data options take them. */
export interface TimeRangeOptions {
  /** Inclusive lower bound on bar time: epoch ms or `YYYY-MM-DD[ HH:MM[:SS]]`. */
  readonly start?: number | string;
  /** Inclusive upper bound; a whole date (text, or a number at midnight) includes that entire day. */
  readonly end?: number | string;
}

/** Bounds as epoch ms, open sides as ∓Infinity; a start after the end is a RangeError. */
export function timeRange(options: TimeRangeOptions): { readonly from: number; readonly until: number } {
  const from = options.start === undefined ? Number.NEGATIVE_INFINITY : timeBound(options.start, 'start');
  const until = options.end === undefined ? Number.POSITIVE_INFINITY : timeBound(options.end, 'end');
  if (from > until) throw new RangeError(`start ${String(options.start)} is after end ${String(options.end)}`);
  return { from, until };
}

export interface BarFile {
  readonly symbol: string;
  readonly path: string;
}

const CSV_SUFFIX = /\.csv$/i;

function listCsvFiles(dir: string): Map<string, string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const code = errorCode(error);
    // A fresh checkout has no data yet: say how to get some.
    const hint = code === 'ENOENT' ? `: no such directory (ets data sample --out ${dir} writes synthetic data)` : '';
    throw new CsvDataError(dir, null, `cannot read the data directory (${code})${hint}`);
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
 * The `SYMBOL.csv` files of a directory (symbol = file name without `.csv`, upper-cased; file names match
 * case-insensitively): those of `symbols` in that order (duplicates dropped), else all of them sorted by symbol.
 */
export function resolveBarFiles(dir: string, symbols?: readonly string[]): BarFile[] {
  const files = listCsvFiles(dir);
  let wanted: string[];
  if (symbols === undefined) {
    wanted = [...files.keys()].sort();
    if (wanted.length === 0) throw new CsvDataError(dir, null, 'no *.csv files in the data directory');
  } else {
    wanted = [...new Set(symbols.map((s) => s.trim().toUpperCase()))];
    for (const symbol of wanted) {
      if (!files.has(symbol)) {
        throw new CsvDataError(dir, null, `no data file for symbol ${symbol} (expected ${join(dir, `${symbol}.csv`)})`);
      }
    }
  }
  return wanted.map((symbol) => ({ symbol, path: join(dir, files.get(symbol)!) }));
}
