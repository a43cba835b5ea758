import { join } from 'node:path';
import { isSymbol, SYMBOL_EXPECTED } from '../domain/symbol.js';
import { generateSampleSeries, type SampleSeriesOptions } from './generate-sample-series.js';
import { writeBarCsv } from './write-bar-csv.js';

/** Writes the synthetic sample set as `SYMBOL.csv` files into `dir` (created if missing); returns the paths. */
export function writeSampleData(dir: string, options: SampleSeriesOptions = {}): string[] {
  // Each symbol names a file in `dir`; one that is not a symbol ("../x", "a/b", "") would write elsewhere. The
  // command line checks symbols as the user typed them; this guards every other caller.
  const bad = options.symbols?.find((symbol) => !isSymbol(symbol));
  if (bad !== undefined) throw new RangeError(`${JSON.stringify(bad)} is not ${SYMBOL_EXPECTED}`);
  return generateSampleSeries(options).map((series) => {
    const path = join(dir, `${series.symbol}.csv`);
    writeBarCsv(path, series);
    return path;
  });
}
