import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MS_PER_DAY, parseTime } from '../../src/domain/time.js';
import type { TradeRecord } from '../../src/portfolio/trade-record.js';
import { computeMetrics, type MetricsInput, type PerformanceMetrics } from '../../src/performance/metrics.js';

const DAY0 = parseTime('2024-01-01');

let opened = 0;

/** A position opened and closed in one fill each (a new one every call: pieces of one position are one trade). */
function trade(pnl: number): TradeRecord {
  opened++;
  return {
    symbol: 'X',
    entryTime: opened,
    entryPrice: 1,
    exitTime: opened,
    exitPrice: 1,
    quantity: 1,
    pnl,
    commission: 0,
  };
}

function input(equity: number[], extra: Partial<MetricsInput> = {}): MetricsInput {
  return {
    initialEquity: 100,
    daily: { length: equity.length, time: equity.map((_, i) => DAY0 + (i + 1) * MS_PER_DAY), equity },
    trades: [],
    exposure: 0.5,
    openPositions: 0,
    riskFreeRate: 0,
    periodsPerYear: 252,
    ...extra,
  };
}

function close(actual: number | null, expected: number | null, rel = 1e-9): void {
  if (expected === null || actual === null) {
    expect(actual).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-15);
}

describe('computeMetrics on a hand-checked series', () => {
  // E_0 = 100, E = 110, 99, 108.9: returns +10%, −10%, +10%.
  const equity = [110, 99, 108.9];
  // Benchmark closes 100 (the day before), 105, 94.5, 103.95: returns +5%, −10%, +10%.
  const benchmark = {
    length: 4,
    time: [DAY0, DAY0 + MS_PER_DAY, DAY0 + 2 * MS_PER_DAY, DAY0 + 3 * MS_PER_DAY],
    close: [100, 105, 94.5, 103.95],
  };
  const m = computeMetrics(input(equity, { trades: [50, -20, 30, 0].map(trade), benchmark, openPositions: 1 }));

  it('computes returns, volatility and the risk-adjusted ratios', () => {
    close(m.total_return, 0.089);
    close(m.cagr, Math.pow(1.089, 252 / 3) - 1);
    // mean 1/30, sample std 0.2/√3 → volatility 0.2·√84, sharpe (1/30)/(0.2/√3)·√252 = √21.
    close(m.annual_volatility, 0.2 * Math.sqrt(84));
    close(m.sharpe, Math.sqrt(21));
    // downside deviation √(0.01/3)·√252 = 0.1·√84; mean·P = 8.4 → sortino = √84.
    close(m.sortino, Math.sqrt(84));
  });

  it('finds the drawdown from 110 to 99, not recovered by the end', () => {
    close(m.max_drawdown, -0.1);
    expect(m.max_drawdown_duration).toBe(2);
    close(m.calmar, (Math.pow(1.089, 84) - 1) / 0.1);
  });

  it('computes beta 14/13 and alpha from the mean residual 1/65', () => {
    close(m.beta, 14 / 13);
    close(m.alpha, Math.pow(1 + 1 / 65, 252) - 1);
  });

  it('computes trade statistics and the descriptive fields', () => {
    expect(m).toMatchObject({
      trades: 4,
      win_rate: 0.5,
      profit_factor: 4,
      average_win: 40,
      average_loss: -20,
      exposure: 0.5,
      final_equity: 108.9,
      open_positions: 1,
      initial_equity: 100,
      periods: 3,
      start: '2024-01-02',
      end: '2024-01-04',
    });
  });

  it('subtracts the per-period risk-free rate', () => {
    const withRf = computeMetrics(input(equity, { riskFreeRate: 0.252 }));
    // excess returns 0.099, −0.101, 0.099: same deviation, mean 1/30 − 0.001.
    close(withRf.sharpe, ((1 / 30 - 0.001) / (0.2 / Math.sqrt(3))) * Math.sqrt(252));
    close(withRf.annual_volatility, 0.2 * Math.sqrt(84));
  });
});

