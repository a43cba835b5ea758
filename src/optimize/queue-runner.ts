import { Queue, QueueEvents } from 'bullmq';
import type { Logger } from '../logging/logger.js';
import type { EvaluationContext, EvaluationJob, EvaluationResult } from './evaluation-job.js';
import type { JobRunner } from './evaluator.js';
import { jobKey } from './job-cache.js';
import { OptimizeConfigError } from './optimize-error.js';
import { computeOverfitting } from './overfitting.js';
import { QUEUE_NAME, type QueuedJob } from './queued-job.js';
import type { RedisConnection } from './redis-url.js';
import { ensureReachable, readyWithin, RedisWatch } from './redis-watch.js';

/** Finished results stay in Redis this long, so that a repeated run takes them instead of running them again. */
const KEEP_RESULTS_SECONDS = 7 * 24 * 3600;

export interface QueueRunnerOptions {
  readonly url: string;
  readonly connection: RedisConnection;
  /** How long Redis may be away mid-run before the run fails (--redis-wait-seconds). */
  readonly waitSeconds: number;
  readonly logger: Logger;
  readonly runKey: string;
  readonly dataHash: string;
  readonly codeVersion: string;
}

/**
 * Jobs through a BullMQ queue, run by `ets worker` processes on any machine. Each job's id is its idempotency key
 * (parameters, window, settings, data and code version): adding a job that exists already attaches to it, and a
 * finished one returns its stored result. A worker that dies mid-job leaves a stalled job that BullMQ hands to
 * another worker; a job a worker refuses (other data, other code) fails the run with the worker's reason. Redis
 * away for longer than the wait fails the run (its files are written only at its end, so none are).
 */
export async function queueRunner(context: EvaluationContext, options: QueueRunnerOptions): Promise<JobRunner> {
  const { url, logger } = options;
  await ensureReachable(url, options.connection);
  /** How to add each unfinished job again. */
  const unfinished = new Set<() => void>();
  const watch = new RedisWatch(options.connection, {
    url,
    waitMs: options.waitSeconds * 1000,
    logger,
    speaker: '',
    stopped: 'the run stopped and wrote no results',
    resumed: 'the run goes on',
    // A Redis that restarted without its data has lost the jobs; one that kept them answers the same ids with the
    // jobs it has, finished ones with their results.
    onBack: () => {
      for (const add of unfinished) add();
    },
  });
  const queue = new Queue<QueuedJob, EvaluationResult>(QUEUE_NAME, { connection: watch.connection });
  const events = new QueueEvents(QUEUE_NAME, { connection: watch.connection });
  queue.on('error', () => undefined);
  events.on('error', () => undefined);
  // Every job in flight waits on one 'completed' or 'failed' listener, and on its queue's 'closing': thousands of
  // them are expected.
  events.setMaxListeners(0);
  queue.setMaxListeners(0);
  const close = async (): Promise<void> => {
    watch.giveUp();
    watch.stop();
    await Promise.allSettled([events.close(), queue.close()]);
  };
  try {
    await readyWithin(url, Promise.all([queue.waitUntilReady(), events.waitUntilReady()]));
    watch.watch(await queue.client);
    watch.watch(await events.client);
  } catch (error) {
    await close();
    throw error;
  }
  const runOne = async (job: EvaluationJob): Promise<EvaluationResult> => {
    const payload: QueuedJob = {
      config: context.config,
      job,
      dataHash: options.dataHash,
      codeVersion: options.codeVersion,
      strategyHash: context.strategyHash,
    };
    let finish!: { resolve: (result: EvaluationResult) => void; reject: (error: Error) => void };
    const finished = new Promise<EvaluationResult>((resolve, reject) => {
      finish = { resolve, reject };
    });
    const add = (): void => {
      queue
        .add('backtest', payload, {
          jobId: jobKey(options.runKey, job),
          attempts: 3,
          backoff: { type: 'fixed', delay: 1000 },
          removeOnComplete: { age: KEEP_RESULTS_SECONDS },
          removeOnFail: true,
        })
        .then((queued) => queued.waitUntilFinished(events))
        .then(finish.resolve, (error: unknown) => {
          finish.reject(new OptimizeConfigError(`--queue ${url}: ${(error as Error).message}`));
        });
    };
    unfinished.add(add);
    add();
    try {
      return await finished;
    } finally {
      unfinished.delete(add);
    }
  };
  return {
    // Every job is a queue entry of its own (its idempotency key is its id), taken by whichever worker is free.
    slots: Number.POSITIVE_INFINITY,
    run: async (jobs) => ({
      results: await Promise.race([Promise.all(jobs.map(runOne)), watch.lost]),
      appended: false,
    }),
    // The one CSCV per grid is cheap beside its backtests: it runs here rather than as a queue job.
    overfitting: (task) => Promise.resolve(computeOverfitting(task)),
    close,
  };
}
