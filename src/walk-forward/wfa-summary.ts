import type { PerformanceMetrics } from '../performance/metrics.js';
import type { ParamSet } from '../optimize/param-grid.js';
import { equityReturns, periodSharpe, returnMoments } from '../optimize/return-moments.js';

export interface WindowFigures {
  /** The chosen set, null when none qualified. */
  readonly params: ParamSet | null;
  readonly is: PerformanceMetrics | null;
  readonly oos: PerformanceMetrics | null;
  /** Stitched dollars the window made (end − start of the stitched curve). */
  readonly profit: number;
  readonly pbo: number | null;
}

export interface Criterion {
  readonly name: string;
  readonly value: number | null;
  readonly threshold: string;
  readonly pass: boolean;
}

/** Pooled annual return of windows: (Π(1 + R_k))^(P / Σ n_k) − 1 over their total returns R_k and periods n_k. */
export function pooledAnnualReturn(metrics: readonly PerformanceMetrics[], periodsPerYear: number): number | null {
  let growth = 1;
  let periods = 0;
  for (const m of metrics) {
    if (m.total_return === null) continue;
    growth *= 1 + m.total_return;
    periods += m.periods;
  }
  return periods === 0 || growth <= 0 ? null : growth ** (periodsPerYear / periods) - 1;
}

/**
 * Walk-forward efficiency (Pardo): annualised OOS return ÷ annualised IS return, each pooled over the windows (the
 * chosen sets' in-sample runs and the out-of-sample runs). Null when the IS return is ≤ 0: the ratio means nothing
 * there.
 */
export function walkForwardEfficiency(isAnnual: number | null, oosAnnual: number | null): number | null {
  if (isAnnual === null || oosAnnual === null || !(isAnnual > 0)) return null;
  return oosAnnual / isAnnual;
}

/**
 * The t-statistic of the mean daily OOS return, t = mean / (std / √T) = per-period Sharpe × √T (Lo 2002, "The
 * Statistics of Sharpe Ratios": under i.i.d. returns SR·√T is the t-statistic of the mean).
 */
export function sharpeTStatistic(initial: number, equity: readonly number[]): number | null {
  const m = returnMoments(equityReturns(initial, equity));
  const sharpe = periodSharpe(m.mean, m.std);
  return Number.isFinite(sharpe) && m.count > 1 ? sharpe * Math.sqrt(m.count) : null;
}

/** Per parameter: mean, sample std and coefficient of variation of the chosen values, and how often they changed. */
export function parameterStability(names: readonly string[], chosen: readonly (ParamSet | null)[]) {
  const sets = chosen.filter((c): c is ParamSet => c !== null);
  let unchanged = 0;
  for (let i = 1; i < sets.length; i++) if (names.every((n) => sets[i]![n] === sets[i - 1]![n])) unchanged++;
  const params = Object.fromEntries(
    names.map((name) => {
      const values = sets.map((s) => s[name]!);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std =
        values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
      let changes = 0;
      for (let i = 1; i < values.length; i++) if (values[i] !== values[i - 1]) changes++;
      return [name, { mean, std, coefficient_of_variation: mean === 0 ? null : std / Math.abs(mean), changes }];
    }),
  );
  return { params, unchanged_share: sets.length > 1 ? unchanged / (sets.length - 1) : null };
}

/**
 * The usual walk-forward pass criteria: total OOS profit > 0, WFE ≥ 50 %, ≥ 50 % of OOS windows profitable, no
 * single window ≥ 50 % of the total profit, OOS max drawdown ≤ 40 %.
 */
export function passCriteria(
  windows: readonly WindowFigures[],
  totalProfit: number,
  wfe: number | null,
  maxDrawdown: number | null,
): Criterion[] {
  const profitable = windows.filter((w) => w.profit > 0).length / windows.length;
  const largest = Math.max(...windows.map((w) => w.profit));
  const share = totalProfit > 0 ? largest / totalProfit : null;
  const drawdown = maxDrawdown === null ? 0 : -maxDrawdown;
  return [
    { name: 'total_oos_profit', value: totalProfit, threshold: '> 0', pass: totalProfit > 0 },
    { name: 'walk_forward_efficiency', value: wfe, threshold: '>= 0.5', pass: wfe !== null && wfe >= 0.5 },
    { name: 'profitable_oos_windows', value: profitable, threshold: '>= 0.5', pass: profitable >= 0.5 },
    { name: 'largest_window_profit_share', value: share, threshold: '< 0.5', pass: share !== null && share < 0.5 },
    { name: 'oos_max_drawdown', value: drawdown, threshold: '<= 0.4', pass: drawdown <= 0.4 },
  ];
}
