import { join } from 'node:path';
import { isSymbol, SYMBOL_EXPECTED } from '../domain/symbol.js';
import { DERIVED_INDEX_SYMBOL, deriveVolatilityIndex } from './derive-volatility-index.js';
import { generateSampleSeries, type SampleSeriesOptions } from './generate-sample-series.js';
import { writeBarCsv } from './write-bar-csv.js';

/**
 * Writes the synthetic sample set as `SYMBOL.csv` files into `dir` (created if missing), with the volatility index
 * derived from it as `VIX.csv` (the series the embedded gateway serves for this data; left out when a symbol of
 * the set is itself named VIX); returns the paths.
 */
export function writeSampleData(dir: string, options: SampleSeriesOptions = {}): string[] {
  // Each symbol names a file in `dir`; one that is not a symbol ("../x", "a/b", "") would write elsewhere. The
  // command line checks symbols as the user typed them; this guards every other caller.
  const bad = options.symbols?.find((symbol) => !isSymbol(symbol));
  if (bad !== undefined) throw new RangeError(`${JSON.stringify(bad)} is not ${SYMBOL_EXPECTED}`);
  const series = generateSampleSeries(options);
  const index = series.some((s) => s.symbol === DERIVED_INDEX_SYMBOL) ? [] : [deriveVolatilityIndex(series)];
  return [...series, ...index].map((s) => {
    const path = join(dir, `${s.symbol}.csv`);
    writeBarCsv(path, s);
    return path;
  });
}
