import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BarSeriesBuilder } from '../../src/data/bar-series-builder.js';
import { generateMinuteSeries } from '../../src/data/generate-minute-series.js';
import { generateSampleSeries } from '../../src/data/generate-sample-series.js';
import { loadBarFile } from '../../src/data/load-bar-file.js';
import { formatBarCsv, writeBarCsv } from '../../src/data/write-bar-csv.js';
import type { BarSeries } from '../../src/domain/bar.js';
import { useTempDir } from './temp-dir.js';

function series(rows: readonly (readonly [number, number, number, number, number, number])[]): BarSeries {
  const builder = new BarSeriesBuilder('T', rows.length);
  for (const row of rows) builder.push(...row);
  return builder.build();
}

/** Bit-for-bit column equality, reporting the first difference (deep equality on long typed arrays is slow). */
function expectSameBars(actual: BarSeries, expected: BarSeries): void {
  expect(actual.length).toBe(expected.length);
  for (const column of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    const a = actual[column];
    const e = expected[column];
    const i = a.findIndex((v, k) => !Object.is(v, e[k]));
    expect(i === -1 ? null : `${column}[${i}]: ${a[i]} != ${e[i]}`).toBeNull();
  }
}

describe('writeBarCsv', () => {
  const dir = useTempDir();

  it('writes daily stamps as dates and numbers with at most 4 decimals, no trailing zeros', () => {
    const text = formatBarCsv(
      series([
        [Date.UTC(2024, 0, 2), 10, 10.5, 9.25, 10.1234, 1500],
        [Date.UTC(2024, 0, 3), 0.00005, 123456.78904, 0, 99.99996, 36301200],
      ]),
    ).toString();
    expect(text).toBe(
      'date,open,high,low,close,volume\n2024-01-02,10,10.5,9.25,10.1234,1500\n2024-01-03,0.0001,123456.789,0,100,36301200\n',
    );
  });

  it('writes every stamp with a time of day when any bar is intraday', () => {
    const text = formatBarCsv(
      series([
        [Date.UTC(2024, 0, 2), 1, 1, 1, 1, 1],
        [Date.UTC(2024, 0, 2, 9, 30, 5), 1, 1, 1, 1, 1],
        [Date.UTC(2024, 0, 2, 23, 59, 59), 1, 1, 1, 1, 1],
      ]),
    ).toString();
    expect(text.split('\n').slice(1, 4)).toEqual([
      '2024-01-02 00:00:00,1,1,1,1,1',
      '2024-01-02 09:30:05,1,1,1,1,1',
      '2024-01-02 23:59:59,1,1,1,1,1',
    ]);
  });

  it('refuses values it cannot write exactly', () => {
    expect(() => formatBarCsv(series([[0, Number.NaN, 1, 1, 1, 1]]))).toThrow(
      'T bar 0 cannot be written as CSV (values beyond ±1e11 or not finite): NaN,1,1,1,1',
    );
    expect(() => formatBarCsv(series([[0, 1, 1, 1, 1, 2e11]]))).toThrow('T bar 0 cannot be written as CSV');
  });

  it('round-trips generated daily and minute data through the loader exactly, across read chunks', () => {
    const daily = generateSampleSeries({ symbols: ['SYNA'], days: 800 })[0]!;
    const dailyPath = join(dir.path(), 'SYNA.csv');
    writeBarCsv(dailyPath, daily);
    expectSameBars(loadBarFile(dailyPath, 'SYNA').series, daily);

    // About 2.5 MB: the loader reads in chunks of 256 KiB, so rows straddle chunk boundaries.
    const minutes = generateMinuteSeries({ symbol: 'SYNM', bars: 40_000, seed: 3 });
    const minutePath = join(dir.path(), 'nested', 'SYNM.csv');
    writeBarCsv(minutePath, minutes);
    expect(readFileSync(minutePath).length).toBeGreaterThan(2 << 20);
    expectSameBars(loadBarFile(minutePath, 'SYNM').series, minutes);
    expect(readFileSync(minutePath).equals(formatBarCsv(minutes))).toBe(true);
  });

  it('loads a file whose line is longer than the read chunk', () => {
    const wide = 'x'.repeat(1_500_000);
    const file = dir.write(
      'W.csv',
      `date,open,high,low,close,volume,note\n2024-01-02,1,2,1,2,10,${wide}\n2024-01-03,2,3,2,3,20,short`,
    );
    const { series: loaded } = loadBarFile(file, 'W');
    expect([...loaded.close]).toEqual([2, 3]);
    expect([...loaded.volume]).toEqual([10, 20]);
  });
});
