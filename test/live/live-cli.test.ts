import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { liveConfig, liveWork, readCsv, startLive, writeConfig, type LiveWork } from './live-fixture.js';
import { runCliAsync } from '../support/run-cli.js';

/** The embedded gateway of the config, replaying the sample data fast. */
function embedded(work: LiveWork, speed: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return liveConfig(work, { ibkr: { gateway: 'embedded', embedded: { speed }, ...extra } });
}

/** The files directly in a directory, by name, with their contents. */
function filesOf(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isFile()) files[name] = readFileSync(path, 'latin1');
  }
  return files;
}

/**
 * Resolves once the sessions' log has `times` lines with `msg`; the log is written line by line as a session runs, and
 * the sessions of a test write one after another into it.
 */
async function logged(work: LiveWork, msg: string, timeoutMs = 20_000, times = 1): Promise<void> {
  const file = join(work.logs, 'ets.log');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file) && readFileSync(file, 'utf8').split(`"msg":"${msg}"`).length > times) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no "${msg}" in the log within ${timeoutMs} ms`);
}

/** The rows a session has written so far, and a check that they are still the start of its files (only grown). */
function grown(directory: string): { check(): void } {
  const names = ['equity.csv', 'fills.csv', 'orders.csv', 'trades.csv'];
  const before = names.map((name) => readFileSync(join(directory, name), 'latin1'));
  return {
    check: () => {
      names.forEach((name, i) => {
        const after = readFileSync(join(directory, name), 'latin1');
        expect(after.startsWith(before[i]!), name).toBe(true);
        expect(after, name).not.toContain('\0');
      });
    },
  };
}

describe('ets start / ets live on the embedded gateway', () => {
  let work: LiveWork;
  beforeEach(() => {
    work = liveWork();
  });
  afterEach(() => {
    work.cleanup();
  });

  it('ets start runs the configured live session on the embedded gateway and ends by itself', async () => {
    const config = writeConfig(work, embedded(work, 5000));
    const run = await runCliAsync(['start', '--config', config], work.dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^Live session: sma_crossover \(fast=10 slow=30\) on 5 mins bars of SYNA, SYNB, SYNC, SYND, SYNE\n/,
    );
    expect(run.stdout).toMatch(
      /Venue +embedded gateway on 127\.0\.0\.1:\d+ \(replay of .*sample from \d{4}-\d{2}-\d{2} 09:30:00 at 5000x\)/,
    );
    expect(run.stdout).toMatch(/Ended +passed the end time \d{4}-\d{2}-\d{2} 16:00:00/);
    expect(run.stdout).toContain(`Results written to ${work.results}`);
    expect(run.stdout).toContain(`Log: ${join(work.logs, 'ets.log')}`);
    for (const file of ['equity.csv', 'fills.csv', 'trades.csv', 'orders.csv', 'daily.csv', 'metrics.json']) {
      expect(existsSync(join(work.results, file)), file).toBe(true);
    }
    // Two trading days replayed: two daily rows.
    expect(readCsv(join(work.results, 'daily.csv'))).toHaveLength(2);
    expect(readCsv(join(work.results, 'fills.csv')).length).toBeGreaterThan(0);
    // Every refused signal has its log line; those the risk rules refused are risk_events.csv's rejections.
    const refused = readFileSync(join(work.logs, 'ets.log'), 'utf8').split('"msg":"signal refused: ').length - 1;
    const byRisk = readCsv(join(work.results, 'risk_events.csv')).filter((e) => e.event === 'rejected').length;
    const [, shown, , ofThem] = /\((\d+) signals? refused(, (\d+) by the risk rules \(risk_events\.csv\))?\)/.exec(
      run.stdout,
    )!;
    expect([Number(shown), Number(ofThem ?? shown)]).toEqual([refused, byRisk]);
  });

  it('refuses an --until the replay has passed before it touches the journal or the results', async () => {
    const config = writeConfig(work, embedded(work, 5000));
    expect((await runCliAsync(['start', '--config', config], work.dir)).status).toBe(0);
    const before = ['fills.csv', 'metrics.json'].map((f) => readFileSync(join(work.results, f), 'utf8'));
    const run = await runCliAsync(['live', '--config', config, '--until', '2020-01-02 09:00'], work.dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: --until 2020-01-02 09:00: that is not after the broker's time now, \d{4}-/);
    expect(['fills.csv', 'metrics.json'].map((f) => readFileSync(join(work.results, f), 'utf8'))).toEqual(before);
  });

  it("--read-only sends nothing, logs what it would have placed, and writes its results beside, never over, a session's", async () => {
    const config = writeConfig(work, embedded(work, 5000));
    expect((await runCliAsync(['live', '--config', config], work.dir)).status).toBe(0);
    const before = filesOf(work.results);
    expect(readCsv(join(work.results, 'fills.csv')).length).toBeGreaterThan(0);
    const run = await runCliAsync(['live', '--config', config, '--read-only'], work.dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Live session \(read-only\)/);
    const own = join(work.results, 'read-only');
    expect(run.stdout).toContain(`Results written to ${own}`);
    // orders.csv lists what the session would have placed, one row per order its log says it would place.
    const orders = readCsv(join(own, 'orders.csv'));
    const wouldPlace = readFileSync(join(work.logs, 'ets.log'), 'utf8').match(/would place order/g) ?? [];
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.length).toBe(wouldPlace.length);
    expect(run.stdout).toMatch(new RegExp(`Orders / fills +${orders.length} \\(would place; none sent\\) / 0`));
    expect(readCsv(join(own, 'fills.csv'))).toEqual([]);
    expect(existsSync(join(own, 'report.html'))).toBe(true);
    // The trading session's files, its journal among them, are as it left them.
    expect(filesOf(work.results)).toEqual(before);
  });

  it("--read-only while a session trades leaves that session's files to it", async () => {
    const trading = startLive(work, embedded(work, 100));
    await logged(work, 'trading');
    const deadline = Date.now() + 20_000;
    while (readCsv(join(work.results, 'equity.csv')).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const before = grown(work.results);
    const config = writeConfig(work, embedded(work, 5000), 'read-only.yaml');
    const readOnly = await runCliAsync(['live', '--config', config, '--read-only', '--duration', '3s'], work.dir);
    expect(readOnly.status).toBe(0);
    trading.child.kill('SIGINT');
    const run = await trading.done;
    expect(run.status).toBe(0);
    // The trading session's files only grew: what they held before the read-only session is still their start.
    before.check();
    const fills = Number(/Orders \/ fills +\d+ \/ (\d+)/.exec(run.stdout)?.[1]);
    expect(readCsv(join(work.results, 'fills.csv'))).toHaveLength(fills);
    expect(existsSync(join(work.results, 'report.html'))).toBe(true);
  });

  it('refuses a second --read-only session on the same results at start, naming the first; a killed one blocks none', async () => {
    const first = startLive(work, embedded(work, 100), ['--read-only']);
    await logged(work, 'trading');
    const own = join(work.results, 'read-only');
    const before = grown(own);
    const config = writeConfig(work, embedded(work, 5000), 'second.yaml');
    const second = await runCliAsync(['live', '--config', config, '--read-only', '--duration', '3s'], work.dir);
    expect(second.stdout).toBe('');
    expect(second.stderr).toBe(
      `error: ${own}: another ets run (PID ${first.child.pid}) is writing its results into this directory; one run per results directory at a time\n`,
    );
    expect(second.status).toBe(1);
    before.check();
    // Killed, the first session holds the directory no more, whatever it left there.
    first.child.kill('SIGKILL');
    await first.done;
    const third = await runCliAsync(['live', '--config', config, '--read-only', '--duration', '3s'], work.dir);
    expect(third.stderr).toBe('');
    expect(third.status).toBe(0);
    expect(third.stdout).toContain(`Results written to ${own}`);
  });

  it('refuses a second trading session on the same results at start, its own journal or not', async () => {
    const first = startLive(work, embedded(work, 100));
    await logged(work, 'trading');
    const before = grown(work.results);
    const other = { ...embedded(work, 5000), live: { results_directory: work.results, journal_file: 'other.sqlite' } };
    const second = await runCliAsync(
      ['live', '--config', writeConfig(work, other, 'second.yaml'), '--duration', '3s'],
      work.dir,
    );
    expect(second.stdout).toBe('');
    expect(second.stderr).toBe(
      `error: ${work.results}: another ets run (PID ${first.child.pid}) is writing its results into this directory; one run per results directory at a time\n`,
    );
    expect(second.status).toBe(1);
    expect(existsSync(join(work.dir, 'other.sqlite'))).toBe(false);
    first.child.kill('SIGINT');
    expect((await first.done).status).toBe(0);
    before.check();
  });

  it("leaves no earlier run's summaries beside a new session's files when that session is killed early", async () => {
    const config = writeConfig(work, embedded(work, 5000));
    expect((await runCliAsync(['live', '--config', config], work.dir)).status).toBe(0);
    const summaries = ['metrics.json', 'daily.csv', 'report.html'].map((f) => join(work.results, f));
    for (const file of summaries) expect(existsSync(file), file).toBe(true);
    const second = startLive(work, embedded(work, 50));
    await logged(work, 'trading', 20_000, 2);
    second.child.kill('SIGKILL');
    await second.done;
    // The new session's rows are there; nothing says a run finished.
    expect(readFileSync(join(work.results, 'equity.csv'), 'utf8')).toMatch(/^time,equity,/);
    for (const file of summaries) expect(existsSync(file), file).toBe(false);
  });

  it('leaves the journal and the results of the session before a start refused before trading', async () => {
    const config = writeConfig(work, embedded(work, 5000));
    expect((await runCliAsync(['live', '--config', config], work.dir)).status).toBe(0);
    const summary = await runCliAsync(['journal', 'summary', '--config', config], work.dir);
    expect(summary.status).toBe(0);
    expect(summary.stdout).not.toContain('(none)');
    const before = filesOf(work.results);
    const refused = writeConfig(
      work,
      { ...embedded(work, 5000), trading: { symbols: ['SYNA', 'NOPE'] } },
      'unknown-symbol.yaml',
    );
    const run = await runCliAsync(['live', '--config', refused], work.dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: cannot qualify 1 of 2 symbols: NOPE/);
    expect(await runCliAsync(['journal', 'summary', '--config', config], work.dir)).toEqual(summary);
    const after = filesOf(work.results);
    for (const name of ['fills.csv', 'trades.csv', 'orders.csv', 'equity.csv', 'metrics.json', 'report.html']) {
      expect(after[name], name).toBe(before[name]);
    }
  });

  it('stops gracefully on Ctrl+C', async () => {
    const session = startLive(work, embedded(work, 50));
    await logged(work, 'trading');
    session.child.kill('SIGINT');
    const run = await session.done;
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('\nSIGINT: stopping gracefully (again to exit at once)\n');
    expect(run.stdout).toMatch(/Ended +interrupted \(SIGINT\)/);
    expect(existsSync(join(work.results, 'metrics.json'))).toBe(true);
  });
});

describe('ets live with a five-second strategy', () => {
  let work: LiveWork;
  beforeEach(() => {
    work = liveWork();
  });
  afterEach(() => {
    work.cleanup();
  });

  it('loads each symbol’s history up to its first live bar, leaving no gap to backfill', async () => {
    const config = liveConfig(work, {
      ibkr: { gateway: 'embedded', embedded: { speed: 200 } },
      strategies: { sma_crossover: { enabled: true, params: { fast: 5, slow: 20 }, bar_size: '5 secs' } },
      trading: { use_bracket_orders: false, sizing: 'fixed:10' },
    });
    const run = await startLive(work, config, ['--duration', '8s']).done;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const log = readFileSync(join(work.logs, 'ets.log'), 'utf8');
    expect(log).toContain('"msg":"strategy warmed up"');
    expect(log).not.toContain('"msg":"gap filled"');
    expect(readCsv(join(work.results, 'orders.csv')).length).toBeGreaterThan(0);
    expect(Number(/Bars +(\d+) 5 secs bars/.exec(run.stdout)?.[1])).toBeGreaterThan(100);
  });
});
