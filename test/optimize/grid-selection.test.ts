import { describe, expect, it } from 'vitest';
import type { EvaluationResult } from '../../src/optimize/evaluation-job.js';
import { selectBest } from '../../src/optimize/grid-selection.js';
import { objectiveValue } from '../../src/optimize/objective.js';
import { computeMetrics, type PerformanceMetrics } from '../../src/performance/metrics.js';

/** A flat run of 100 daily periods without trades, as computeMetrics gives it. */
const FLAT = computeMetrics({
  initialEquity: 100_000,
  daily: {
    length: 100,
    time: Array.from({ length: 100 }, (_, i) => Date.UTC(2024, 0, 2) + i * 86_400_000),
    equity: new Array<number>(100).fill(100_000),
  },
  trades: [],
  exposure: 0,
  openPositions: 0,
  riskFreeRate: 0,
  periodsPerYear: 252,
});

/** A run's metrics: the flat run's with `values` over them. */
function metrics(values: Partial<PerformanceMetrics>): PerformanceMetrics {
  return { ...FLAT, ...values };
}

const result = (values: Partial<PerformanceMetrics>): EvaluationResult => ({
  metrics: metrics(values),
  time: [],
  equity: [],
  trades: [],
});

/** Only winners: 2 trades, +4 %, no losing trade and no drawdown. */
const perfect = { trades: 2, total_return: 0.04, cagr: 0.1, average_win: 2000, win_rate: 1, max_drawdown: 0 };
/** Winners and losers: a profit factor, a Sortino and a Calmar ratio of their own. */
const mixed = { trades: 9, total_return: 0.02, cagr: 0.05, profit_factor: 12.8, sortino: 1.1, calmar: 0.9 };

describe('the objective of a set', () => {
  it('is unbounded, first, for a ratio with nothing below its line and a gain above it', () => {
    expect(objectiveValue(metrics(perfect), 'profit_factor')).toBe(Number.POSITIVE_INFINITY);
    expect(objectiveValue(metrics(perfect), 'sortino')).toBe(Number.POSITIVE_INFINITY);
    expect(objectiveValue(metrics(perfect), 'calmar')).toBe(Number.POSITIVE_INFINITY);
    expect(objectiveValue(metrics(mixed), 'profit_factor')).toBe(12.8);
  });

  it('is undefined, last, for a run without trades or gains', () => {
    for (const objective of ['profit_factor', 'sortino', 'calmar', 'sharpe'] as const) {
      expect(objectiveValue(metrics({}), objective), objective).toBe(Number.NEGATIVE_INFINITY);
    }
    expect(objectiveValue(metrics({ ...perfect, total_return: -0.01, cagr: -0.02 }), 'sortino')).toBe(
      Number.NEGATIVE_INFINITY,
    );
  });
});

describe('selectBest', () => {
  const set = (fast: number, values: Partial<PerformanceMetrics>) => ({
    params: { fast },
    invalid: null,
    result: result(values),
  });

  it('ranks a set without a losing trade first by profit factor', () => {
    const selection = selectBest([set(30, mixed), set(15, perfect), set(5, {})], 'profit_factor', 1);
    expect(selection.best).toBe(1);
    expect(selection.candidates.map((c) => c.objective)).toEqual([12.8, Number.POSITIVE_INFINITY, null]);
  });

  it('chooses none when no set has a defined objective', () => {
    const selection = selectBest([set(5, {}), set(10, {})], 'profit_factor', 0);
    expect(selection.best).toBeNull();
    expect(selection.candidates.map((c) => c.status)).toEqual(['ok', 'ok']);
  });
});
