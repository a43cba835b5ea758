import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBarCsv } from '../../src/data/write-bar-csv.js';
import { redisAvailable } from '../support/redis-server.js';
import { queuedStudy, serving, stop, untilCompleted, useRedis } from '../support/queue-worker.js';
import { runCli, startCli } from '../support/run-cli.js';
import { waveSeries, writeSeries } from '../walk-forward/wfa-fixture.js';

const enabled = redisAvailable();

describe.skipIf(!enabled)('distributed runs over BullMQ on a real redis-server', () => {
  const redis = useRedis();
  // Other tests' grids stay off this one's: a job already done is answered from the queue.
  const { dir, args, files } = queuedStudy();

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
