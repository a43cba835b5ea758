import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { QUEUE_NAME } from '../../src/optimize/queued-job.js';
import { parseRedisUrl } from '../../src/optimize/redis-url.js';
import { writeBarCsv } from '../../src/data/write-bar-csv.js';
import { redisAvailable } from '../support/redis-server.js';
import { serving, stop, useRedis } from '../support/queue-worker.js';
import { runCli, startCli, type CliRun, type RunningCli } from '../support/run-cli.js';
import { waveSeries, writeSeries } from '../walk-forward/wfa-fixture.js';

const enabled = redisAvailable();

/**
 * Waits until the queue has finished `count` backtests and returns how many are still to run, so that a worker is
 * killed part-way through however fast this machine runs them. A run that ends first fails the wait with its output
 * (rather than the test's timeout).
 */
async function untilCompleted(url: string, count: number, run: RunningCli): Promise<number> {
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

describe.skipIf(!enabled)('distributed runs over BullMQ on a real redis-server', () => {
  const redis = useRedis();
  const dir = writeSeries([
    waveSeries('AAA', 2500, [30, 60, 45, 90, 40], 500),
    waveSeries('BBB', 2500, [50, 40, 80, 30, 70], 500, 0.7),
  ]);
  // 15 x 9 = 135 backtests: enough that many are left when the first few are done. Other tests' grids stay off
  // it: a job already done is answered from the queue.
  const args = ['optimize', '--data-dir', 'data', '--grid', 'fast=2:16:1', '--grid', 'slow=20:60:5'];
  const files = (out: string) =>
    ['optimize.csv', 'optimize_best.json'].map((f) => readFileSync(join(dir, out, f), 'utf8'));

  it(
    'gives the local results with 2 workers, one of them killed with SIGKILL mid-run',
    { timeout: 120_000 },
    async () => {
      const local = runCli([...args, '--workers', '1', '--out', 'local'], dir);
      expect(local.status).toBe(0);
      const workers = [0, 1].map(() => startCli(['worker', '--queue', redis().url, '--lock-seconds', '2'], dir));
      try {
        await Promise.all(workers.map(serving));
        // Ended well before the test's timeout, so that a run that hangs fails with what it wrote, and the workers
        // are stopped below.
        const run = startCli([...args, '--queue', redis().url, '--out', 'queued'], dir, 90_000);
        expect(await untilCompleted(redis().url, 4, run)).toBeGreaterThan(50);
        workers[0]!.child.kill('SIGKILL');
        const result = await run.done;
        expect(result.stderr).not.toMatch(/error/i);
        expect(result.status, result.stderr).toBe(0);
        expect((await workers[0]!.done).status).toBeNull();
        expect(files('queued')).toEqual(files('local'));
      } finally {
        await Promise.all(workers.map(stop));
      }
    },
  );

  it('refuses a job on a worker whose data directory differs, with one clear line', { timeout: 60_000 }, async () => {
    const other = writeSeries([waveSeries('AAA', 2500, [31], 500), waveSeries('BBB', 2500, [50], 500)]);
    mkdirSync(join(other, 'data'), { recursive: true });
    writeBarCsv(join(other, 'data', 'AAA.csv'), waveSeries('AAA', 2500, [33], 500));
    const worker = startCli(['worker', '--queue', redis().url], other);
    try {
      await serving(worker);
      const run = runCli(
        [
          'optimize',
          '--data-dir',
          'data',
          '--grid',
          'fast=3,5',
          '--grid',
          'slow=31',
          '--queue',
          redis().url,
          '--out',
          'refused',
        ],
        dir,
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(
        /^error: --queue redis:\/\/127\.0\.0\.1:\d+: the data directory data on a worker differs from the run's \(content hash [0-9a-f]{12}, the run's [0-9a-f]{12}\)\n$/m,
      );
    } finally {
      await stop(worker);
    }
  });

  it('says when Redis cannot be reached', () => {
    const run = runCli([...args, '--queue', 'redis://127.0.0.1:1', '--out', 'none'], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error: --queue redis://127.0.0.1:1: cannot reach Redis there\n');
  });
});
