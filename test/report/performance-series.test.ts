import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTime } from '../../src/domain/time.js';
import { histogram, performanceSeries, periodReturns, rollingWindow } from '../../src/report/performance-series.js';
import { inSamplePaths } from '../../src/report/walk-forward-series.js';

const days = (...dates: string[]) => dates.map(parseTime);

describe('performanceSeries', () => {
  it('draws down from the running peak, the initial equity included', () => {
    const daily = { time: days('2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'), equity: [90, 120, 96, 132] };
    const s = performanceSeries(daily, { initialEquity: 100, riskFreeRate: 0, periodsPerYear: 252, benchmark: null });
    expect(s.drawdown).toEqual([90 / 100 - 1, 0, 96 / 120 - 1, 0]);
    expect(s.benchmark).toBeNull();
  });

  it('scales the benchmark to the initial equity from its close on the first date, carrying closes over gaps', () => {
    const daily = { time: days('2024-01-02', '2024-01-03', '2024-01-04'), equity: [100, 100, 100] };
    const benchmark = { time: days('2024-01-01', '2024-01-02', '2024-01-04'), close: [40, 50, 55] };
    const s = performanceSeries(daily, { initialEquity: 1000, riskFreeRate: 0, periodsPerYear: 252, benchmark });
    expect(s.benchmark).toEqual([1000, 1000, 1100]);
  });

  it('rolls Sharpe and volatility over the window, undefined before it fills', () => {
    const equity = [101, 99.99, 101.9898, 100.97];
    const daily = { time: days('2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'), equity };
    const s = performanceSeries(daily, { initialEquity: 100, riskFreeRate: 0, periodsPerYear: 4, benchmark: null });
    expect(s.window).toBe(5);
    expect(s.rollingSharpe).toEqual([null, null, null, null]);
    const long = Array.from({ length: 30 }, (_, i) => 100 * 1.01 ** (i % 2 === 0 ? 1 : 0) * (1 + i / 1000));
    const time = long.map((_, i) => parseTime('2024-01-01') + i * 86_400_000);
    const r = performanceSeries(
      { time, equity: long },
      { initialEquity: 100, riskFreeRate: 0, periodsPerYear: 252, benchmark: null },
    );
    expect(r.window).toBe(10);
    const returns = long.map((e, i) => e / (i === 0 ? 100 : long[i - 1]!) - 1);
    const last = returns.slice(-10);
    const mean = last.reduce((a, b) => a + b, 0) / 10;
    const std = Math.sqrt(last.reduce((a, b) => a + (b - mean) ** 2, 0) / 9);
    expect(r.rollingVolatility[29]).toBeCloseTo(std * Math.sqrt(252), 12);
    expect(r.rollingSharpe[29]).toBeCloseTo((mean / std) * Math.sqrt(252), 12);
    expect(r.rollingSharpe[8]).toBeNull();
  });

  it('never shows a drawdown above zero or below −100 %', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (equity) => {
          const time = equity.map((_, i) => i * 86_400_000);
          const s = performanceSeries(
            { time, equity },
            { initialEquity: 1000, riskFreeRate: 0, periodsPerYear: 252, benchmark: null },
          );
          return s.drawdown.every((d) => d <= 0 && d > -1);
        },
      ),
    );
  });
});

describe('rollingWindow', () => {
  it('is six months of sessions, a third of a short run, at least five', () => {
    expect([rollingWindow(5040), rollingWindow(378), rollingWindow(90), rollingWindow(3)]).toEqual([126, 126, 30, 5]);
  });
});

describe('periodReturns', () => {
  it('compounds months from the last equity before them and years from the year before', () => {
    const daily = {
      time: days('2023-12-28', '2024-01-31', '2024-02-01', '2024-02-29', '2024-04-02'),
      equity: [110, 121, 100, 133.1, 146.41],
    };
    const years = periodReturns(100, daily);
    expect(years.map((y) => y.year)).toEqual([2023, 2024]);
    expect(years[0]!.months[11]).toBeCloseTo(0.1, 12);
    expect(years[0]!.total).toBeCloseTo(0.1, 12);
    expect(years[1]!.months[0]).toBeCloseTo(0.1, 12);
    expect(years[1]!.months[1]).toBeCloseTo(0.1, 12);
    expect(years[1]!.months[2]).toBeNull();
    expect(years[1]!.months[3]).toBeCloseTo(0.1, 12);
    expect(years[1]!.total).toBeCloseTo(146.41 / 110 - 1, 12);
  });

  it('multiplies back to the total return', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 800 }),
        (equity) => {
          const time = equity.map((_, i) => parseTime('2020-01-01') + i * 86_400_000);
          const growth = periodReturns(1000, { time, equity }).reduce((g, y) => g * (1 + y.total), 1);
          return Math.abs(growth - equity[equity.length - 1]! / 1000) <= 1e-9 * growth;
        },
      ),
    );
  });
});

describe('histogram', () => {
  it('splits the range into equal bins with the maximum in the last', () => {
    const bins = histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 10]);
    expect(bins.map((b) => b.count)).toEqual([2, 2, 2, 2, 2]);
    expect(bins[0]!.from).toBe(0);
    expect(bins[4]!.to).toBe(10);
    expect(histogram([3, 3])).toEqual([{ from: 3, to: 4, count: 2 }]);
    expect(histogram([])).toEqual([]);
  });

  it('puts values too close to split into one bin', () => {
    expect(histogram([0, 5e-324, 1e-323]).map((b) => b.count)).toEqual([3]);
  });

  it('counts every value once', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 5, noNaN: true }), { maxLength: 500 }), (values) => {
        const bins = histogram(values);
        return bins.reduce((n, b) => n + b.count, 0) === values.length;
      }),
    );
  });
});

describe('inSamplePaths', () => {
  const windows = {
    file: 'wfa_windows.csv',
    header: ['window', 'is_start', 'is_end', 'is_total_return', 'oos_start', 'oos_end'],
    rows: [
      ['1', '2019-01-01', '2019-01-11', '0.21', '2019-01-14', '2019-01-31'],
      ['2', '2019-02-01', '2019-02-11', '-0.5', '2019-03-01', '2019-03-31'],
    ],
    lines: [2, 3],
  };
  it('compounds the in-sample return per day from the first out-of-sample point, at the OOS times', () => {
    const oos = { time: days('2019-01-14', '2019-01-24', '2019-01-31', '2019-02-01'), equity: [1000, 900, 950, 960] };
    const paths = inSamplePaths(windows, oos);
    expect(paths).toHaveLength(1);
    expect(paths[0]!.time).toEqual(days('2019-01-14', '2019-01-24', '2019-01-31'));
    // Ten in-sample days returned 21 %: ten days later 1.21 × the start, seventeen days later 1.21^1.7.
    expect(paths[0]!.equity[0]).toBe(1000);
    expect(paths[0]!.equity[1]).toBeCloseTo(1210, 9);
    expect(paths[0]!.equity[2]).toBeCloseTo(1000 * 1.21 ** 1.7, 9);
  });
  it('draws nothing for a window that held cash, having chosen no set in sample', () => {
    const held = { ...windows, rows: [['1', '2019-01-01', '2019-01-11', '', '2019-01-14', '2019-01-31']], lines: [2] };
    const oos = { time: days('2019-01-14', '2019-01-24'), equity: [1000, 1000] };
    expect(inSamplePaths(held, oos)).toEqual([]);
  });
  it('needs its columns', () => {
    expect(
      inSamplePaths({ ...windows, header: ['window', 'a', 'b', 'c', 'd', 'e'] }, { time: [], equity: [] }),
    ).toEqual([]);
  });
});
