import { join } from 'node:path';
import { generateSampleSeries, type SampleSeriesOptions } from './generate-sample-series.js';
import { writeBarCsv } from './write-bar-csv.js';

/** Writes the synthetic sample set as `SYMBOL.csv` files into `dir` (created if missing); returns the paths. */
export function writeSampleData(dir: string, options: SampleSeriesOptions = {}): string[] {
  return generateSampleSeries(options).map((series) => {
    const path = join(dir, `${series.symbol}.csv`);
    writeBarCsv(path, series);
    return path;
  });
}
