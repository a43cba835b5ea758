import { afterAll, beforeAll } from 'vitest';
import { startRedis, type RunningRedis } from './redis-server.js';
import type { RunningCli } from './run-cli.js';

/** Resolves once the worker says it serves the queue. */
export function serving(worker: RunningCli): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      reject(new Error(`worker did not start: ${text}`));
    }, 20_000);
    const onData = (chunk: Buffer | string) => {
      text += String(chunk);
      if (text.includes('worker: serving')) {
        clearTimeout(timer);
        resolve();
      }
    };
    worker.child.stdout!.on('data', onData);
    worker.child.stderr!.on('data', onData);
  });
}

export function stop(worker: RunningCli): Promise<unknown> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  return worker.done;
}

/** A redis-server for the tests of the enclosing describe block, started before them and stopped after them. */
export function useRedis(): () => RunningRedis {
  let redis: RunningRedis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  return () => redis!;
}
