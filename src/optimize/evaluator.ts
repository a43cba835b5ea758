import { availableParallelism } from 'node:os';
import Tinypool from 'tinypool';
import { evaluateJob, type EvaluationContext, type EvaluationJob, type EvaluationResult } from './evaluation-job.js';
import type { BatchOutcome, BatchTask, PoolData } from './evaluation-worker.js';
import type { JobCache } from './job-cache.js';
import { computeOverfitting, type OverfittingStats, type OverfittingTask } from './overfitting.js';
import { shareSeries } from './shared-series.js';
import { PriorityTaskQueue, urgentTask } from './priority-task-queue.js';
import { workerFile } from './worker-file.js';

/** Told of every finished job, cached ones included. */
export interface ProgressSink {
  start(total: number, cached: number): void;
  done(): void;
  stop(): void;
}

/** Runs jobs somewhere (this thread, a worker pool, a queue). */
export interface JobRunner {
  /** How many batches run at once: jobs are cut into a few batches per slot (a queue's jobs go one by one). */
  readonly slots: number;
  /**
   * Runs a batch: its results in the jobs' order, and whether the runner appended them to the cache under `keys`.
   * An urgent batch goes before the batches waiting to start (others are waiting on it), where the runner can.
   */
  run(jobs: readonly EvaluationJob[], keys: readonly string[], urgent: boolean): Promise<BatchOutcome>;
  /** PBO and DSR of a grid (see computeOverfitting), wherever this runner computes best; urgent like a batch. */
  overfitting(task: OverfittingTask): Promise<OverfittingStats>;
  close(): Promise<void>;
}

/** In this thread, one job after the other: for tests and the reference of what parallel runs must reproduce. */
export function inProcessRunner(context: EvaluationContext): JobRunner {
  return {
    slots: 1,
    async run(jobs) {
      const results: EvaluationResult[] = [];
      for (const job of jobs) results.push(await evaluateJob(context, job));
      return { results, appended: false };
    },
    overfitting: (task) => Promise.resolve(computeOverfitting(task)),
    close: () => Promise.resolve(),
  };
}

/** All cores unless told otherwise. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * A pool of worker threads (tinypool). The bars are copied once into shared memory and reach each thread once, with
 * the config and the cache file's path, as its workerData: a task carries only its jobs, and the threads write the
 * cache themselves, so the main thread's cost per job stays small.
 */
export function poolRunner(context: EvaluationContext, workers: number, cache: JobCache): JobRunner {
  const workerData: PoolData = {
    context: { ...context, series: shareSeries(context.series) },
    cacheFile: cache.file,
  };
  const pool = new Tinypool({
    filename: workerFile(),
    // Threads beyond the cores start only when there are tasks for them: a small grid does not pay for idle ones.
    minThreads: Math.min(workers, availableParallelism()),
    maxThreads: workers,
    workerData,
    taskQueue: new PriorityTaskQueue(),
  });
  return {
    slots: workers,
    run: async (jobs, keys, urgent) => {
      const task: BatchTask = { jobs, keys };
      try {
        return (await pool.run(urgent ? urgentTask(task) : task)) as BatchOutcome;
      } catch (error) {
        throw withThreadName(error);
      }
    },
    overfitting: (task) => pool.run(urgentTask({ ...task }), { name: 'overfitting' }) as Promise<OverfittingStats>,
    close: () => pool.destroy(),
  };
}

/**
 * An error thrown in a worker thread under the name it had there (a strategy's StrategyRuntimeError, say): posting
 * an error to another thread keeps only the built-in names, and the CLI tells a user's mistake by its name.
 */
function withThreadName(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const name = /^(\w+): /.exec(error.stack ?? '')?.[1];
  if (name !== undefined && name !== error.name && error.stack?.startsWith(`${name}: ${error.message}`)) {
    error.name = name;
  }
  return error;
}

/** Batches per slot: enough that the slots stay evenly busy to the end, few enough to spread the cost per task. */
const BATCHES_PER_SLOT = 4;
/** Jobs per batch at most, so that progress and the cache file advance steadily on a long grid. */
const MAX_BATCH = 32;

/**
 * Runs jobs through a runner in batches, taking finished ones from the cache and adding each batch to it as it
 * finishes (so an interrupted run keeps what it did). Results come back in the jobs' order whatever order they
 * finished in.
 */
export class BatchedJobs {
  /** Each job's key, hashed once though cached() and run() both need it. */
  private readonly keys = new WeakMap<EvaluationJob, string>();

  constructor(
    private readonly runner: JobRunner,
    private readonly cache: JobCache,
    private readonly progress: ProgressSink,
  ) {}

  private key(job: EvaluationJob): string {
    let key = this.keys.get(job);
    if (key === undefined) {
      key = this.cache.key(job);
      this.keys.set(job, key);
    }
    return key;
  }

  /** How many of `jobs` the cache holds. */
  cached(jobs: readonly EvaluationJob[]): number {
    return jobs.filter((job) => this.cache.get(this.key(job)) !== undefined).length;
  }

  /**
   * Runs `jobs`; cached ones count as progress only with `countCached` (when start() did not count them), and
   * `urgent` ones go before the batches waiting to start.
   */
  async run(
    jobs: readonly EvaluationJob[],
    { countCached = false, urgent = false }: { countCached?: boolean; urgent?: boolean } = {},
  ): Promise<EvaluationResult[]> {
    const keys = jobs.map((job) => this.key(job));
    const results: (EvaluationResult | undefined)[] = keys.map((key) => this.cache.get(key));
    const missing: number[] = [];
    results.forEach((result, i) => {
      if (result === undefined) missing.push(i);
      else if (countCached) this.progress.done();
    });
    const size = Math.min(MAX_BATCH, Math.max(1, Math.ceil(missing.length / (this.runner.slots * BATCHES_PER_SLOT))));
    const batches: number[][] = [];
    for (let i = 0; i < missing.length; i += size) batches.push(missing.slice(i, i + size));
    await Promise.all(
      batches.map(async (batch) => {
        const batchKeys = batch.map((i) => keys[i]!);
        const outcome = await this.runner.run(
          batch.map((i) => jobs[i]!),
          batchKeys,
          urgent,
        );
        this.cache.putBatch(batchKeys, outcome.results, outcome.appended);
        batch.forEach((i, k) => {
          results[i] = outcome.results[k]!;
          this.progress.done();
        });
      }),
    );
    return results as EvaluationResult[];
  }
}

/** Runs `jobs` as one study: progress starts at their count, the cached ones done. */
export function runJobs(
  jobs: readonly EvaluationJob[],
  runner: JobRunner,
  cache: JobCache,
  progress: ProgressSink,
): Promise<EvaluationResult[]> {
  const batched = new BatchedJobs(runner, cache, progress);
  progress.start(jobs.length, batched.cached(jobs));
  return batched.run(jobs);
}
