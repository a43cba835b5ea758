import type { EvaluationResult } from './evaluation-job.js';
import type { PlannedSet } from './grid-plan.js';
import { objectiveValue, type Objective } from './objective.js';
import type { ParamSet } from './param-grid.js';

/** ok: a candidate; invalid: the strategy refuses the set (fast ≥ slow); min_trades: too few trades to count. */
export type CandidateStatus = 'ok' | 'invalid' | 'min_trades';

export interface Candidate {
  readonly params: ParamSet;
  readonly status: CandidateStatus;
  /** Why the strategy refused the set (status invalid). */
  readonly reason: string | null;
  readonly result: EvaluationResult | null;
  /** The objective's value (see objectiveValue): +Infinity when unbounded, null when undefined. */
  readonly objective: number | null;
}

export interface GridSelection {
  readonly candidates: readonly Candidate[];
  /** Index of the best candidate with status ok (the first of equals); null when none qualifies. */
  readonly best: number | null;
  readonly invalid: number;
  readonly belowMinTrades: number;
}

/** Ranks the evaluated sets by the objective among those with at least `minTrades` closed trades. */
export function selectBest(
  sets: readonly { params: ParamSet; invalid: string | null; result: EvaluationResult | null }[],
  objective: Objective,
  minTrades: number,
): GridSelection {
  let best: number | null = null;
  let bestValue = Number.NEGATIVE_INFINITY;
  const candidates = sets.map((set, i): Candidate => {
    if (set.invalid !== null || set.result === null) {
      return { params: set.params, status: 'invalid', reason: set.invalid, result: null, objective: null };
    }
    const value = objectiveValue(set.result.metrics, objective);
    const status: CandidateStatus = set.result.metrics.trades < minTrades ? 'min_trades' : 'ok';
    // A set whose objective is undefined (−Infinity: no trade, say) is never the best, even as the only one.
    if (status === 'ok' && value > bestValue) {
      best = i;
      bestValue = value;
    }
    return {
      params: set.params,
      status,
      reason: null,
      result: set.result,
      // +Infinity stays (optimize.csv writes it as Infinity; JSON, which cannot, as null).
      objective: value === Number.NEGATIVE_INFINITY ? null : value,
    };
  });
  return {
    candidates,
    best,
    invalid: candidates.filter((c) => c.status === 'invalid').length,
    belowMinTrades: candidates.filter((c) => c.status === 'min_trades').length,
  };
}

/** selectBest over a grid's planned sets, `results` being those of its runnable sets in their order. */
export function selectPlanned(
  planned: readonly PlannedSet[],
  results: readonly EvaluationResult[],
  objective: Objective,
  minTrades: number,
): GridSelection {
  let next = 0;
  return selectBest(
    planned.map((p) => ({
      params: p.params,
      invalid: p.invalid,
      result: p.invalid === null ? results[next++]! : null,
    })),
    objective,
    minTrades,
  );
}