describe('computeMetrics edge cases', () => {
  it('has no Sortino ratio of a single period, where a loss of any size would give −√P', () => {
    expect(computeMetrics(input([99])).sortino).toBeNull();
    expect(computeMetrics(input([99, 98])).sortino).not.toBeNull();
  });

  it('returns nulls, never NaN or Infinity, when values are undefined', () => {
    const flat = computeMetrics(input([100, 100, 100]));
    expect(flat).toMatchObject({
      total_return: 0,
      cagr: 0,
      annual_volatility: 0,
      sharpe: null,
      sortino: null,
      max_drawdown: 0,
      max_drawdown_duration: 0,
      calmar: null,
      win_rate: null,
      profit_factor: null,
      average_win: null,
      average_loss: null,
      alpha: null,
      beta: null,
      trades: 0,
    });
    const empty = computeMetrics(input([], { exposure: null }));
    expect(empty).toMatchObject({ total_return: null, cagr: null, max_drawdown: null, periods: 0, start: null });
    expect(empty.final_equity).toBe(100);
    const json = JSON.stringify(computeMetrics(input([120, 0.000001, 1e300])));
    expect(json).not.toMatch(/NaN|Infinity/);
  });

  it('has no profit factor without losing trades', () => {
    const m = computeMetrics(input([101, 102], { trades: [trade(5), trade(1)] }));
    expect(m).toMatchObject({ win_rate: 1, profit_factor: null, average_win: 3, average_loss: null });
  });

  it('measures a recovered drawdown from peak to recovery', () => {
    // values 100, 120, 90, 100, 125: peak 120 at 1, trough at 2, recovered at 4.
    const m = computeMetrics(input([120, 90, 100, 125]));
    close(m.max_drawdown, -0.25);
    expect(m.max_drawdown_duration).toBe(3);
  });

  it('measures a drawdown from the last period level with its peak', () => {
    // values 100, 120, 120, 120, 90, 121: the fall starts at period 3, the last at 120; recovered at 5.
    const m = computeMetrics(input([120, 120, 120, 90, 121]));
    close(m.max_drawdown, -0.25);
    expect(m.max_drawdown_duration).toBe(2);
  });

  it('counts a fall below the initial equity as a drawdown from E_0', () => {
    const m = computeMetrics(input([90, 95]));
    close(m.max_drawdown, -0.1);
    expect(m.max_drawdown_duration).toBe(2);
  });

  it('pairs the benchmark by date, using the last close of each benchmark date', () => {
    const t = (d: number, h = 0) => DAY0 + d * MS_PER_DAY + h * 3_600_000;
    const benchmark = {
      length: 6,
      time: [t(0, 16), t(1, 10), t(1, 16), t(2, 16), t(4, 16), t(5, 16)],
      close: [100, 999, 110, 99, 108.9, 100],
    };
    // strategy days 1..4; benchmark returns: day 1 +10%, day 2 −10%, day 4 +10% (day 3 missing).
    const m = computeMetrics(input([110, 99, 100, 108.9], { benchmark }));
    // paired r: +10%, −10%, +8.9% against b: +10%, −10%, +10%.
    const r = [0.1, -0.1, 108.9 / 100 - 1];
    const b = [0.1, -0.1, 0.1];
    const mr = (r[0]! + r[1]! + r[2]!) / 3;
    const mb = (b[0]! + b[1]! + b[2]!) / 3;
    let cov = 0;
    let v = 0;
    for (let i = 0; i < 3; i++) {
      cov += (r[i]! - mr) * (b[i]! - mb);
      v += (b[i]! - mb) ** 2;
    }
    close(m.beta, cov / v);
  });
});

