import type { Config } from '../config/schema.js';
import { openLogger } from '../logging/logger.js';
import { startQueueWorker } from '../optimize/queue-worker.js';
import { parseRedisUrl } from '../optimize/redis-url.js';
import { ensureReachable, readyWithin, RedisWatch } from '../optimize/redis-watch.js';
import { handleInterrupts } from './interrupts.js';

/**
 * `ets worker`: serves the queue until Ctrl+C or SIGTERM, finishing the job in hand first.
 *
 * When Redis goes away the worker waits for it for as long as it takes, saying so in the log when it goes, every
 * minute while it stays away and when it is back; with `waitSeconds` it exits with code 1 once Redis has been away
 * that long. Waiting is the default because a worker holds nothing that a lost Redis puts at risk (the job in hand
 * goes to a worker again once its lock lapses, and a run whose Redis stays away fails by its own wait), while runs
 * come and go: after a Redis restart the workers on every machine serve the next run without being restarted by
 * hand. A supervisor that should see a lost Redis as a failure (and restart or alert) gives the bound.
 */
export async function runWorkerCommand(
  config: Config,
  url: string,
  lockSeconds: number,
  waitSeconds: number | null,
): Promise<void> {
  const connection = parseRedisUrl(url);
  await ensureReachable(url, connection);
  const opened = await openLogger(config.logging);
  const { logger } = opened;
  const watch = new RedisWatch(connection, {
    url,
    waitMs: waitSeconds === null ? null : waitSeconds * 1000,
    logger,
    speaker: 'worker: ',
    stopped: 'the worker stopped',
    resumed: 'serving it again',
  });
  const worker = startQueueWorker({ connection: watch.connection, lockSeconds, logger });
  let removeInterrupts = (): void => undefined;
  // A graceful close finishes the job in hand and waits for BullMQ's blocking connection to end, which never happens
  // while that connection waits to reconnect: it is for a stop asked for while Redis is there, else the close is
  // forced (the job in hand goes to a worker again once its lock lapses).
  let graceful = false;
  try {
    const stopped = new Promise<void>((resolve) => {
      removeInterrupts = handleInterrupts(() => {
        resolve();
      });
    });
    await readyWithin(url, worker.waitUntilReady());
    watch.watch(await worker.client);
    logger.info(`worker: serving ${url}`);
    await Promise.race([stopped, watch.lost]);
    graceful = !watch.isAway;
  } finally {
    removeInterrupts();
    // Closing from here on must not wait on a Redis that is gone (nor reconnect to one that comes back).
    watch.giveUp();
    watch.stop();
    await worker.close(!graceful);
    await opened.close();
  }
}
