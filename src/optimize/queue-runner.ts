import { connect } from 'node:net';
import { Queue, QueueEvents } from 'bullmq';
import type { EvaluationContext, EvaluationJob, EvaluationResult } from './evaluation-job.js';
import type { JobRunner } from './evaluator.js';
import { jobKey } from './job-cache.js';
import { OptimizeConfigError } from './optimize-error.js';
import { computeOverfitting } from './overfitting.js';
import { QUEUE_NAME, type QueuedJob } from './queued-job.js';
import type { RedisConnection } from './redis-url.js';

/** Seconds to wait for Redis before saying it cannot be reached. */
const CONNECT_TIMEOUT_MS = 5000;
/** Finished results stay in Redis this long, so that a repeated run takes them instead of running them again. */
const KEEP_RESULTS_SECONDS = 7 * 24 * 3600;

export interface QueueRunnerOptions {
  readonly url: string;
  readonly connection: RedisConnection;
  readonly runKey: string;
  readonly dataHash: string;
  readonly codeVersion: string;
}

async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new OptimizeConfigError(message));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether something accepts connections at the address: checked before BullMQ connects, because its clients retry
 * forever and would leave the command hanging on a wrong address.
 */
function reachable(host: string, port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ms, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

/**
 * Jobs through a BullMQ queue, run by `ets worker` processes on any machine. Each job's id is its idempotency key
 * (parameters, window, settings, data and code version): adding a job that exists already attaches to it, and a
 * finished one returns its stored result. A worker that dies mid-job leaves a stalled job that BullMQ hands to
 * another worker; a job a worker refuses (other data, other code) fails the run with the worker's reason.
 */
export async function queueRunner(context: EvaluationContext, options: QueueRunnerOptions): Promise<JobRunner> {
  const { host, port } = options.connection;
  if (!(await reachable(host, port, CONNECT_TIMEOUT_MS))) {
    throw new OptimizeConfigError(`--queue ${options.url}: cannot reach Redis there`);
  }
  const queue = new Queue<QueuedJob, EvaluationResult>(QUEUE_NAME, { connection: options.connection });
  const events = new QueueEvents(QUEUE_NAME, { connection: options.connection });
  queue.on('error', () => undefined);
  events.on('error', () => undefined);
  // Every job in flight waits on one 'completed' or 'failed' listener: thousands of them are expected.
  events.setMaxListeners(0);
  const close = async (): Promise<void> => {
    await Promise.allSettled([events.close(), queue.close()]);
  };
  try {
    await within(
      Promise.all([queue.waitUntilReady(), events.waitUntilReady()]),
      CONNECT_TIMEOUT_MS,
      `--queue ${options.url}: cannot reach Redis there`,
    );
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
    const queued = await queue.add('backtest', payload, {
      jobId: jobKey(options.runKey, job),
      attempts: 3,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: { age: KEEP_RESULTS_SECONDS },
      removeOnFail: true,
    });
    try {
      return await queued.waitUntilFinished(events);
    } catch (error) {
      throw new OptimizeConfigError(`--queue ${options.url}: ${(error as Error).message}`);
    }
  };
  return {
    // Every job is a queue entry of its own (its idempotency key is its id), taken by whichever worker is free.
    slots: Number.POSITIVE_INFINITY,
    run: async (jobs) => ({ results: await Promise.all(jobs.map(runOne)), appended: false }),
    // The one CSCV per grid is cheap beside its backtests: it runs here rather than as a queue job.
    overfitting: (task) => Promise.resolve(computeOverfitting(task)),
    close,
  };
}
