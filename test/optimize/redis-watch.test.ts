import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redisAvailable, startRedis, type RunningRedis } from '../support/redis-server.js';
import { queuedStudy, serving, stop, untilCompleted } from '../support/queue-worker.js';
import { runCli, startCli, type RunningCli } from '../support/run-cli.js';

const enabled = redisAvailable();

describe.skipIf(!enabled)('a distributed run or worker whose redis-server is killed mid-run', () => {
  const { dir, args, files } = queuedStudy();
  // Each test has a Redis of its own, killed part-way, and a worker: both are ended after it whatever happened.
  let redis: RunningRedis | undefined;
  let worker: RunningCli | undefined;
  afterEach(async () => {
    if (worker !== undefined) await stop(worker);
    await redis?.stop();
  });

  it(
    'fails the run after --redis-wait-seconds with one line and exit code 1, writing no results',
    { timeout: 90_000 },
    async () => {
      redis = await startRedis();
      const url = redis.url;
      worker = startCli(['worker', '--queue', url], dir);
      await serving(worker);
      const run = startCli([...args, '--queue', url, '--redis-wait-seconds', '2', '--out', 'lost'], dir, 60_000);
      expect(await untilCompleted(url, 4, run)).toBeGreaterThan(50);
      await redis.stop('SIGKILL');
      const result = await run.done;
      expect(result.status, result.stderr).toBe(1);
      const errors = result.stderr.split('\n').filter((line) => line.startsWith('error'));
      expect(errors).toEqual([
        expect.stringMatching(
          /^error: --queue redis:\/\/127\.0\.0\.1:\d+: Redis went away and was not back within 2 s \((connect ECONNREFUSED 127\.0\.0\.1:\d+|the connection closed)\); the run stopped and wrote no results$/,
        ),
      ]);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr).toContain(`lost Redis at ${url}: waiting up to 2 s for it to come back`);
      expect(existsSync(join(dir, 'lost')) ? readdirSync(join(dir, 'lost')) : []).toEqual([]);
      // The worker waits for Redis (saying so) without a bound of its own, and still stops at once when told to.
      const stopped = await stop(worker);
      expect(stopped.status, stopped.stderr).toBe(0);
      expect(stopped.stdout + stopped.stderr).toContain(`worker: lost Redis at ${url}: waiting for it to come back`);
    },
  );

  it(
    'finishes the run with the local results when Redis is back within the wait, though it restarted empty',
    { timeout: 120_000 },
    async () => {
      const local = runCli([...args, '--workers', '1', '--out', 'local'], dir);
      expect(local.status, local.stderr).toBe(0);
      redis = await startRedis();
      const { url, port } = redis;
      worker = startCli(['worker', '--queue', url], dir);
      await serving(worker);
      const run = startCli([...args, '--queue', url, '--out', 'blip'], dir, 90_000);
      expect(await untilCompleted(url, 4, run)).toBeGreaterThan(50);
      await redis.stop('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      redis = await startRedis(port);
      const result = await run.done;
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toContain(`lost Redis at ${url}: waiting up to 30 s for it to come back`);
      expect(result.stderr).toMatch(new RegExp(`Redis at ${url} is back after [\\d.]+ s: the run goes on`));
      expect(result.stderr).not.toMatch(/error/i);
      expect(files('blip')).toEqual(files('local'));
      const served = await stop(worker);
      expect(served.stdout + served.stderr).toMatch(
        new RegExp(`worker: Redis at ${url} is back after [\\d.]+ s: serving it again`),
      );
    },
  );

  it('ends a worker given --redis-wait-seconds with one line and exit code 1', { timeout: 60_000 }, async () => {
    redis = await startRedis();
    worker = startCli(['worker', '--queue', redis.url, '--redis-wait-seconds', '2'], dir);
    await serving(worker);
    await redis.stop('SIGKILL');
    const result = await worker.done;
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      /^error: --queue redis:\/\/127\.0\.0\.1:\d+: Redis went away and was not back within 2 s \((connect ECONNREFUSED 127\.0\.0\.1:\d+|the connection closed)\); the worker stopped\n$/m,
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses --redis-wait-seconds without --queue, and a wait that is not a whole number of seconds', () => {
    const alone = runCli([...args, '--redis-wait-seconds', '5'], dir);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toBe('error: --redis-wait-seconds goes with --queue\n');
    const bad = runCli(['worker', '--queue', 'redis://127.0.0.1:1', '--redis-wait-seconds', '0.5'], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('error: --redis-wait-seconds 0.5: expected a whole number of seconds ≥ 1\n');
  });
});
