import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSampleSeries } from '../../src/data/generate-sample-series.js';
import { Atr } from '../../src/indicators/atr.js';
import { Ema } from '../../src/indicators/ema.js';
import { ExactSum } from '../../src/indicators/exact-sum.js';
import { Rsi } from '../../src/indicators/rsi.js';
import { Sma } from '../../src/indicators/sma.js';
import { TrueRange } from '../../src/indicators/true-range.js';

const feed = (update: (x: number) => number, xs: readonly number[]): number[] => xs.map(update);

describe('Sma', () => {
  it('is NaN while warming up, then the mean of the last period inputs', () => {
    const sma = new Sma(3);
    expect(sma.ready).toBe(false);
    expect(feed((x) => sma.update(x), [1, 2, 3, 4, 10])).toEqual([NaN, NaN, 2, 3, 17 / 3]);
    expect(sma.ready).toBe(true);
    expect(sma.value).toBe(17 / 3);
    sma.reset();
    expect(sma.ready).toBe(false);
    expect(sma.value).toBeNaN();
    expect(feed((x) => sma.update(x), [5, 5, 5])).toEqual([NaN, NaN, 5]);
  });

  it('equals the correctly rounded window sum over period (fsum semantics), where a running sum drifts', () => {
    // 0.1 + 0.2 + 0.3 in doubles is 0.6000000000000001; the exact sum of the three doubles rounds to 0.6.
    const sma = new Sma(3);
    feed((x) => sma.update(x), [0.1, 0.2, 0.3]);
    expect(sma.value).toBe(0.6 / 3);
    // A huge value passing through the window must leave no residue behind.
    const window = new Sma(2);
    feed((x) => window.update(x), [1e17, 1, 2, 3]);
    expect(window.value).toBe(2.5);
  });

  it('rejects a period that is not a whole number ≥ 1', () => {
    expect(() => new Sma(0)).toThrow('SMA period 0 must be an integer ≥ 1');
    expect(() => new Sma(2.5)).toThrow('SMA period 2.5 must be an integer ≥ 1');
  });
});

