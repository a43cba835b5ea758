import Tinypool from 'tinypool';
import { evaluateJob, type EvaluationContext, type EvaluationJob, type EvaluationResult } from './evaluation-job.js';
import { appendCacheLines } from './job-cache.js';
import { computeOverfitting, type OverfittingStats, type OverfittingTask } from './overfitting.js';

/** What every task of a pool shares, sent once to each thread as its workerData. */
export interface PoolData {
  readonly context: EvaluationContext;
  /** The run's cache file, which the threads append their batches to; null when the run keeps none. */
  readonly cacheFile: string | null;
}

/** A batch of jobs for one worker thread. */
export interface BatchTask {
  readonly jobs: readonly EvaluationJob[];
  /** The jobs' cache keys: the thread appends the batch to the cache file under them. */
  readonly keys: readonly string[];
}

export interface BatchOutcome {
  readonly results: EvaluationResult[];
  /** Whether the batch is in the cache file already (appended by the thread that ran it). */
  readonly appended: boolean;
}

/**
 * The worker thread's entry (bundled as dist/cli/optimize-worker.mjs): a batch of jobs on the bars shared with the
 * main thread. Several jobs per task spread the pool's fixed cost per task (a message each way, a memory check) over
 * them, and the results are serialised and written to the cache here, in parallel, rather than in the main thread.
 */
export default async function runBatch(task: BatchTask): Promise<BatchOutcome> {
  const { context, cacheFile } = Tinypool.workerData as PoolData;
  const results: EvaluationResult[] = [];
  for (const job of task.jobs) results.push(await evaluateJob(context, job));
  if (cacheFile !== null) appendCacheLines(cacheFile, task.keys, results);
  return { results, appended: cacheFile !== null };
}

/** PBO and DSR of a grid (see computeOverfitting): its CSCV is the heaviest step after the backtests. */
export function overfitting(task: OverfittingTask): OverfittingStats {
  return computeOverfitting(task);
}
