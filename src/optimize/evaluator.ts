import { availableParallelism } from 'node:os';
import Tinypool from 'tinypool';
import { evaluateJob, type EvaluationContext, type EvaluationJob, type EvaluationResult } from './evaluation-job.js';
import type { WorkerTask } from './evaluation-worker.js';
import { JobCache } from './job-cache.js';
import { shareSeries } from './shared-series.js';
import { workerFile } from './worker-file.js';

/** Told of every finished job, cached ones included. */
export interface ProgressSink {
  start(total: number, cached: number): void;
  done(): void;
  stop(): void;
}

/** Runs jobs somewhere (this thread, a worker pool, a queue) and returns their results in the jobs' order. */
export interface JobRunner {
  run(job: EvaluationJob): Promise<EvaluationResult>;
  close(): Promise<void>;
}

/** In this thread, one job after the other: for tests and the reference of what parallel runs must reproduce. */
export function inProcessRunner(context: EvaluationContext): JobRunner {
  return {
    run: (job) => evaluateJob(context, job),
    close: () => Promise.resolve(),
  };
}

/** All cores unless told otherwise. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * A pool of worker threads (tinypool). The bars are copied once into shared memory and every task carries only
 * references to it, so no worker parses or copies the data again.
 */
export function poolRunner(context: EvaluationContext, workers: number): JobRunner {
  const shared: EvaluationContext = { ...context, series: shareSeries(context.series) };
  const pool = new Tinypool({ filename: workerFile(), minThreads: workers, maxThreads: workers });
  return {
    run: (job) => pool.run({ context: shared, job } satisfies WorkerTask) as Promise<EvaluationResult>,
    close: () => pool.destroy(),
  };
}

/**
 * Runs `jobs` through `runner`, taking finished ones from `cache` and adding new ones to it as they finish (so an
 * interrupted run keeps what it did). Results come back in the jobs' order whatever order they finished in.
 */
export async function runJobs(
  jobs: readonly EvaluationJob[],
  runner: JobRunner,
  cache: JobCache,
  progress: ProgressSink,
): Promise<EvaluationResult[]> {
  const keys = jobs.map((job) => cache.key(job));
  const results: (EvaluationResult | undefined)[] = keys.map((key) => cache.get(key));
  const cached = results.filter((r) => r !== undefined).length;
  progress.start(jobs.length, cached);
  await Promise.all(
    jobs.map(async (job, i) => {
      if (results[i] !== undefined) return;
      const result = await runner.run(job);
      cache.put(keys[i]!, result);
      results[i] = result;
      progress.done();
    }),
  );
  return results as EvaluationResult[];
}
