import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FETCH_MANIFEST_NAME } from '../../src/data/fetch-manifest.js';
import { loadBarFile } from '../../src/data/load-bar-file.js';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { parseTime } from '../../src/domain/time.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { takeProcessLock } from '../../src/journal/process-lock.js';
import { aggregateBars } from '../../src/gateway/market/historical-bars.js';
import { runCli } from '../support/run-cli.js';
import { runCliAsync, startCli } from '../support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'ets-fetch-'));
const sample = join(work, 'sample');
let gateway: Gateway;

/** A config for the test gateway as an external TWS; logs kept out of stderr. */
function config(name: string, ibkr: Record<string, unknown>): string {
  const path = join(work, `${name}.yaml`);
  const lines = Object.entries(ibkr).map(([k, v]) => `  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  writeFileSync(
    path,
    `ibkr:\n${lines.join('\n')}\nlogging:\n  directory: ${join(work, 'logs')}\n  console: false\n` +
      `backtest:\n  csv_directory: ${sample}\n`,
  );
  return path;
}

let external: string;

beforeAll(async () => {
  writeSampleData(sample, { symbols: ['SYNA', 'SYNB'], days: 800 });
  gateway = await Gateway.start({ port: 0, dataDir: sample, clockMode: 'manual', start: '2022-02-01 09:30:00' });
  external = config('external', { gateway: 'external', host: '127.0.0.1', port: gateway.port });
});

afterAll(async () => {
  await gateway.stop();
  rmSync(work, { recursive: true, force: true });
});

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').trim().split('\n');
}

/** The gateway's own bars of a symbol over [start, end), as the CSV rows `ets data fetch` should write. */
function gatewayBars(symbol: string, start: string, end: string, seconds: number): string[] {
  const bars = aggregateBars(
    gateway.store,
    symbol,
    parseTime(start),
    parseTime(end),
    { kind: 'seconds', seconds },
    true,
  );
  const round = (x: number): number => Math.round(x * 10_000) / 10_000;
  return bars.map((b) => [b.time, round(b.open), round(b.high), round(b.low), round(b.close), b.volume].join(','));
}

function fileBars(path: string, symbol: string): string[] {
  const { series } = loadBarFile(path, symbol);
  const rows: string[] = [];
  for (let i = 0; i < series.length; i++) {
    rows.push(
      [series.time[i], series.open[i], series.high[i], series.low[i], series.close[i], series.volume[i]].join(','),
    );
  }
  return rows;
}

describe('ets data fetch', () => {
  it('downloads two years of daily bars of two symbols, equal to the gateway’s, ready for `ets backtest`', async () => {
    const out = join(work, 'daily');
    const run = await runCliAsync([
      'data',
      'fetch',
      '-c',
      external,
      '--symbols',
      'SYNA,synb',
      '--bar-size',
      '1 day',
      '--duration',
      '2 Y',
      '--end',
      '2022-01-31',
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^Fetched 1 day TRADES bars \(regular hours\) from 2020-02-01 through 2022-01-31 into .*daily: 2 files written; SYNA \d+ bars, SYNB \d+ bars; 4 requests, 0 pacing waits, 0 retries, [\d.]+ s\n$/,
    );
    for (const symbol of ['SYNA', 'SYNB']) {
      const source = lines(join(sample, `${symbol}.csv`));
      const expected = [source[0], ...source.filter((l) => l >= '2020-02-01' && l < '2022-02-01')];
      expect(lines(join(out, `${symbol}.csv`))).toEqual(expected);
      expect(run.stdout).toContain(`${symbol} ${expected.length - 1} bars`);
    }
    expect(readdirSync(out).sort()).toEqual(['.fetch-manifest.json', 'SYNA.csv', 'SYNB.csv']);

    const backtest = runCli(['backtest', '-c', external, '--data-dir', out, '--out', join(work, 'daily-results')]);
    expect(backtest.stderr).toBe('');
    expect(backtest.status).toBe(0);
    expect(backtest.stdout).toContain('Backtest sma_crossover (fast=10 slow=30) on SYNA, SYNB');
  });

  it('joins five-minute bars of several requests without a duplicate or a missing bar at the seams', async () => {
    const out = join(work, 'five-minutes');
    const run = await runCliAsync([
      'data',
      'fetch',
      '-c',
      external,
      '--symbols',
      'SYNA,SYNB',
      '--bar-size',
      '5 mins',
      '--duration',
      '2 W',
      '--end',
      '2022-01-19 12:00',
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // Three requests per symbol: 01-05 12:00 – 01-12, 01-12 – 01-19, 01-19 00:00 – 12:00.
    expect(run.stdout).toContain('6 requests');
    for (const symbol of ['SYNA', 'SYNB']) {
      const file = join(out, `${symbol}.csv`);
      expect(lines(file)[1]).toMatch(/^2022-01-05 12:00:00,/);
      expect(lines(file).at(-1)).toMatch(/^2022-01-19 11:55:00,/);
      expect(fileBars(file, symbol)).toEqual(gatewayBars(symbol, '2022-01-05 12:00', '2022-01-19 12:00', 300));
    }
  });

  it('resumes an interrupted download: complete requests are kept, only the rest is fetched', async () => {
    const out = join(work, 'resume');
    const slow = config('slow', { gateway: 'external', port: gateway.port, max_concurrent_historical_requests: 1 });
    const args = ['data', 'fetch', '-c', slow, '--symbols', 'SYNA,SYNB', '--bar-size', '1 min', '--duration', '3 W'];
    args.push('--end', '2022-01-28', '--out', out);
    gateway.faults.delayResponses(150);
    const first = startCli(args);
    const manifestPath = join(out, FETCH_MANIFEST_NAME);
    type Entry = { status: string; chunks: number; chunksDone: number };
    const entries = (): Record<string, Entry> =>
      existsSync(manifestPath)
        ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { symbols: Record<string, Entry> }).symbols
        : {};
    while (first.child.exitCode === null && (entries().SYNA?.chunksDone ?? 0) < 3) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    first.child.kill('SIGKILL');
    const killed = await first.done;
    gateway.faults.delayResponses(0);
    expect(killed.status).toBeNull();
    const interrupted = entries();
    expect(interrupted.SYNA).toMatchObject({ status: 'partial' });
    expect(existsSync(join(out, 'SYNA.csv'))).toBe(false);
    expect(existsSync(join(out, 'SYNA.csv.partial'))).toBe(true);
    const chunks = interrupted.SYNA!.chunks;
    const remaining =
      chunks -
      interrupted.SYNA!.chunksDone +
      (interrupted.SYNB === undefined ? chunks : chunks - interrupted.SYNB.chunksDone);

    const second = await runCliAsync(args);
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    expect(second.stdout).toContain(`; ${remaining} requests,`);
    for (const symbol of ['SYNA', 'SYNB']) {
      expect(fileBars(join(out, `${symbol}.csv`), symbol)).toEqual(gatewayBars(symbol, '2022-01-08', '2022-01-29', 60));
    }
    expect(existsSync(join(out, 'SYNA.csv.partial'))).toBe(false);

    const third = await runCliAsync(args);
    expect(third.status).toBe(0);
    const bars = gatewayBars('SYNA', '2022-01-08', '2022-01-29', 60).length;
    expect(third.stdout).toContain(
      `SYNA ${bars} bars (already complete), SYNB ${bars} bars (already complete); 0 requests`,
    );
  }, 60_000);

  it('refuses unknown symbols with exit code 2 and one line naming them', async () => {
    const out = join(work, 'unknown');
    const run = await runCliAsync(['data', 'fetch', '-c', external, '--symbols', 'SYNA,NOPE', '--out', out]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error: cannot qualify 1 of 2 symbols: NOPE: IB has no stock NOPE in USD on SMART (200)\n');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a second fetch into a directory another fetch is writing, before connecting', async () => {
    const out = join(work, 'busy');
    mkdirSync(out);
    // The lock a running fetch holds (a process lock: released by the operating system whenever that process ends).
    const running = takeProcessLock(join(out, '.fetch-lock'))!;
    try {
      const run = await runCliAsync(['data', 'fetch', '-c', external, '--symbols', 'SYNA', '--out', out]);
      expect([run.status, run.stderr]).toEqual([
        1,
        `error: ${out}: another ets data fetch is writing into this directory; one fetch per directory at a time\n`,
      ]);
    } finally {
      running.release();
    }
  });

  it('says nothing is listening, with exit code 1, when TWS is not there', async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((done) =>
      server.close(() => {
        done();
      }),
    );
    const closed = config('closed', { gateway: 'external', port });
    const run = await runCliAsync(['data', 'fetch', '-c', closed, '--symbols', 'SYNA', '--out', join(work, 'x')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error: nothing is listening at 127.0.0.1:${port}: is TWS / IB Gateway running, with "Enable ActiveX and Socket Clients" on and the socket port set to ${port}?\n`,
    );
  });

  it.each([
    [['--bar-size', '7 mins'], '--bar-size "7 mins": expected one of 5 secs, 10 secs'],
    [['--duration', '10 years'], '--duration "10 years": expected a count and a unit S, D, W, M or Y'],
    [['--end', '01/31/2022'], '--end "01/31/2022": expected YYYY-MM-DD or "YYYY-MM-DD HH:MM[:SS]" (New York time)'],
    [['--what', 'BID_ASK'], '--what "BID_ASK": expected TRADES, MIDPOINT, BID, ASK'],
    [['--symbols', ' , '], '--symbols: got " , "; expected symbols separated by commas'],
  ])('refuses %j with exit code 2 and one line', async (flags, message) => {
    const run = await runCliAsync([
      'data',
      'fetch',
      '-c',
      external,
      '--symbols',
      'SYNA',
      '--out',
      join(work, 'bad'),
      ...flags,
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
  });

  it('validates --client-id with the config, naming flag and key', async () => {
    const args = ['data', 'fetch', '-c', external, '--symbols', 'SYNA', '--out', join(work, 'bad'), '--client-id', 'x'];
    const run = await runCliAsync(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--client-id (ibkr.client_id): got "x"; expected number');
  });

  it('starts the embedded gateway when the config says so (the shipped default)', async () => {
    const out = join(work, 'embedded');
    const embedded = config('embedded', { embedded: { data_directory: sample } });
    const run = await runCliAsync([
      'data',
      'fetch',
      '-c',
      embedded,
      '--symbols',
      'SYNB',
      '--end',
      '2021-12-31',
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const source = lines(join(sample, 'SYNB.csv'));
    const expected = [source[0], ...source.filter((l) => l >= '2021-01-01' && l < '2022-01-01')];
    expect(lines(join(out, 'SYNB.csv'))).toEqual(expected);
  });
});
