import type { Config } from '../config/schema.js';
import { openLogger } from '../logging/logger.js';
import { startQueueWorker } from '../optimize/queue-worker.js';
import { parseRedisUrl } from '../optimize/redis-url.js';
import { handleInterrupts } from './interrupts.js';

/** `ets worker`: serves the queue until Ctrl+C or SIGTERM, finishing the job in hand first. */
export async function runWorkerCommand(config: Config, url: string, lockSeconds: number): Promise<void> {
  const connection = parseRedisUrl(url);
  const opened = await openLogger(config.logging);
  try {
    const worker = startQueueWorker({ connection, lockSeconds, logger: opened.logger });
    const stopped = new Promise<void>((resolve) => {
      const remove = handleInterrupts(() => {
        remove();
        void worker.close().then(resolve);
      });
    });
    await worker.waitUntilReady();
    opened.logger.info(`worker: serving ${url}`);
    await stopped;
  } finally {
    await opened.close();
  }
}
