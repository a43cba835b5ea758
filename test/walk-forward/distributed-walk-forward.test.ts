import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisAvailable } from '../support/redis-server.js';
import { serving, stop, useRedis } from '../support/queue-worker.js';
import { runCli, runCliAsync, startCli } from '../support/run-cli.js';
import { waveSeries, writeSeries } from './wfa-fixture.js';

const enabled = redisAvailable();
const WFA_FILES = ['wfa_windows.csv', 'wfa_oos_equity.csv', 'wfa_oos_trades.csv', 'wfa_summary.json'];

describe.skipIf(!enabled)('a distributed walk-forward analysis over BullMQ on a real redis-server', () => {
  const redis = useRedis();
  const dir = writeSeries([
    waveSeries('AAA', 600, [30, 60, 45, 90, 40, 70], 100),
    waveSeries('BBB', 600, [50, 40, 80, 30, 70, 45], 100, 0.7),
  ]);
  // 4 rolling windows of 200 in-sample and 100 out-of-sample bars, 6 sets each: 24 + 4 backtests.
  const args = [
    'walk-forward',
    '--data-dir',
    'data',
    '--grid',
    'fast=3:9:3',
    '--grid',
    'slow=10,20',
    '--in-sample',
    '200',
    '--out-of-sample',
    '100',
  ];
  const files = (out: string) => WFA_FILES.map((f) => readFileSync(join(dir, out, f), 'utf8'));

  it('gives the local run’s files with 2 ets worker processes', { timeout: 90_000 }, async () => {
    const local = runCli([...args, '--workers', '1', '--out', 'local'], dir);
    expect(local.status).toBe(0);
    expect(local.stdout).toMatch(/^windows: 4 /);
    const workers = [0, 1].map(() => startCli(['worker', '--queue', redis().url], dir));
    try {
      await Promise.all(workers.map(serving));
      const queued = await runCliAsync([...args, '--queue', redis().url, '--out', 'queued'], dir);
      expect(queued.stderr).not.toMatch(/error/i);
      expect(queued.status).toBe(0);
      expect(queued.stdout.split('\n').slice(0, 3)).toEqual(local.stdout.split('\n').slice(0, 3));
      expect(files('queued')).toEqual(files('local'));
      // Both workers are still serving: neither failed a job.
      expect(workers.map((w) => w.child.exitCode)).toEqual([null, null]);
    } finally {
      await Promise.all(workers.map(stop));
    }
  });
});
