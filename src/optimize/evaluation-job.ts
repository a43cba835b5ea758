import type { Config } from '../config/schema.js';
import type { BarSeries } from '../domain/bar.js';
import type { PerformanceMetrics } from '../performance/metrics.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import type { ParamSet } from './param-grid.js';
import { moduleStrategy, studyStrategy } from './study-strategy.js';
import { runWindowBacktest, type TradeWindow } from './window-backtest.js';

/** One backtest to run: a parameter set on a window; plain data, so that it crosses threads and machines. */
export interface EvaluationJob {
  readonly params: ParamSet;
  readonly window: TradeWindow;
  /**
   * Keep the closed trades and the dates (out-of-sample runs). Grid runs need only the metrics and the equity curve
   * (its dates are the window's, the same for every set): leaving the dates out halves what they write and send.
   */
  readonly keepTrades: boolean;
}

/**
 * A job's result. The curves are Float64Arrays where a job runs (a worker thread posts them as one block of bytes
 * each, and they stay out of the collected heap of the thread that gathers a grid's results) and where the cache
 * file gave them back, and arrays where they were read back from the queue's JSON: the values are the same doubles
 * either way.
 */
export interface EvaluationResult {
  readonly metrics: PerformanceMetrics;
  /** The window's dates (epoch ms; none for a grid run, see keepTrades) and the account's equity at the end of each. */
  readonly time: ArrayLike<number>;
  readonly equity: ArrayLike<number>;
  readonly trades: readonly TradeRecord[];
}

/** The result as plain JSON data (JSON writes a Float64Array as an object of indices): JSON round-trips it exactly. */
export function plainResult(result: EvaluationResult): EvaluationResult {
  return { ...result, time: Array.from(result.time), equity: Array.from(result.equity) };
}

/** What a worker needs besides the job: the config and the bars (loaded once, shared by every job). */
export interface EvaluationContext {
  readonly config: Config;
  readonly series: readonly BarSeries[];
  /** The run's strategy module's code hash (a worker refuses other code), or null for a built-in strategy. */
  readonly strategyHash: string | null;
}

/** Runs a job; a strategy module is loaded once per thread (see studyStrategy) and reused by every job. */
export async function evaluateJob(context: EvaluationContext, job: EvaluationJob): Promise<EvaluationResult> {
  const strategy = moduleStrategy(await studyStrategy(context.config, context.strategyHash));
  const outcome = runWindowBacktest(context.config, context.series, job.params, job.window, strategy);
  return {
    metrics: outcome.metrics,
    time: job.keepTrades ? outcome.time : new Float64Array(0),
    equity: outcome.equity,
    trades: job.keepTrades ? outcome.trades.map((t) => ({ ...t })) : [],
  };
}
