import { dayNumber, formatTime } from '../domain/time.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import { TradeTally } from './trade-tally.js';

/**
 * Performance metrics of a run, keyed as in `metrics.json`.
 *
 * Definitions (empyrical's conventions). The metrics use the daily snapshots E_1..E_n (the account after the last
 * bar of each date) with E_0 = the initial equity, and the simple returns r_i = E_i / E_(i−1) − 1. P is
 * `performance.periods_per_year` (252) and rf = `performance.risk_free_rate` / P the risk-free return per period.
 * total_return = E_n / E_0 − 1. cagr = (E_n / E_0)^(P/n) − 1. annual_volatility = std(r)·√P, with the sample
 * standard deviation (n − 1 in the denominator). sharpe = mean(r − rf) / std(r − rf) · √P. sortino = mean(r − rf)·P
 * / (√(mean(min(r − rf, 0)²))·√P), the downside deviation taken over all periods (two at least, as for sharpe).
 * max_drawdown = min over i of E_i / max(E_0..E_i) − 1, a negative fraction (0 without a loss from a peak), and
 * max_drawdown_duration the periods from that drawdown's peak (the last period at it) until equity first regains the
 * peak, or until the end when it never does.
 * calmar = cagr / |max_drawdown|. With a benchmark, its buy-and-hold daily returns b (from the last close of each
 * of its dates) are paired with r by date, and beta = cov(r − rf, b − rf) / var(b − rf), alpha = (mean((r − rf) −
 * beta·(b − rf)) + 1)^P − 1. From the closed trades: trades (their number), win_rate (share with pnl > 0),
 * profit_factor (gross profit / gross loss), average_win and average_loss (mean pnl of the winners and of the
 * losers, the latter negative). exposure is the fraction of recorded bars with any position open. A value that is
 * undefined (no trades, no losses, no deviation, fewer than two periods, no benchmark) is null, never NaN or
 * Infinity; a deviation counts as none when it is below 1e-12 of the mean's size, where it is only rounding noise.
 */
export interface PerformanceMetrics {
  readonly total_return: number | null;
  readonly cagr: number | null;
  readonly annual_volatility: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly max_drawdown: number | null;
  readonly max_drawdown_duration: number | null;
  readonly calmar: number | null;
  readonly win_rate: number | null;
  readonly profit_factor: number | null;
  readonly average_win: number | null;
  readonly average_loss: number | null;
  readonly exposure: number | null;
  readonly alpha: number | null;
  readonly beta: number | null;
  readonly trades: number;
  readonly final_equity: number;
  readonly open_positions: number;
  readonly initial_equity: number;
  readonly periods: number;
  readonly start: string | null;
  readonly end: string | null;
}

export interface TimeSeries {
  readonly length: number;
  readonly time: ArrayLike<number>;
}

export interface MetricsInput {
  readonly initialEquity: number;
  /** Daily snapshots, oldest first: `equitySeries(recorder.daily())`. */
  readonly daily: TimeSeries & { readonly equity: ArrayLike<number> };
  /** The closed trades, or their tally when a run streams them to a file instead of keeping them. */
  readonly trades: readonly TradeRecord[] | TradeTally;
  /** `EquityRecorder.exposure()`. */
  readonly exposure: number | null;
  readonly openPositions: number;
  /** Annual rate as a fraction. */
  readonly riskFreeRate: number;
  readonly periodsPerYear: number;
  /** The benchmark's bars (any bar size, oldest first); null or absent for no alpha/beta. */
  readonly benchmark?: (TimeSeries & { readonly close: ArrayLike<number> }) | null;
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function mean(xs: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]!;
  return sum / xs.length;
}

/** A deviation below 1e-12 of the mean's size is rounding noise: it counts as none. */
function noiseFree(deviation: number, mean: number): number {
  return deviation <= 1e-12 * Math.abs(mean) ? 0 : deviation;
}

function ratioOrNull(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : finite(numerator / denominator);
}

interface Drawdown {
  readonly depth: number;
  readonly duration: number;
}

/** Over E_0..E_n: the deepest fall from a running peak and the periods from that peak to its recovery (or the end). */
function maxDrawdown(e0: number, equity: ArrayLike<number>, n: number): Drawdown {
  let peak = e0;
  let peakIndex = 0;
  let depth = 0;
  let depthPeakIndex = 0;
  let depthPeak = peak;
  let troughIndex = 0;
  // period k holds E_k = equity[k − 1]
  for (let k = 1; k <= n; k++) {
    const v = equity[k - 1]!;
    // A drawdown starts from the last period at its peak (as pyfolio's drawdown table): time spent level with
    // the peak is not time under water.
    if (v >= peak) {
      peak = v;
      peakIndex = k;
      continue;
    }
    const dd = v / peak - 1;
    if (dd < depth) {
      depth = dd;
      depthPeakIndex = peakIndex;
      depthPeak = peak;
      troughIndex = k;
    }
  }
  if (depth === 0) return { depth: 0, duration: 0 };
  let end = n;
  for (let k = troughIndex + 1; k <= n; k++) {
    if (equity[k - 1]! >= depthPeak) {
      end = k;
      break;
    }
  }
  return { depth, duration: end - depthPeakIndex };
}

/** Benchmark buy-and-hold return per date (days since epoch), from the last close of each benchmark date. */
function benchmarkReturns(benchmark: TimeSeries & { readonly close: ArrayLike<number> }): Map<number, number> {
  const out = new Map<number, number>();
  let prevClose = Number.NaN;
  for (let i = 0; i < benchmark.length; i++) {
    const day = dayNumber(benchmark.time[i]!);
    const lastOfDay = i === benchmark.length - 1 || dayNumber(benchmark.time[i + 1]!) !== day;
    if (!lastOfDay) continue;
    const close = benchmark.close[i]!;
    if (!Number.isNaN(prevClose)) out.set(day, close / prevClose - 1);
    prevClose = close;
  }
  return out;
}

