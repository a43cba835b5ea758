import type { PerformanceMetrics } from '../performance/metrics.js';

export const OBJECTIVES = ['sharpe', 'sortino', 'cagr', 'calmar', 'profit_factor', 'total_return'] as const;
export type Objective = (typeof OBJECTIVES)[number];

/**
 * The objective's value, for ranking. A ratio with nothing below its line is +Infinity when what is above is
 * positive, as its limit: a profit factor without a losing trade, a Sortino ratio without a period below the
 * risk-free rate, a Calmar ratio without a drawdown — such a set ranks first. Any other undefined value (no trade,
 * a flat curve) is −Infinity: it ranks last and is never chosen.
 */
export function objectiveValue(metrics: PerformanceMetrics, objective: Objective): number {
  const value = metrics[objective];
  if (value !== null) return value;
  return unboundedAbove(metrics, objective) ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

function unboundedAbove(metrics: PerformanceMetrics, objective: Objective): boolean {
  switch (objective) {
    case 'profit_factor':
      // Undefined only without losing trades: unbounded when some trade won.
      return metrics.average_win !== null;
    case 'sortino':
      // Undefined without a period below the risk-free rate (or with fewer than two): every period was above it.
      return metrics.periods >= 2 && (metrics.total_return ?? 0) > 0;
    case 'calmar':
      // Undefined without a drawdown (or without periods): a curve that only rose.
      return (metrics.cagr ?? 0) > 0;
    case 'sharpe':
    case 'cagr':
    case 'total_return':
      // Undefined only without periods or without variation: a run that did nothing.
      return false;
  }
}
