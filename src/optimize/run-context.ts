import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { EvaluationContext } from './evaluation-job.js';
import { inProcessRunner, poolRunner, type JobRunner, type ProgressSink } from './evaluator.js';
import { JobCache, sha256 } from './job-cache.js';
import type { Objective } from './objective.js';
import type { ParamGrid } from './param-grid.js';
import type { StudyData } from './study-data.js';
import { workerFile } from './worker-file.js';

/** How an optimisation runs, besides the config: from flags or `backtest.walk_forward`. */
export interface StudyOptions {
  readonly grid: ParamGrid;
  readonly objective: Objective;
  readonly minTrades: number;
  readonly pboPartitions: number;
  /** Worker threads; 0 runs every job in this thread (tests). */
  readonly workers: number;
  /** Finished jobs of this run are kept in (and resumed from) this file; null keeps none. */
  readonly cacheFile: string | null;
  readonly progress: ProgressSink;
  /** Where jobs run instead of the local pool (the distributed queue), given the run's key and data hash. */
  readonly runner?: (context: EvaluationContext, run: { runKey: string; dataHash: string }) => Promise<JobRunner>;
}

/** The file a results directory keeps its finished jobs in, for resuming. */
export function cacheFileIn(directory: string): string {
  return join(directory, '.ets-cache', 'jobs.jsonl');
}

/** The version of the code that computes results: the worker bundle's hash (sources when there is no build). */
export function codeVersion(): string {
  try {
    const file = workerFile();
    return existsSync(file) ? sha256(readFileSync(file)) : 'source';
  } catch {
    return 'source';
  }
}

/**
 * Everything besides a job that its result depends on: the config (less where output goes), data and code — the
 * engine's and the strategy module's (null for a built-in strategy).
 */
export function runKey(config: Config, data: StudyData, strategyHash: string | null): string {
  const relevant = {
    ...config,
    logging: null,
    backtest: { ...config.backtest, results_directory: null, walk_forward: null },
  };
  return sha256(JSON.stringify([relevant, data.hash, codeVersion(), strategyHash]));
}

export function openCache(
  config: Config,
  data: StudyData,
  options: StudyOptions,
  strategyHash: string | null,
): JobCache {
  return new JobCache(options.cacheFile, runKey(config, data, strategyHash));
}

/** Where the run's jobs go: the queue, this thread (workers 0) or a pool that writes `cache`'s file. */
export async function openRunner(
  config: Config,
  data: StudyData,
  options: StudyOptions,
  strategyHash: string | null,
  cache: JobCache,
): Promise<JobRunner> {
  const context: EvaluationContext = { config, series: data.series, strategyHash };
  if (options.runner !== undefined)
    return options.runner(context, { runKey: runKey(config, data, strategyHash), dataHash: data.hash });
  return options.workers === 0 ? inProcessRunner(context) : poolRunner(context, options.workers, cache);
}
