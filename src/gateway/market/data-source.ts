import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvDataError } from '../../data/csv-data-error.js';
import { deriveVolatilityIndex } from '../../data/derive-volatility-index.js';
import { generateSampleSeries } from '../../data/generate-sample-series.js';
import { loadBarDirectory } from '../../data/load-bar-directory.js';
import type { BarSeries } from '../../domain/bar.js';
import { isSymbol, SYMBOL_EXPECTED } from '../../domain/symbol.js';
import type { InstrumentOverride } from './contract-registry.js';
import { VIX_PROFILE } from './known-instruments.js';

/** Stocks the gateway lists when it runs on synthetic data and no symbols are given. */
export const DEFAULT_SYNTHETIC_SYMBOLS = [
  'AAPL',
  'MSFT',
  'NVDA',
  'ORCL',
  'AMZN',
  'JPM',
  'XOM',
  'KO',
  'SPY',
  'QQQ',
] as const;
export const DEFAULT_SYNTHETIC_START = '2019-01-02';
export const DEFAULT_SYNTHETIC_DAYS = 1512;

export interface DataSourceOptions {
  /** Directory of SYMBOL.csv files (daily or intraday bars); synthetic data when absent. */
  readonly dataDir?: string;
  /** Symbols to load from the directory, or to synthesize. */
  readonly symbols?: readonly string[];
  readonly seed: number;
  readonly syntheticStart?: string;
  readonly syntheticDays?: number;
}

export interface MarketData {
  readonly series: BarSeries[];
  readonly stockSymbols: string[];
  readonly indexSymbols: string[];
  readonly overrides: Map<string, InstrumentOverride>;
  readonly skippedRows: number;
}

/** Instrument reference data from an optional `contracts.json` next to the CSV files. */
interface ContractsFile {
  readonly [symbol: string]: InstrumentOverride & { readonly secType?: 'STK' | 'IND' };
}

const CSV_SUFFIX = /\.csv$/i;

/**
 * Every `*.csv` file of the directory is served as the symbol its name gives (as `resolveBarFiles` reads it), and
 * symbols follow one rule wherever they come from (src/domain/symbol.ts): a file such as `x(1).csv` or
 * `.hidden.csv` is refused here, naming it, rather than served as a contract no valid symbol can ask for.
 * Requested symbols (`symbols`) are looked up by their own names instead, so only the listing is checked.
 */
function checkFileNames(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // loadBarDirectory reports an unreadable directory.
  }
  for (const name of names) {
    if (!CSV_SUFFIX.test(name)) continue;
    if (!isSymbol(name.replace(CSV_SUFFIX, '').toUpperCase())) {
      throw new CsvDataError(dir, null, `${JSON.stringify(name)} is not named SYMBOL.csv with ${SYMBOL_EXPECTED}`);
    }
  }
}

/**
 * The gateway's market data: the CSV directory's series (a VIX.csv, or any symbol marked IND in contracts.json,
 * is an index) or seeded synthetic stocks; a synthetic VIX derived from the stocks joins whenever the data has none.
 */
export function loadMarketData(options: DataSourceOptions): MarketData {
  let series: BarSeries[];
  let skippedRows = 0;
  const overrides = new Map<string, InstrumentOverride>();
  const indexes = new Set<string>([VIX_PROFILE.symbol]);
  if (options.dataDir !== undefined) {
    if (options.symbols === undefined) checkFileNames(options.dataDir);
    const loaded = loadBarDirectory(options.dataDir, {
      skipBadRows: true,
      ...(options.symbols === undefined ? {} : { symbols: options.symbols }),
    });
    series = loaded.series;
    skippedRows = loaded.skipped.length;
    const file = join(options.dataDir, 'contracts.json');
    if (existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as ContractsFile;
      for (const [symbol, entry] of Object.entries(parsed)) {
        const { secType, ...rest } = entry;
        if (secType === 'IND') indexes.add(symbol.toUpperCase());
        overrides.set(symbol.toUpperCase(), rest);
      }
    }
  } else {
    series = generateSampleSeries({
      symbols: options.symbols ?? DEFAULT_SYNTHETIC_SYMBOLS,
      seed: options.seed,
      start: options.syntheticStart ?? DEFAULT_SYNTHETIC_START,
      days: options.syntheticDays ?? DEFAULT_SYNTHETIC_DAYS,
    });
  }
  if (!series.some((s) => s.symbol === VIX_PROFILE.symbol)) {
    // Derived from the stocks replayed, as `ets data sample` writes it: a backtest of the same data sees the same VIX.
    series.push(
      deriveVolatilityIndex(
        series.filter((s) => !indexes.has(s.symbol)),
        VIX_PROFILE.symbol,
      ),
    );
  }
  const symbols = series.map((s) => s.symbol);
  return {
    series,
    stockSymbols: symbols.filter((s) => !indexes.has(s)),
    indexSymbols: symbols.filter((s) => indexes.has(s)),
    overrides,
    skippedRows,
  };
}
