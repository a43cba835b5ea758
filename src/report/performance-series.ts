import { dayNumber } from '../domain/time.js';
import type { DailyRows, TradeRow } from './results-files.js';

/** Series of the equity charts, one value per daily snapshot (null where a value is undefined). */
export interface PerformanceSeries {
  /** Snapshot times, epoch ms of exchange wall-clock time read as UTC. */
  readonly time: readonly number[];
  readonly equity: readonly number[];
  /** The benchmark's buy-and-hold value of the initial equity; null without a benchmark price on or before the date. */
  readonly benchmark: readonly (number | null)[] | null;
  /** E_i / max(E_0..E_i) − 1, E_0 the initial equity: the metrics' drawdown. */
  readonly drawdown: readonly number[];
  /** Annualised Sharpe ratio of the last `window` daily returns. */
  readonly rollingSharpe: readonly (number | null)[];
  /** Annualised volatility of the last `window` daily returns. */
  readonly rollingVolatility: readonly (number | null)[];
  readonly window: number;
}

export interface SeriesOptions {
  readonly initialEquity: number;
  readonly riskFreeRate: number;
  readonly periodsPerYear: number;
  /** Bars of the benchmark (oldest first), or null. */
  readonly benchmark: { readonly time: ArrayLike<number>; readonly close: ArrayLike<number> } | null;
}

/** Six months of sessions; shorter runs use a third of their length (at least five returns). */
export function rollingWindow(periods: number): number {
  return Math.min(126, Math.max(5, Math.floor(periods / 3)));
}

/** The daily returns r_i = E_i / E_(i−1) − 1 with E_0 the initial equity, as in the metrics. */
export function dailyReturns(initialEquity: number, equity: readonly number[]): number[] {
  return equity.map((e, i) => e / (i === 0 ? initialEquity : equity[i - 1]!) - 1);
}

function rolling(
  returns: readonly number[],
  window: number,
  rf: number,
  periodsPerYear: number,
): { sharpe: (number | null)[]; volatility: (number | null)[] } {
  const sharpe: (number | null)[] = [];
  const volatility: (number | null)[] = [];
  for (let i = 0; i < returns.length; i++) {
    if (i + 1 < window) {
      sharpe.push(null);
      volatility.push(null);
      continue;
    }
    let sum = 0;
    for (let k = i + 1 - window; k <= i; k++) sum += returns[k]! - rf;
    const mean = sum / window;
    let squares = 0;
    for (let k = i + 1 - window; k <= i; k++) squares += (returns[k]! - rf - mean) ** 2;
    const std = Math.sqrt(squares / (window - 1));
    // Deviations of a flat stretch are rounding noise, as in the metrics.
    const flat = std <= 1e-12 * Math.max(Math.abs(mean), 1e-300);
    volatility.push(flat ? 0 : std * Math.sqrt(periodsPerYear));
    sharpe.push(flat ? null : (mean / std) * Math.sqrt(periodsPerYear));
  }
  return { sharpe, volatility };
}

/** The benchmark's last close on or before each date, as a buy-and-hold of the initial equity from the first date. */
function benchmarkCurve(
  time: readonly number[],
  bench: NonNullable<SeriesOptions['benchmark']>,
  initialEquity: number,
): (number | null)[] {
  const out: (number | null)[] = [];
  let j = -1;
  let base: number | null = null;
  for (const t of time) {
    const day = dayNumber(t);
    while (j + 1 < bench.time.length && dayNumber(bench.time[j + 1]!) <= day) j++;
    if (j < 0) {
      out.push(null);
      continue;
    }
    const close = bench.close[j]!;
    base ??= close;
    out.push((initialEquity * close) / base);
  }
  return out;
}

export function performanceSeries(daily: DailyRows, options: SeriesOptions): PerformanceSeries {
  const { equity, time } = daily;
  const drawdown: number[] = [];
  let peak = options.initialEquity;
  for (const e of equity) {
    peak = Math.max(peak, e);
    drawdown.push(e / peak - 1);
  }
  const window = rollingWindow(equity.length);
  const rf = options.riskFreeRate / options.periodsPerYear;
  const { sharpe, volatility } = rolling(
    dailyReturns(options.initialEquity, equity),
    window,
    rf,
    options.periodsPerYear,
  );
  return {
    time,
    equity,
    benchmark: options.benchmark === null ? null : benchmarkCurve(time, options.benchmark, options.initialEquity),
    drawdown,
    rollingSharpe: sharpe,
    rollingVolatility: volatility,
    window,
  };
}

export interface PeriodReturns {
  readonly year: number;
  /** January..December; null for a month without a snapshot. */
  readonly months: readonly (number | null)[];
  readonly total: number;
}

/**
 * Monthly and yearly returns, compounding the daily snapshots: a month's return is its last equity over the last
 * equity before it (the initial equity for the first month) less one.
 */
export function periodReturns(initialEquity: number, daily: DailyRows): PeriodReturns[] {
  const years = new Map<number, { months: (number | null)[]; start: number; end: number }>();
  let previousMonthEnd = initialEquity;
  let currentKey = Number.NaN;
  let monthStart = initialEquity;
  for (let i = 0; i < daily.time.length; i++) {
    const date = new Date(daily.time[i]!);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    const key = year * 12 + month;
    if (key !== currentKey) {
      currentKey = key;
      monthStart = previousMonthEnd;
      if (!years.has(year)) years.set(year, { months: Array<number | null>(12).fill(null), start: monthStart, end: 0 });
    }
    const entry = years.get(year)!;
    const e = daily.equity[i]!;
    entry.months[month] = e / monthStart - 1;
    entry.end = e;
    previousMonthEnd = e;
  }
  return [...years.entries()].map(([year, y]) => ({ year, months: y.months, total: y.end / y.start - 1 }));
}

export interface HistogramBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

/** A trade's return on the money it put in: pnl / (entry price × |quantity|). */
export function tradeReturn(trade: TradeRow): number {
  return trade.pnl / (trade.entryPrice * Math.abs(trade.quantity));
}

/** Equal-width bins over [min, max], about √n of them (5 to 40); the maximum falls into the last bin. */
export function histogram(values: ArrayLike<number>): HistogramBin[] {
  const n = values.length;
  if (n === 0) return [];
  // A loop rather than Math.min(...values): tens of thousands of trades would be as many arguments.
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  const count = Math.min(40, Math.max(5, Math.ceil(Math.sqrt(n))));
  // Equal values, or a range so narrow that its bins would have no width (a few subnormals apart): one bin.
  const split = (max - min) / count > 0;
  const width = split ? (max - min) / count : 1;
  const bins = Array.from({ length: split ? count : 1 }, (_, i) => ({
    from: min + i * width,
    to: min + (i + 1) * width,
    count: 0,
  }));
  for (let i = 0; i < n; i++) bins[split ? Math.min(count - 1, Math.floor((values[i]! - min) / width)) : 0]!.count++;
  return bins;
}
