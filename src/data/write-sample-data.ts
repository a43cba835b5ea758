import { join } from 'node:path';
import { isSymbol, SYMBOL_EXPECTED } from '../domain/symbol.js';
import { DERIVED_INDEX_SYMBOL, deriveVolatilityIndex } from './derive-volatility-index.js';
import { generateSampleSeries, type SampleSeriesOptions } from './generate-sample-series.js';
import { writeBarCsv } from './write-bar-csv.js';

/**
 * Writes the synthetic sample set as `SYMBOL.csv` files into `dir` (created if missing), with the volatility index
 * derived from it as `VIX.csv` (the series the embedded gateway serves for this data, and the volatility rule
 * reads); returns the paths. No stock of the set may take the index's name.
 */
export function writeSampleData(dir: string, options: SampleSeriesOptions = {}): string[] {
  // Each symbol names a file in `dir`; one that is not a symbol ("../x", "a/b", "") would write elsewhere. The
  // command line checks symbols as the user typed them; this guards every other caller.
  const bad = options.symbols?.find((symbol) => !isSymbol(symbol));
  if (bad !== undefined) throw new RangeError(`${JSON.stringify(bad)} is not ${SYMBOL_EXPECTED}`);
  if (options.symbols?.includes(DERIVED_INDEX_SYMBOL) === true) throw new RangeError(indexNameTaken());
  const series = generateSampleSeries(options);
  return [...series, deriveVolatilityIndex(series)].map((s) => {
    const path = join(dir, `${s.symbol}.csv`);
    writeBarCsv(path, s);
    return path;
  });
}

/** Why a sample stock cannot be called VIX. */
export function indexNameTaken(): string {
  return `${DERIVED_INDEX_SYMBOL} is the volatility index derived from the stocks (${DERIVED_INDEX_SYMBOL}.csv): give the stocks other names`;
}
