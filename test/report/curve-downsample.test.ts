import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MS_PER_DAY, parseTime } from '../../src/domain/time.js';
import { downsampleSeries, FULL_CURVE_POINTS } from '../../src/report/curve-downsample.js';
import { performanceSeries } from '../../src/report/performance-series.js';

function series(equity: number[]) {
  const time = equity.map((_, i) => parseTime('1990-01-01') + i * MS_PER_DAY);
  return performanceSeries(
    { time, equity },
    {
      initialEquity: 100_000,
      riskFreeRate: 0,
      periodsPerYear: 252,
      benchmark: { time, close: equity.map((e) => e / 2) },
    },
  );
}

/** A random walk of equity, with one crash somewhere: the trough that must stay on the chart. */
const walk = (length: fc.Arbitrary<number>) =>
  fc
    .tuple(length, fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([n, seed, crashAt]) => {
      let s = seed;
      let e = 100_000;
      const crash = Math.floor(crashAt * n);
      return Array.from({ length: n }, (_, i) => {
        s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
        e *= 1 + (s / 2 ** 31 - 0.5) * 0.02 - (i === crash ? 0.3 : 0);
        return Math.round(e * 100) / 100;
      });
    });

describe('downsampleSeries', () => {
  it('draws a curve of up to FULL_CURVE_POINTS points whole', () => {
    fc.assert(
      fc.property(walk(fc.integer({ min: 1, max: FULL_CURVE_POINTS })), (equity) => {
        const s = series(equity);
        expect(downsampleSeries(s)).toBe(s);
      }),
      { numRuns: 20 },
    );
  });

  it('keeps a long curve to at most 4,001 of its own points, with its extremes, deepest drawdown, first and last', () => {
    fc.assert(
      fc.property(walk(fc.integer({ min: FULL_CURVE_POINTS + 1, max: 40_000 })), (equity) => {
        const s = series(equity);
        const d = downsampleSeries(s);
        expect(d.time.length).toBeLessThanOrEqual(4_001);
        // the points are the curve's own, in time order, each series at the same points
        const at = d.time.map((t) => s.time.indexOf(t));
        for (let k = 1; k < at.length; k++) expect(at[k]).toBeGreaterThan(at[k - 1]!);
        expect(d.equity).toEqual(at.map((i) => s.equity[i]));
        expect(d.drawdown).toEqual(at.map((i) => s.drawdown[i]));
        expect(d.benchmark).toEqual(at.map((i) => s.benchmark![i]));
        expect(d.rollingSharpe).toEqual(at.map((i) => s.rollingSharpe[i]));
        expect(at[0]).toBe(0);
        expect(at[at.length - 1]).toBe(equity.length - 1);
        expect(Math.min(...d.drawdown)).toBe(Math.min(...s.drawdown));
        expect(Math.max(...d.equity)).toBe(Math.max(...s.equity));
        expect(Math.min(...d.equity)).toBe(Math.min(...s.equity));
      }),
      { numRuns: 25 },
    );
  });
});
