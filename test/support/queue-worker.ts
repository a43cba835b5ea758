import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll } from 'vitest';
import { QUEUE_NAME } from '../../src/optimize/queued-job.js';
import { parseRedisUrl } from '../../src/optimize/redis-url.js';
import { startRedis, type RunningRedis } from './redis-server.js';
import type { CliRun, RunningCli } from './run-cli.js';
import { waveSeries, writeSeries } from '../walk-forward/wfa-fixture.js';

/**
 * Two symbols' bars in a directory of their own, the `ets optimize` arguments of 15 x 9 = 135 backtests on them
 * (enough that many are left when the first few are done), and the result files of a run into `out` there.
 */
export function queuedStudy() {
  const dir = writeSeries([
    waveSeries('AAA', 2500, [30, 60, 45, 90, 40], 500),
    waveSeries('BBB', 2500, [50, 40, 80, 30, 70], 500, 0.7),
  ]);
  const args = ['optimize', '--data-dir', 'data', '--grid', 'fast=2:16:1', '--grid', 'slow=20:60:5'];
  const files = (out: string) =>
    ['optimize.csv', 'optimize_best.json'].map((f) => readFileSync(join(dir, out, f), 'utf8'));
  return { dir, args, files };
}

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

export function stop(worker: RunningCli): Promise<CliRun> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  return worker.done;
}

/**
 * Waits until the queue has finished `count` backtests and returns how many are still to run, so that a worker (or
 * Redis) is killed part-way through however fast this machine runs them. A run that ends first fails the wait with
 * its output (rather than the test's timeout).
 */
export async function untilCompleted(url: string, count: number, run: RunningCli): Promise<number> {
  const queue = new Queue(QUEUE_NAME, { connection: parseRedisUrl(url) });
  let ended: CliRun | undefined;
  void run.done.then((result) => (ended = result));
  try {
    for (;;) {
      if (ended !== undefined) {
        throw new Error(`the run ended (${ended.status}) before ${count} backtests were done:\n${ended.stderr}`);
      }
      const counts = await queue.getJobCounts('completed', 'active', 'waiting', 'delayed');
      if ((counts.completed ?? 0) >= count) return (counts.active ?? 0) + (counts.waiting ?? 0) + (counts.delayed ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await queue.close();
  }
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
