import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { TradingJournal } from '../../src/journal/trading-journal.js';
import { useTempDir } from '../data/temp-dir.js';
import { readCsv } from '../live/live-fixture.js';
import { CLI, runCli } from '../support/run-cli.js';
import { REPO_ROOT } from '../support/shared-data.js';

describe('ets backtest --journal and ets journal', () => {
  const temp = useTempDir();
  let sample: string;

  // One data set for every test; each test's own files go to its temporary directory.
  beforeAll(() => {
    sample = mkdtempSync(join(tmpdir(), 'ets-journal-sample-'));
    writeSampleData(sample);
  });
  afterAll(() => {
    rmSync(sample, { recursive: true, force: true });
  });

  function backtest(journal: string, out = join(temp.path(), 'out')) {
    return runCli(['backtest', '--data-dir', sample, '--out', out, '--journal', journal], temp.path());
  }

  it('stops quietly when the reader of its output stops early (ets journal … | head)', () => {
    const file = join(temp.path(), 'piped.sqlite');
    expect(backtest(file).status).toBe(0);
    // Far more than a pipe holds (64 KiB): the rows written after the reader is gone fail with EPIPE.
    const command = `"${process.execPath}" "${CLI}" journal equity --journal "${file}" | head -c 1 >/dev/null; exit \${PIPESTATUS[0]}`;
    const piped = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
    expect(runCli(['journal', 'equity', '--journal', file], temp.path()).stdout.length).toBeGreaterThan(65_536);
    expect(piped.stderr).toBe('');
    expect(piped.status).toBe(0);
  });

  it('writes the run in the journal schema: the same orders and fills as the result files', () => {
    const file = join(temp.path(), 'bt.sqlite');
    const run = backtest(file);
    expect(run.status).toBe(0);
    expect(existsSync(`${file}.partial`)).toBe(false);
    const fills = readCsv(join(temp.path(), 'out', 'fills.csv'));
    const orders = readCsv(join(temp.path(), 'out', 'orders.csv'));
    expect(fills.length).toBeGreaterThan(10);

    const csv = runCli(['journal', 'fills', '--journal', file, '--format', 'csv'], temp.path());
    expect(csv.status).toBe(0);
    const journaled = csv.stdout.trim().split('\n');
    expect(journaled[0]).toBe(
      'time,exec_id,order_id,session,symbol,side,quantity,price,commission,estimated,purpose,recovered',
    );
    const rows = journaled.slice(1).map((line) => line.split(','));
    expect(rows.map((r) => r[1])).toEqual(fills.map((f) => f.exec_id));
    expect(rows.map((r) => [r[4], r[5], Number(r[6]), Number(r[7])])).toEqual(
      fills.map((f) => [f.symbol, f.side, Number(f.quantity), Number(f.price)]),
    );

    const json = runCli(['journal', 'orders', '--journal', file, '--format', 'json'], temp.path());
    const parsed = JSON.parse(json.stdout) as { order_id: number; status: string }[];
    expect(parsed.map((o) => o.order_id)).toEqual(orders.map((o) => Number(o.order_id)));
    expect(parsed.every((o) => o.status !== 'reserved')).toBe(true);

    const summary = runCli(['journal', 'summary', '--journal', file], temp.path());
    expect(summary.stdout).toMatch(/^session +mode +account +strategy/);
    expect(summary.stdout).toMatch(/\n1 +backtest +backtest +sma_crossover .* the backtest finished +\d+ +\d+ +0 +0 /);
    // Start and stop in exchange time, as --since reads it: the data's first and last days, not today's clock.
    const equity = readCsv(join(temp.path(), 'out', 'equity.csv'));
    const session = JSON.parse(
      runCli(
        ['journal', 'summary', '--journal', file, '--since', equity.at(-1)!.time!, '--format', 'json'],
        temp.path(),
      ).stdout,
    ) as { started: string; stopped: string; wall_started: string }[];
    expect(session).toHaveLength(1);
    expect(session[0]!.started.slice(0, 10)).toBe(equity[0]!.time);
    expect(session[0]!.stopped.slice(0, 10)).toBe(equity.at(-1)!.time);
    expect(Date.now() - Date.parse(session[0]!.wall_started)).toBeLessThan(120_000);

    const since = runCli(
      ['journal', 'fills', '--journal', file, '--since', '2024-01-01', '--format', 'json'],
      temp.path(),
    );
    const later = JSON.parse(since.stdout) as { time: string }[];
    expect(later.length).toBe(fills.filter((f) => f.time! >= '2024-01-01').length);
    expect(later.every((f) => f.time >= '2024-01-01')).toBe(true);

    // The trades are trades.csv's, with the execution that closed each.
    const trades = readCsv(join(temp.path(), 'out', 'trades.csv'));
    expect(trades.length).toBeGreaterThan(5);
    const closed = JSON.parse(
      runCli(['journal', 'trades', '--journal', file, '--format', 'json'], temp.path()).stdout,
    ) as { exit_time: string; symbol: string; entry_time: string; quantity: number; pnl: number; exec_id: string }[];
    expect(closed.map((t) => [t.symbol, t.entry_time.slice(0, 10), t.exit_time.slice(0, 10), t.quantity])).toEqual(
      trades.map((t) => [t.symbol, t.entry_time, t.exit_time, Number(t.quantity)]),
    );
    expect(closed.map((t) => t.pnl.toFixed(6))).toEqual(trades.map((t) => Number(t.pnl).toFixed(6)));
    expect(closed.map((t) => t.exec_id).every((id) => fills.some((f) => f.exec_id === id))).toBe(true);

    for (const view of ['positions', 'equity', 'events']) {
      const shown = runCli(['journal', view, '--journal', file], temp.path());
      expect(shown.status, shown.stderr).toBe(0);
      expect(shown.stderr).toBe('');
    }
  });

  it("names a strategy module's run by the strategy's name, as orders.csv does, not by the module's path", () => {
    const file = join(temp.path(), 'module.sqlite');
    const out = join(temp.path(), 'module-out');
    const module = join(REPO_ROOT, 'examples', 'strategies', 'donchian-breakout.ts');
    const run = runCli(
      ['backtest', '--data-dir', sample, '--out', out, '--journal', file, '--strategy', module],
      temp.path(),
    );
    expect(run.status, run.stderr).toBe(0);
    expect(new Set(readCsv(join(out, 'orders.csv')).map((o) => o.strategy))).toEqual(new Set(['donchian_breakout']));
    const journaled = (journal: string) =>
      (
        JSON.parse(runCli(['journal', 'summary', '--journal', journal, '--format', 'json'], temp.path()).stdout) as {
          strategy: string;
        }[]
      ).map((s) => s.strategy);
    expect(journaled(file)).toEqual(['donchian_breakout']);

    // Several at once: the run's name, as its summary gives it.
    const several = join(temp.path(), 'several.yaml');
    writeFileSync(
      several,
      `backtest:\n  strategies: [sma_crossover, breakout]\nstrategies:\n  sma_crossover: { symbols: [SYNA] }\n` +
        `  breakout: { module: ${module}, symbols: [SYNC] }\n`,
    );
    const both = join(temp.path(), 'several.sqlite');
    const args = ['backtest', '-c', several, '--data-dir', sample, '--out', join(temp.path(), 'o2'), '--journal', both];
    const second = runCli(args, temp.path());
    expect(second.stdout).toContain('Backtest sma_crossover+breakout on SYNA, SYNC');
    expect(journaled(both)).toEqual(['sma_crossover+breakout']);
  });

  it('refuses bad flags and unusable journals with one line', () => {
    const missing = runCli(['journal', 'fills', '--journal', join(temp.path(), 'none.sqlite')], temp.path());
    expect([missing.status, missing.stderr]).toEqual([
      2,
      `error: --journal ${join(temp.path(), 'none.sqlite')}: no journal there\n`,
    ]);
    const format = runCli(['journal', 'fills', '--journal', 'x', '--format', 'xml'], temp.path());
    expect([format.status, format.stderr]).toEqual([2, 'error: --format xml: expected table, csv or json\n']);
    const since = runCli(['journal', 'fills', '--journal', 'x', '--since', 'monday'], temp.path());
    expect(since.status).toBe(2);
    expect(since.stderr).toMatch(/^error: --since monday: expected a time as YYYY-MM-DD/);
    const junk = temp.write('junk.sqlite', 'not a database at all\n');
    const corrupt = runCli(['journal', 'summary', '--journal', junk], temp.path());
    expect([corrupt.status, corrupt.stderr]).toEqual([
      1,
      `error: the journal ${junk} is not an SQLite database: left as it is\n`,
    ]);
    expect(readFileSync(junk, 'utf8')).toBe('not a database at all\n');
    const folder = temp.path();
    const read = runCli(['journal', 'summary', '--journal', folder], folder);
    expect([read.status, read.stderr]).toEqual([
      1,
      `error: the journal ${folder} is not a file: expected an SQLite database file\n`,
    ]);
    // Where a backtest would write it, the place is refused as any output location is, before the run.
    const written = backtest(folder);
    expect([written.status, written.stderr]).toEqual([
      2,
      `error: --journal: ${JSON.stringify(folder)} is a directory; expected a file to write\n`,
    ]);
  });

  it('never replaces a live journal with a backtest', () => {
    const file = join(temp.path(), 'live.sqlite');
    const live = TradingJournal.open(file, 'DU1');
    live.startSession({ mode: 'live', version: '0', configHash: 'x', strategy: 'sma_crossover' });
    live.close();
    const before = readFileSync(file);
    const run = backtest(file);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: ${file} is the journal of live sessions: a backtest does not replace it\n`);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(join(temp.path(), 'out', 'equity.csv.partial'))).toBe(false);
  });

  it('a failed backtest leaves no journal', () => {
    const file = join(temp.path(), 'failed.sqlite');
    const data = join(temp.path(), 'bad');
    writeSampleData(data);
    writeFileSync(join(data, 'SYNA.csv'), `${readFileSync(join(data, 'SYNA.csv'), 'utf8')}2024-10-18,1,1,1,oops,5\n`);
    const run = runCli(
      ['backtest', '--data-dir', data, '--out', join(temp.path(), 'o'), '--journal', file],
      temp.path(),
    );
    expect(run.status).toBe(3);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });
});