/** The formulas written out again, plainly: arrays, loops, two-pass variance, quadratic drawdown search. */
function reference(
  equity: number[],
  e0: number,
  rfAnnual: number,
  P: number,
  bench: Map<number, number> | null,
  days: number[],
  pnls: number[],
) {
  const n = equity.length;
  const E = [e0, ...equity];
  const r: number[] = [];
  for (let i = 1; i <= n; i++) r.push(E[i]! / E[i - 1]! - 1);
  const rf = rfAnnual / P;
  const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const std = (xs: number[]) => {
    const m = avg(xs);
    let s = 0;
    for (const x of xs) s += (x - m) * (x - m);
    const sd = Math.sqrt(s / (xs.length - 1));
    return sd <= 1e-12 * Math.abs(m) ? 0 : sd;
  };
  const fin = (x: number) => (Number.isFinite(x) ? x : null);
  const ex = r.map((x) => x - rf);
  const cagr = fin(Math.pow(E[n]! / e0, P / n) - 1);
  let mdd = 0;
  let trough = 0;
  for (let i = 0; i <= n; i++) {
    let peak = -Infinity;
    for (let j = 0; j <= i; j++) peak = Math.max(peak, E[j]!);
    const dd = E[i]! / peak - 1;
    if (dd < mdd) {
      mdd = dd;
      trough = i;
    }
  }
  let duration = 0;
  if (mdd < 0) {
    let peakIndex = 0;
    // The last period at the peak before the trough (pyfolio's drawdown table).
    for (let j = 0; j <= trough; j++) if (E[j]! >= E[peakIndex]!) peakIndex = j;
    let end = n;
    for (let k = trough + 1; k <= n; k++) {
      if (E[k]! >= E[peakIndex]!) {
        end = k;
        break;
      }
    }
    duration = end - peakIndex;
  }
  let down = 0;
  for (const x of ex) down += Math.min(x, 0) ** 2;
  const dsd = Math.sqrt(down / n) * Math.sqrt(P);
  let alpha: number | null = null;
  let beta: number | null = null;
  if (bench) {
    const ys: number[] = [];
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const b = bench.get(days[i]!);
      if (b !== undefined) {
        ys.push(r[i]! - rf);
        xs.push(b - rf);
      }
    }
    if (xs.length >= 2 && std(xs) !== 0) {
      const mx = avg(xs);
      const my = avg(ys);
      let c = 0;
      let vx = 0;
      for (let i = 0; i < xs.length; i++) {
        c += (xs[i]! - mx) * (ys[i]! - my);
        vx += (xs[i]! - mx) ** 2;
      }
      beta = c / vx;
      const res = ys.map((y, i) => y - beta! * xs[i]!);
      alpha = fin(Math.pow(avg(res) + 1, P) - 1);
    }
  }
  const wins = pnls.filter((p) => p > 0);
  const losses = pnls.filter((p) => p < 0);
  const gl = -losses.reduce((s, x) => s + x, 0);
  return {
    total_return: E[n]! / e0 - 1,
    cagr,
    annual_volatility: n >= 2 ? std(r) * Math.sqrt(P) : null,
    sharpe: n >= 2 && std(ex) !== 0 ? (avg(ex) / std(ex)) * Math.sqrt(P) : null,
    sortino: n < 2 || dsd === 0 ? null : (avg(ex) * P) / dsd,
    max_drawdown: mdd,
    max_drawdown_duration: duration,
    calmar: mdd < 0 && cagr !== null ? fin(cagr / Math.abs(mdd)) : null,
    alpha,
    beta,
    win_rate: pnls.length ? wins.length / pnls.length : null,
    profit_factor: gl === 0 ? null : fin(wins.reduce((s, x) => s + x, 0) / gl),
    average_win: wins.length ? avg(wins) : null,
    average_loss: losses.length ? avg(losses) : null,
  };
}

describe('computeMetrics against an independent implementation', () => {
  it('agrees to 1e-9 on generated equity series, benchmarks and trades', () => {
    const ret = fc.double({ min: -0.15, max: 0.15, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(ret, ret, fc.boolean()), { minLength: 1, maxLength: 300 }),
        fc.double({ min: -0.05, max: 0.1, noNaN: true }),
        fc.array(fc.double({ min: -500, max: 500, noNaN: true }), { maxLength: 40 }),
        fc.boolean(),
        (rows, rfAnnual, pnls, withBenchmark) => {
          const e0 = 100_000;
          const equity: number[] = [];
          const days: number[] = [];
          let e = e0;
          for (let i = 0; i < rows.length; i++) {
            e *= 1 + rows[i]![0];
            equity.push(e);
            days.push(19_724 + i); // 2024-01-02 onwards
          }
          // the benchmark has a bar the day before the first period and misses the days flagged false
          const bTime: number[] = [(days[0]! - 1) * MS_PER_DAY];
          const bClose: number[] = [400];
          const bench = new Map<number, number>();
          let price = 400;
          for (let i = 0; i < rows.length; i++) {
            if (!rows[i]![2]) continue;
            const next = price * (1 + rows[i]![1]);
            bench.set(days[i]!, next / price - 1);
            price = next;
            bTime.push(days[i]! * MS_PER_DAY);
            bClose.push(price);
          }
          const m = computeMetrics({
            initialEquity: e0,
            daily: { length: equity.length, time: days.map((d) => d * MS_PER_DAY), equity },
            trades: pnls.map(trade),
            exposure: 0.25,
            openPositions: 0,
            riskFreeRate: rfAnnual,
            periodsPerYear: 252,
            benchmark: withBenchmark ? { length: bTime.length, time: bTime, close: bClose } : null,
          });
          const want = reference(equity, e0, rfAnnual, 252, withBenchmark ? bench : null, days, pnls);
          for (const key of Object.keys(want) as (keyof typeof want)[]) {
            const got = m[key as keyof PerformanceMetrics] as number | null;
            try {
              close(got, want[key]);
            } catch (error) {
              throw new Error(`${key}: got ${got}, want ${want[key]}`, { cause: error });
            }
          }
          expect(m.periods).toBe(rows.length);
          expect(m.trades).toBe(pnls.length);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
