import type { PerformanceMetrics } from '../performance/metrics.js';

export const OBJECTIVES = ['sharpe', 'sortino', 'cagr', 'calmar', 'profit_factor', 'total_return'] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** The objective's value; −Infinity when the metric is undefined (no deviation, no losses…), so it ranks last. */
export function objectiveValue(metrics: PerformanceMetrics, objective: Objective): number {
  return metrics[objective] ?? Number.NEGATIVE_INFINITY;
}
