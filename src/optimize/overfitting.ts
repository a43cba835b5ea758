import { deflatedSharpe } from './deflated-sharpe.js';
import type { GridSelection } from './grid-selection.js';
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

function sampleVariance(xs: readonly number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
}

/**
 * PBO and DSR of a grid's choice. The trials are every set that ran (whatever its trade count: the choice was made
 * knowing them all); their daily return series form the CSCV matrix, and V[SR_n] is the sample variance of their
 * per-period Sharpe ratios.
 */
export function overfittingStats(
  selection: GridSelection,
  initialEquity: number,
  partitions: number,
): OverfittingStats {
  const ran = selection.candidates.filter((c) => c.result !== null);
  const returns = ran.map((c) => equityReturns(initialEquity, c.result!.equity));
  const pbo = probabilityOfBacktestOverfitting(returns, partitions);
  const sharpes = returns.map((r) => {
    const m = returnMoments(r);
    return periodSharpe(m.mean, m.std);
  });
  const finite = sharpes.filter(Number.isFinite);
  const base = {
    pbo: pbo.pbo,
    pbo_partitions: partitions,
    pbo_combinations: pbo.combinations,
    trials: ran.length,
  };
  const chosen = selection.best === null ? undefined : selection.candidates[selection.best];
  if (chosen?.result == null || finite.length < 2) {
    return { ...base, deflated_sharpe: null, period_sharpe: null, expected_max_sharpe: null };
  }
  const moments = returnMoments(equityReturns(initialEquity, chosen.result.equity));
  const sharpe = periodSharpe(moments.mean, moments.std);
  const dsr = deflatedSharpe({
    sharpe,
    count: moments.count,
    skewness: moments.skewness,
    kurtosis: moments.kurtosis,
    trials: ran.length,
    sharpeVariance: sampleVariance(finite),
  });
  return {
    ...base,
    deflated_sharpe: dsr.dsr,
    period_sharpe: Number.isFinite(sharpe) ? sharpe : null,
    expected_max_sharpe: dsr.expectedMaxSharpe,
  };
}