function alphaBeta(
  e0: number,
  equity: ArrayLike<number>,
  times: ArrayLike<number>,
  benchmark: TimeSeries & { readonly close: ArrayLike<number> },
  rf: number,
  periodsPerYear: number,
): { alpha: number | null; beta: number | null } {
  const byDay = benchmarkReturns(benchmark);
  const ys: number[] = [];
  const xs: number[] = [];
  for (let i = 0; i < times.length; i++) {
    const b = byDay.get(dayNumber(times[i]!));
    if (b === undefined) continue;
    ys.push(periodReturn(e0, equity, i) - rf);
    xs.push(b - rf);
  }
  if (xs.length < 2) return { alpha: null, beta: null };
  const mx = mean(xs);
  const my = mean(ys);
  let cov = 0;
  let varX = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i]! - mx;
    cov += dx * (ys[i]! - my);
    varX += dx * dx;
  }
  if (noiseFree(Math.sqrt(varX / (xs.length - 1)), mx) === 0) return { alpha: null, beta: null };
  const beta = cov / varX;
  let excess = 0;
  for (let i = 0; i < xs.length; i++) excess += ys[i]! - beta * xs[i]!;
  const alpha = Math.pow(excess / xs.length + 1, periodsPerYear) - 1;
  return { alpha: finite(alpha), beta: finite(beta) };
}

function tradeStats(tally: TradeTally) {
  const { count: n, wins, losses, grossProfit, grossLoss } = tally;
  return {
    win_rate: n === 0 ? null : wins / n,
    profit_factor: grossLoss === 0 ? null : finite(grossProfit / grossLoss),
    average_win: wins === 0 ? null : grossProfit / wins,
    average_loss: losses === 0 ? null : -grossLoss / losses,
  };
}

/** r_i = E_i / E_(i−1) − 1 of the i-th snapshot (0-based), with E_0 the initial equity. */
function periodReturn(e0: number, equity: ArrayLike<number>, i: number): number {
  return equity[i]! / (i === 0 ? e0 : equity[i - 1]!) - 1;
}

/**
 * Returns are recomputed from the equity in each pass rather than stored: for a long curve that saves arrays whose
 * first touch would cost more than the arithmetic.
 */
export function computeMetrics(input: MetricsInput): PerformanceMetrics {
  const { daily, initialEquity: e0, periodsPerYear: P } = input;
  const equity = daily.equity;
  const n = daily.length;
  const rf = input.riskFreeRate / P;
  const finalEquity = n === 0 ? e0 : equity[n - 1]!;
  const trades = input.trades instanceof TradeTally ? input.trades : TradeTally.of(input.trades);

  let sumReturns = 0;
  let sumExcess = 0;
  for (let i = 0; i < n; i++) {
    const r = periodReturn(e0, equity, i);
    sumReturns += r;
    sumExcess += r - rf;
  }
  const meanReturn = sumReturns / n;
  const meanExcess = sumExcess / n;

  let annualVolatility: number | null = null;
  let sharpe: number | null = null;
  let sortino: number | null = null;
  if (n >= 1) {
    let ssReturns = 0;
    let ssExcess = 0;
    let downside = 0;
    for (let i = 0; i < n; i++) {
      const r = periodReturn(e0, equity, i);
      const dr = r - meanReturn;
      const x = r - rf;
      const dx = x - meanExcess;
      ssReturns += dr * dr;
      ssExcess += dx * dx;
      if (x < 0) downside += x * x;
    }
    if (n >= 2) {
      annualVolatility = finite(noiseFree(Math.sqrt(ssReturns / (n - 1)), meanReturn) * Math.sqrt(P));
      const sd = noiseFree(Math.sqrt(ssExcess / (n - 1)), meanExcess);
      sharpe = sd === 0 ? null : finite((meanExcess / sd) * Math.sqrt(P));
      // Not of one period either, where it would be −√P for any loss, however small: it says nothing.
      sortino = ratioOrNull(meanExcess * P, Math.sqrt(downside / n) * Math.sqrt(P));
    }
  }

  const growth = finalEquity / e0;
  const totalReturn = n === 0 ? null : finite(growth - 1);
  const cagr = n === 0 ? null : finite(Math.pow(growth, P / n) - 1);
  const dd = n === 0 ? null : maxDrawdown(e0, equity, n);
  const maxDd = dd === null ? null : finite(dd.depth);
  const calmar = cagr === null || maxDd === null || maxDd >= 0 ? null : finite(cagr / -maxDd);

  const benchmark = input.benchmark;
  const ab = benchmark && n >= 2 ? alphaBeta(e0, equity, daily.time, benchmark, rf, P) : { alpha: null, beta: null };

  return {
    total_return: totalReturn,
    cagr,
    annual_volatility: annualVolatility,
    sharpe,
    sortino,
    max_drawdown: maxDd,
    max_drawdown_duration: dd === null ? null : dd.duration,
    calmar,
    ...tradeStats(trades),
    exposure: input.exposure === null ? null : finite(input.exposure),
    alpha: ab.alpha,
    beta: ab.beta,
    trades: trades.count,
    final_equity: finalEquity,
    open_positions: input.openPositions,
    initial_equity: e0,
    periods: n,
    start: n === 0 ? null : formatTime(daily.time[0]!),
    end: n === 0 ? null : formatTime(daily.time[n - 1]!),
  };
}
