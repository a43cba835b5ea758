import type { Config } from '../config/schema.js';
import type { EvaluationJob } from './evaluation-job.js';

/** The BullMQ queue the backtests of distributed runs go through. */
export const QUEUE_NAME = 'ets-backtests';

/** What a queued backtest carries: the job, the config, and what a worker checks before running it. */
export interface QueuedJob {
  readonly config: Config;
  readonly job: EvaluationJob;
  /** SHA-256 of the data files the run was started with: a worker with other data refuses the job. */
  readonly dataHash: string;
  /** The code version the run was started with: a worker running other code refuses the job. */
  readonly codeVersion: string;
  /** The run's strategy module's code hash, or null for a built-in strategy: a worker with other code refuses. */
  readonly strategyHash: string | null;
}