describe('ExactSum', () => {
  /** Doubles of the form k·2⁻⁶⁰ with |k| < 2⁵³·2⁴⁰: their exact sum is a BigInt count of 2⁻⁶⁰. */
  const scaledDouble = fc
    .tuple(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.integer({ min: 0, max: 100 }))
    .map(([k, shift]) => k * 2 ** (shift - 60));

  function exactRounded(xs: readonly number[]): number {
    let total = 0n;
    for (const x of xs) total += BigInt(x * 2 ** 60);
    // Number(BigInt) rounds to nearest, ties to even; scaling by a power of two is exact.
    return Number(total) / 2 ** 60;
  }

  it('gives the exact sum correctly rounded, for any values added and some removed again', () => {
    fc.assert(
      fc.property(fc.array(scaledDouble, { minLength: 1, maxLength: 60 }), fc.nat(), (xs, cut) => {
        const sum = new ExactSum();
        for (const x of xs) sum.add(x);
        expect(sum.value()).toBe(exactRounded(xs));
        const removed = cut % xs.length;
        for (let i = 0; i < removed; i++) sum.subtract(xs[i]!);
        expect(sum.value()).toBe(exactRounded(xs.slice(removed)));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a sliding window exact when a value replaces another, near it (one exact difference) or not', () => {
    // Values around 2^k·(1 ± a little), so that most replacements fall within a factor of two of the value replaced.
    const near = fc
      .tuple(fc.integer({ min: 2 ** 40, max: 2 ** 41 }), fc.integer({ min: 0, max: 3 }), fc.boolean())
      .map(([k, shift, negative]) => (negative ? -1 : 1) * k * 2 ** (shift - 60));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(near, scaledDouble, fc.constant(0)), { minLength: 2, maxLength: 80 }),
        fc.integer({ min: 1, max: 8 }),
        (xs, width) => {
          const period = Math.min(width, xs.length);
          const window = new Float64Array(period);
          const sum = new ExactSum();
          xs.forEach((x, i) => {
            if (i < period) {
              window[i] = x;
              sum.addAt(window, i);
            } else sum.replaceAt(window, i % period, x);
            expect(sum.value()).toBe(exactRounded(xs.slice(Math.max(0, i + 1 - period), i + 1)));
          });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rounds half-way cases to even as fsum does', () => {
    const sum = new ExactSum();
    for (const x of [1, 2 ** -53, 2 ** -80]) sum.add(x);
    expect(sum.value()).toBe(1 + 2 ** -52);
    const tie = new ExactSum();
    for (const x of [1, 2 ** -53]) tie.add(x);
    expect(tie.value()).toBe(1);
  });

  it('holds values spread over the whole exponent range (dozens of partials)', () => {
    const sum = new ExactSum();
    const powers = Array.from({ length: 31 }, (_, k) => 2 ** ((k - 15) * 60));
    for (const x of powers) sum.add(x);
    // Everything below 2^900 is less than half its ulp (2^848).
    expect(sum.value()).toBe(2 ** 900);
    sum.subtract(2 ** 900);
    expect(sum.value()).toBe(2 ** 840);
    for (const x of powers.slice(0, 30)) sum.subtract(x);
    expect(sum.value()).toBe(0);
  });

  it('is NaN while a non-finite value is in the sum', () => {
    const sum = new ExactSum();
    sum.add(1);
    sum.add(Number.POSITIVE_INFINITY);
    expect(sum.value()).toBeNaN();
    sum.subtract(Number.POSITIVE_INFINITY);
    expect(sum.value()).toBe(1);
  });
});

describe('Ema', () => {
  it('seeds with the SMA of the first period inputs, then smooths with k = 2/(n+1)', () => {
    const ema = new Ema(3);
    expect(ema.k).toBe(0.5);
    expect(feed((x) => ema.update(x), [2, 4, 6, 8, 0])).toEqual([NaN, NaN, 4, 6, 3]);
    expect(ema.ready).toBe(true);
    ema.reset();
    expect(ema.value).toBeNaN();
  });
});

describe('Rsi', () => {
  it("uses Wilder's averages: first value at index period", () => {
    const rsi = new Rsi(2);
    // Changes +2, −1 → avg gain 1, avg loss 0.5 → 100·1/1.5; then +3: gain (1+3)/2 = 2, loss 0.25 → 100·2/2.25.
    expect(feed((x) => rsi.update(x), [10, 12, 11])).toEqual([NaN, NaN, 100 * (1 / 1.5)]);
    expect(rsi.update(14)).toBe(100 * (2 / 2.25));
    expect(rsi.ready).toBe(true);
  });

  it('is 100 when only rising, 0 when only falling or flat', () => {
    const up = new Rsi(3);
    expect(feed((x) => up.update(x), [1, 2, 3, 4]).at(-1)).toBe(100);
    const down = new Rsi(3);
    expect(feed((x) => down.update(x), [4, 3, 2, 1]).at(-1)).toBe(0);
    const flat = new Rsi(3);
    expect(feed((x) => flat.update(x), [5, 5, 5, 5]).at(-1)).toBe(0);
  });
});

describe('TrueRange and Atr', () => {
  it('true range uses the previous close from the second bar on', () => {
    const tr = new TrueRange();
    expect(tr.update(10, 8, 9)).toBeNaN();
    expect(tr.ready).toBe(false);
    expect(tr.update(12, 11, 11.5)).toBe(3); // |12 − 9| beats 12 − 11
    expect(tr.update(11, 7, 8)).toBe(4.5); // |7 − 11.5|
    expect(tr.update(9, 8.5, 9)).toBe(1); // |9 − 8| = 1 beats 0.5
  });

  it('ATR: mean of the first period true ranges at index period, then Wilder smoothing', () => {
    const atr = new Atr(2);
    expect(atr.update(10, 8, 9)).toBeNaN();
    expect(atr.update(12, 11, 11.5)).toBeNaN();
    expect(atr.update(11, 7, 8)).toBe((3 + 4.5) / 2);
    expect(atr.ready).toBe(true);
    expect(atr.update(9, 8.5, 9)).toBe((3.75 * 1 + 1) / 2);
    atr.reset();
    expect(atr.value).toBeNaN();
    expect(atr.update(10, 8, 9)).toBeNaN();
  });
});

describe('updateBar', () => {
  it('gives exactly what update gives, read from value', () => {
    const series = generateSampleSeries({ symbols: ['SYNB'], days: 300 })[0]!;
    const byValue = { sma: new Sma(7), ema: new Ema(7), rsi: new Rsi(7), atr: new Atr(7), tr: new TrueRange() };
    const byBar = { sma: new Sma(7), ema: new Ema(7), rsi: new Rsi(7), atr: new Atr(7), tr: new TrueRange() };
    for (let i = 0; i < series.length; i++) {
      const bar = { high: series.high[i]!, low: series.low[i]!, close: series.close[i]! };
      const expected = [
        byValue.sma.update(bar.close),
        byValue.ema.update(bar.close),
        byValue.rsi.update(bar.close),
        byValue.atr.update(bar.high, bar.low, bar.close),
        byValue.tr.update(bar.high, bar.low, bar.close),
      ];
      for (const indicator of Object.values(byBar)) indicator.updateBar(bar);
      const actual = [byBar.sma.value, byBar.ema.value, byBar.rsi.value, byBar.atr.value, byBar.tr.value];
      expect(actual).toEqual(expected);
    }
    expect(byBar.atr.ready && byBar.sma.ready && byBar.rsi.ready).toBe(true);
  });
});
