import { deflatedSharpe } from './deflated-sharpe.js';
import type { GridSelection } from './grid-selection.js';
import type { JobRunner } from './evaluator.js';
import { probabilityOfBacktestOverfitting } from './pbo.js';
import { equityReturns, periodSharpe, returnMoments } from './return-moments.js';

export interface OverfittingStats {
  /** Probability of Backtest Overfitting by CSCV over the evaluated sets; null when it cannot be estimated. */
  readonly pbo: number | null;
  readonly pbo_partitions: number;
  readonly pbo_combinations: number;
  /** Deflated Sharpe Ratio of the chosen set; null without a choice or an estimate. */
  readonly deflated_sharpe: number | null;
  /** Per-period Sharpe ratio of the chosen set, and the one a best-of-N choice reaches by luck (SR0). */
  readonly period_sharpe: number | null;
  readonly expected_max_sharpe: number | null;
  /** Trials N the choice was made among (the sets with results). */
  readonly trials: number;
}

/** What the statistics of a grid's choice are computed from: plain data, so that a worker thread can compute them. */
export interface OverfittingTask {
  /** The equity curve of each trial: every set that ran, whatever its trade count (the choice knew them all). */
  readonly equities: readonly ArrayLike<number>[];
  /** The chosen trial's index among `equities`, or null without a choice. */
  readonly chosen: number | null;
  readonly initialEquity: number;
  readonly partitions: number;
}

function sampleVariance(xs: readonly number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
}

/**
 * PBO and DSR of a grid's choice: the trials' daily return series form the CSCV matrix, and V[SR_n] is the sample
 * variance of their per-period Sharpe ratios.
 */
export function computeOverfitting(task: OverfittingTask): OverfittingStats {
  const returns = task.equities.map((equity) => equityReturns(task.initialEquity, equity));
  const pbo = probabilityOfBacktestOverfitting(returns, task.partitions);
  const moments = returns.map(returnMoments);
  const sharpes = moments.map((m) => periodSharpe(m.mean, m.std));
  const finite = sharpes.filter(Number.isFinite);
  const base = {
    pbo: pbo.pbo,
    pbo_partitions: task.partitions,
    pbo_combinations: pbo.combinations,
    trials: returns.length,
  };
  if (task.chosen === null || finite.length < 2) {
    return { ...base, deflated_sharpe: null, period_sharpe: null, expected_max_sharpe: null };
  }
  const chosen = moments[task.chosen]!;
  const sharpe = sharpes[task.chosen]!;
  const dsr = deflatedSharpe({
    sharpe,
    count: chosen.count,
    skewness: chosen.skewness,
    kurtosis: chosen.kurtosis,
    trials: returns.length,
    sharpeVariance: sampleVariance(finite),
  });
  return {
    ...base,
    deflated_sharpe: dsr.dsr,
    period_sharpe: Number.isFinite(sharpe) ? sharpe : null,
    expected_max_sharpe: dsr.expectedMaxSharpe,
  };
}

/**
 * PBO and DSR of a grid's choice, computed by the runner: on a worker thread when there is a pool (the CSCV is the
 * heaviest step after the backtests), beside the backtests still running.
 */
export function overfittingStats(
  selection: GridSelection,
  initialEquity: number,
  partitions: number,
  runner: JobRunner,
): Promise<OverfittingStats> {
  const ran = selection.candidates.filter((c) => c.result !== null);
  const best = selection.best === null ? undefined : selection.candidates[selection.best];
  const chosen = best?.result == null ? -1 : ran.indexOf(best);
  return runner.overfitting({
    equities: ran.map((c) => c.result!.equity),
    chosen: chosen < 0 ? null : chosen,
    initialEquity,
    partitions,
  });
}
