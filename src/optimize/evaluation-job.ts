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
  /** Keep the closed trades (out-of-sample runs); grid runs need only metrics and equity. */
  readonly keepTrades: boolean;
}

/** A job's result as plain data (JSON round-trips it exactly: the cache and the queue store it so). */
export interface EvaluationResult {
  readonly metrics: PerformanceMetrics;
  /** The window's dates (epoch ms) and the account's equity at the end of each. */
  readonly time: readonly number[];
  readonly equity: readonly number[];
  readonly trades: readonly TradeRecord[];
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
    time: Array.from(outcome.time),
    equity: Array.from(outcome.equity),
    trades: job.keepTrades ? outcome.trades.map((t) => ({ ...t })) : [],
  };
}
