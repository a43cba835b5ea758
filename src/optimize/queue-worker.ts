import { UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from '../logging/logger.js';
import { StrategyLoadError } from '../strategy/load-strategy.js';
import { evaluateJob, plainResult, type EvaluationResult } from './evaluation-job.js';
import { QUEUE_NAME, type QueuedJob } from './queued-job.js';
import type { RedisConnection } from './redis-url.js';
import { connectionTrouble } from './redis-watch.js';
import { codeVersion } from './run-context.js';
import { loadStudyData, type StudyData } from './study-data.js';

export interface QueueWorkerOptions {
  readonly connection: RedisConnection;
  /** How long a job's lock lasts: a dead worker's job goes to another worker after about this long. */
  readonly lockSeconds: number;
  readonly logger: Logger;
}

/**
 * `ets worker`: takes backtests off the queue one at a time and runs them on the data directory the job's config
 * names, read from this machine. The bars are loaded once per directory and range, and a job is refused (without
 * retries) when this machine's files hash differently from the run's or its code is another version. A strategy
 * module is compiled once per worker and kept (see studyStrategy); other code than the run's is refused likewise.
 */
export function startQueueWorker(options: QueueWorkerOptions): Worker<QueuedJob, EvaluationResult> {
  const loaded = new Map<string, StudyData>();
  const version = codeVersion();
  const worker = new Worker<QueuedJob, EvaluationResult>(
    QUEUE_NAME,
    async (queued) => {
      const { config, job, dataHash, strategyHash } = queued.data;
      if (queued.data.codeVersion !== version) {
        throw new UnrecoverableError(
          `a worker runs another version of ets (code ${version.slice(0, 12)}, the run's ${queued.data.codeVersion.slice(0, 12)})`,
        );
      }
      const b = config.backtest;
      const key = JSON.stringify([b.csv_directory, b.symbols, b.start_date, b.end_date, b.skip_bad_rows]);
      let data = loaded.get(key);
      if (data === undefined) {
        try {
          data = loadStudyData(config);
        } catch (error) {
          throw new UnrecoverableError(`a worker cannot read the data: ${(error as Error).message}`);
        }
        loaded.set(key, data);
      }
      if (data.hash !== dataHash) {
        throw new UnrecoverableError(
          `the data directory ${b.csv_directory} on a worker differs from the run's (content hash ${data.hash.slice(0, 12)}, the run's ${dataHash.slice(0, 12)})`,
        );
      }
      try {
        return plainResult(await evaluateJob({ config, series: data.series, strategyHash }, job));
      } catch (error) {
        // A module missing, broken or other than the run's on this machine: retrying cannot help.
        if (error instanceof StrategyLoadError)
          throw new UnrecoverableError(`a worker cannot use the ${error.message}`);
        throw error;
      }
    },
    {
      connection: options.connection,
      concurrency: 1,
      lockDuration: options.lockSeconds * 1000,
      stalledInterval: Math.max(1000, (options.lockSeconds * 1000) / 2),
      maxStalledCount: 3,
    },
  );
  worker.on('failed', (job, error) => {
    options.logger.warn({ job: job?.id }, error.message);
  });
  worker.on('error', (error) => {
    // A lost connection is the RedisWatch's to report (when it goes, while it stays away, when it is back), rather
    // than once each attempt to reconnect.
    if (!connectionTrouble(error)) options.logger.warn(error.message);
  });
  return worker;
}
