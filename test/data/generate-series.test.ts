import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { weekday } from '../../src/data/civil-date.js';
import { generateMinuteSeries, MINUTES_PER_SESSION } from '../../src/data/generate-minute-series.js';
import {
  DEFAULT_SAMPLE_DAYS,
  DEFAULT_SAMPLE_SYMBOLS,
  generateSampleSeries,
} from '../../src/data/generate-sample-series.js';
import { loadBarDirectory } from '../../src/data/load-bar-directory.js';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { writeBarCsv } from '../../src/data/write-bar-csv.js';
import type { BarSeries } from '../../src/domain/bar.js';
import { barAt } from '../../src/domain/bar.js';
import { formatTime, MS_PER_DAY } from '../../src/domain/time.js';
import { createStrategy } from '../../src/strategy/create-strategy.js';
import { useTempDir } from './temp-dir.js';

/** OHLC consistency, positive whole volumes, increasing stamps; reports the first bad bar. */
function expectConsistentBars(series: BarSeries): void {
  let problem: string | null = null;
  for (let i = 0; i < series.length && problem === null; i++) {
    const [o, h, l, c, v] = [series.open[i]!, series.high[i]!, series.low[i]!, series.close[i]!, series.volume[i]!];
    const ok =
      l > 0 &&
      l <= Math.min(o, c) &&
      h >= Math.max(o, c) &&
      v > 0 &&
      Number.isInteger(v) &&
      (i === 0 || series.time[i]! > series.time[i - 1]!);
    if (!ok) problem = `${series.symbol} bar ${i}: ${[series.time[i], o, h, l, c, v].join(',')}`;
  }
  expect(problem).toBeNull();
}

/** Closed round trips of a strategy on a series, with one share held from fill to exit. */
function countTrades(name: string, series: BarSeries): number {
  let position = 0;
  let trades = 0;
  const strategy = createStrategy(
    name,
    {},
    { positions: { quantity: () => position }, atrPeriod: 14, atrMultiplier: 2 },
  );
  for (let i = 0; i < series.length; i++) {
    const signal = strategy.onBar(barAt(series, i));
    if (signal?.direction === 'LONG') position = 1;
    if (signal?.direction === 'EXIT') {
      position = 0;
      trades++;
    }
  }
  return trades;
}

describe('generateSampleSeries', () => {
  const dir = useTempDir();

  it('gives the default synthetic set: six tickers, about six years of weekdays from 2019-01-02', () => {
    const all = generateSampleSeries();
    expect(all.map((s) => s.symbol)).toEqual([...DEFAULT_SAMPLE_SYMBOLS]);
    for (const series of all) {
      expect(series.length).toBe(DEFAULT_SAMPLE_DAYS);
      expect(formatTime(series.time[0]!)).toBe('2019-01-02');
      expect(formatTime(series.time[series.length - 1]!)).toBe('2024-10-17');
      const offDays = [...series.time].filter((t) => t % MS_PER_DAY !== 0 || [0, 6].includes(weekday(t / MS_PER_DAY)));
      expect(offDays).toEqual([]);
      expectConsistentBars(series);
    }
  });

  it('is deterministic: the same seed writes byte-identical files, another seed different ones', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((name) => join(dir.path(), name));
    writeSampleData(a!, { seed: 7, days: 300 });
    writeSampleData(b!, { seed: 7, days: 300 });
    writeSampleData(c!, { seed: 8, days: 300 });
    for (const symbol of DEFAULT_SAMPLE_SYMBOLS) {
      const first = readFileSync(join(a!, `${symbol}.csv`));
      expect(first.equals(readFileSync(join(b!, `${symbol}.csv`)))).toBe(true);
      expect(first.equals(readFileSync(join(c!, `${symbol}.csv`)))).toBe(false);
    }
  });

  it("makes a symbol's bars independent of the other symbols requested", () => {
    const alone = generateSampleSeries({ symbols: ['SYNC'], days: 200 })[0]!;
    const together = generateSampleSeries({ symbols: ['SYNA', 'SYNC'], days: 200 })[1]!;
    expect(together.close).toEqual(alone.close);
  });

  it('moves a weekend start to the next Monday', () => {
    const [series] = generateSampleSeries({ symbols: ['SYNA'], start: '2021-01-02', days: 3 });
    expect([...series!.time].map(formatTime)).toEqual(['2021-01-04', '2021-01-05', '2021-01-06']);
  });

  it('gives both strategies something to trade on every default symbol', () => {
    const loaded = (() => {
      writeSampleData(dir.path());
      return loadBarDirectory(dir.path()).series;
    })();
    // The volatility index derived from them is written beside them.
    expect(loaded.map((s) => s.symbol)).toEqual([...DEFAULT_SAMPLE_SYMBOLS, 'VIX'].sort());
    for (const series of loaded.filter((s) => s.symbol !== 'VIX')) {
      expect(countTrades('sma_crossover', series), series.symbol).toBeGreaterThanOrEqual(10);
      expect(countTrades('rsi_mean_reversion', series), series.symbol).toBeGreaterThanOrEqual(2);
    }
  });

  it('rejects a non-integer day count', () => {
    expect(() => generateSampleSeries({ days: 2.5 })).toThrow('days 2.5 must be a whole number ≥ 1');
  });
});

describe('generateMinuteSeries', () => {
  const dir = useTempDir();

  it('gives 390 one-minute bars per weekday session, 09:30 to 15:59', () => {
    const series = generateMinuteSeries({
      symbol: 'SYNM',
      bars: 3 * MINUTES_PER_SESSION + 2,
      seed: 1,
      start: '2021-01-01',
    });
    expect(series.length).toBe(1172);
    expect(formatTime(series.time[0]!)).toBe('2021-01-01 09:30:00');
    expect(formatTime(series.time[389]!)).toBe('2021-01-01 15:59:00');
    expect(formatTime(series.time[390]!)).toBe('2021-01-04 09:30:00');
    expect(formatTime(series.time[1171]!)).toBe('2021-01-06 09:31:00');
    expectConsistentBars(series);
  });

  it('writes YYYY-MM-DD HH:MM:SS stamps and is deterministic per seed', () => {
    const write = (name: string, seed: number): Buffer => {
      const path = join(dir.path(), name);
      writeBarCsv(path, generateMinuteSeries({ bars: 1000, seed }));
      return readFileSync(path);
    };
    const first = write('a.csv', 5);
    expect(first.equals(write('b.csv', 5))).toBe(true);
    expect(first.equals(write('c.csv', 6))).toBe(false);
    expect(first.toString().split('\n')[1]).toMatch(/^2020-01-02 09:30:00,\d+(\.\d{1,4})?,/);
  });
});
