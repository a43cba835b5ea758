import { describe, expect, it } from 'vitest';
import { deriveVolatilityIndex } from '../../src/data/derive-volatility-index.js';
import type { BarSeries } from '../../src/domain/bar.js';
import { MS_PER_DAY } from '../../src/domain/time.js';

const DAY0 = Date.UTC(2024, 2, 4);

/** Bars at the given times (ms after DAY0) with these closes; other prices equal the close. */
function bars(symbol: string, times: readonly number[], closes: readonly number[]): BarSeries {
  const column = (values: readonly number[]) => Float64Array.from(values);
  return {
    symbol,
    length: closes.length,
    time: column(times.map((t) => DAY0 + t)),
    open: column(closes),
    high: column(closes),
    low: column(closes),
    close: column(closes),
    volume: column(closes.map(() => 100)),
  };
}

const days = (n: number) => Array.from({ length: n }, (_, i) => i * MS_PER_DAY);

describe('deriveVolatilityIndex', () => {
  it('closes each day at 4 + 0.9 × the annualised EWMA volatility of the equally weighted daily returns', () => {
    // Day 0: the prior 16% → 18.40. Day 1: mean of ln(1.1) and 0 → 25.75. Day 2: ln(0.9), ln(1.1) → 25.16.
    // Day 3: only BBB traded (ln(60/55)) → 40.72.
    const index = deriveVolatilityIndex([bars('AAA', days(3), [100, 110, 99]), bars('BBB', days(4), [50, 50, 55, 60])]);
    expect(index.symbol).toBe('VIX');
    expect([...index.time]).toEqual(days(4).map((t) => DAY0 + t));
    expect([...index.close]).toEqual([18.4, 25.75, 25.16, 40.72]);
    expect([...index.open]).toEqual([18.4, 18.4, 25.75, 25.16]);
    expect([...index.high]).toEqual([18.4, 25.75, 25.75, 40.72]);
    expect([...index.low]).toEqual([18.4, 18.4, 25.16, 25.16]);
    expect([...index.volume]).toEqual([0, 0, 0, 0]);
  });

  it('takes the last close of each day from intraday bars, stamping the index at the day', () => {
    const hour = 3_600_000;
    const intraday = bars(
      'AAA',
      [10 * hour, 15 * hour, MS_PER_DAY + 10 * hour, MS_PER_DAY + 15 * hour],
      [1, 100, 5, 110],
    );
    const daily = bars('AAA', days(2), [100, 110]);
    expect(deriveVolatilityIndex([intraday])).toEqual(deriveVolatilityIndex([daily]));
  });

  it('never goes below 9 and is empty without data', () => {
    const flat = deriveVolatilityIndex([bars('AAA', days(60), Array<number>(60).fill(100))]);
    expect(flat.close[59]).toBe(9);
    expect(deriveVolatilityIndex([]).length).toBe(0);
  });
});
