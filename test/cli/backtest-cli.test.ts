import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateMinuteSeries } from '../../src/data/generate-minute-series.js';
import { writeBarCsv } from '../../src/data/write-bar-csv.js';
import { runCli } from '../support/run-cli.js';
import { hasSharedData, SHARED_DAILY_DIR } from '../support/shared-data.js';

const work = mkdtempSync(join(tmpdir(), 'ets-cli-'));
const sample = join(work, 'sample');
/** No config file: all defaults, logs kept in the temporary directory. */
const config = join(work, 'config.yaml');

beforeAll(() => {
  writeFileSync(config, `logging:\n  directory: ${join(work, 'logs')}\n  console: false\n`);
  const run = runCli(['data', 'sample', '--out', sample]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

function csv(path: string): string[] {
  return readFileSync(path, 'utf8').trim().split('\n');
}

describe('ets data sample', () => {
  it('writes the same bytes for the same seed and other bytes for another', () => {
    const again = join(work, 'again');
    const other = join(work, 'other');
    expect(runCli(['data', 'sample', '--out', again]).status).toBe(0);
    expect(runCli(['data', 'sample', '--out', other, '--seed', '7']).status).toBe(0);
    for (const symbol of ['SYNA', 'SYNB', 'SYNC', 'SYND', 'SYNE', 'SYNX', 'VIX']) {
      const first = readFileSync(join(sample, `${symbol}.csv`));
      expect(readFileSync(join(again, `${symbol}.csv`)).equals(first)).toBe(true);
      expect(readFileSync(join(other, `${symbol}.csv`)).equals(first)).toBe(false);
    }
    expect(csv(join(sample, 'SYNA.csv'))[0]).toBe('date,open,high,low,close,volume');
  });

  it('refuses a bad seed with exit code 2', () => {
    const run = runCli(['data', 'sample', '--out', join(work, 'x'), '--seed', 'abc']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--seed: got "abc"; expected a whole number');
  });
});

describe('ets backtest', () => {
  it('runs the configured strategy and writes every result file', () => {
    const out = join(work, 'out');
    const run = runCli(['backtest', '-c', config, '--data-dir', sample, '--benchmark', 'SYNX', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Backtest sma_crossover (fast=10 slow=30) on SYNA, SYNB, SYNC, SYND, SYNE');
    expect(run.stdout).toMatch(/Final equity +[\d,]+\.\d\d/);

    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, unknown>;
    const trades = csv(join(out, 'trades.csv'));
    const equity = csv(join(out, 'equity.csv'));
    const daily = csv(join(out, 'daily.csv'));
    expect(trades[0]).toBe('symbol,entry_time,entry_price,exit_time,exit_price,quantity,pnl,commission');
    expect(csv(join(out, 'fills.csv'))[0]).toBe('time,symbol,side,quantity,price,commission,order_id,exec_id,purpose');
    expect(equity[0]).toBe('time,equity,cash,settled_cash,positions_value');
    expect(metrics.trades).toBe(trades.length - 1);
    // Five symbols on one calendar: one equity row per date, and daily.csv is the same rows.
    expect(equity).toEqual(daily);
    expect(metrics.periods).toBe(equity.length - 1);
    const last = equity.at(-1)!.split(',');
    expect(Number(last[1])).toBeCloseTo(metrics.final_equity as number, 6);
    expect(typeof metrics.beta).toBe('number');
  });

  it('refuses a results directory another run is writing, and takes over the lock of one that was killed', () => {
    const out = join(work, 'in-use');
    mkdirSync(out);
    writeFileSync(join(out, 'metrics.json'), 'the other run\n');
    // The lock of a run in progress: this test's own process.
    writeFileSync(join(out, '.run-lock'), `${process.pid}\n`);
    const run = runCli(['backtest', '-c', config, '--data-dir', sample, '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error: ${out}: another ets run (PID ${process.pid}) is writing its results into this directory; one run per results directory at a time\n`,
    );
    expect(readdirSync(out).sort()).toEqual(['.run-lock', 'metrics.json']);
    expect(readFileSync(join(out, 'metrics.json'), 'utf8')).toBe('the other run\n');
    // The lock a run killed outright left names a process that is gone: the next run takes it, and lets it go.
    writeFileSync(join(out, '.run-lock'), `${spawnSync(process.execPath, ['-e', '']).pid}\n`);
    const next = runCli(['backtest', '-c', config, '--data-dir', sample, '--out', out]);
    expect(next.status).toBe(0);
    expect(readdirSync(out)).not.toContain('.run-lock');
  });

  it('says which symbols have no bars in the date range, instead of listing them as traded in silence', () => {
    const data = join(work, 'late-listing');
    mkdirSync(data);
    const rows = (from: number) =>
      Array.from({ length: 20 }, (_, i) => `2024-0${from}-${String(i + 1).padStart(2, '0')},10,11,9,10,100`);
    writeFileSync(join(data, 'EARLY.csv'), `date,open,high,low,close,volume\n${rows(1).join('\n')}\n`);
    writeFileSync(join(data, 'LATE.csv'), `date,open,high,low,close,volume\n${rows(3).join('\n')}\n`);
    const out = join(work, 'late-listing-out');
    const run = runCli(['backtest', '-c', config, '--data-dir', data, '--end', '2024-02-28', '--out', out]);
    expect(run.status).toBe(0);
    const log = readFileSync(join(work, 'logs', 'ets.log'), 'utf8');
    expect(log).toContain('"msg":"no bars of LATE from the start to 2024-02-28: not traded in this run"');
  });

  it('leaves earlier results untouched when the data turns out bad', () => {
    const data = join(work, 'late-error');
    const out = join(work, 'late-error-out');
    mkdirSync(data);
    mkdirSync(out);
    writeFileSync(join(out, 'equity.csv'), 'earlier run\n');
    const rows = Array.from({ length: 50 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')},10,11,9,10,100`);
    rows[40] = '2024-02-10,10,11,9,10,-5';
    writeFileSync(join(data, 'AAA.csv'), `date,open,high,low,close,volume\n${rows.slice(0, 31).join('\n')}\n`);
    writeFileSync(
      join(data, 'BBB.csv'),
      'date,open,high,low,close,volume\n2024-01-01,10,11,9,10,100\n2024-01-02,10,11,9,10,-5\n',
    );
    const run = runCli(['backtest', '-c', config, '--data-dir', data, '--out', out]);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('BBB.csv:3: volume -5 is negative');
    expect(readFileSync(join(out, 'equity.csv'), 'utf8')).toBe('earlier run\n');
    // nothing streamed during the failed run stays behind
    expect(readdirSync(out)).toEqual(['equity.csv']);
  });

  it.each([
    [
      ['--data-dir', '/nonexistent/dir'],
      3,
      '/nonexistent/dir: cannot read the data directory (ENOENT): no such directory (ets data sample --out /nonexistent/dir writes synthetic data)',
    ],
    [['--symbols', 'NOPE'], 3, 'NOPE'],
    [['--slippage-bps', '-1'], 2, '--slippage-bps (backtest.slippage_bps): got -1; expected number to be >=0'],
    [['--commission', 'cheap'], 2, '--commission (backtest.commission): got "cheap"'],
    [['--sizing', 'all-in'], 2, '--sizing (trading.sizing): got "all-in"; expected risk or fixed:N'],
    [['--start', '01/02/2020'], 2, '--start (backtest.start_date): got "01/02/2020"; expected a date as YYYY-MM-DD'],
    [['--strategy', 'magic'], 2, 'magic'],
    [['--param', 'fast=50'], 2, 'fast'],
    [['--param', 'fast'], 2, '--param fast: expected name=value'],
    [['--param', 'fast=10', '--param', 'fast=12'], 2, '--param fast: given twice'],
    [['--strategy', 'sma_crossover', '--strategies', 'rsi_mean_reversion'], 2, '--strategy and --strategies: give one'],
    [['--strategies', 'sma_crossover', '--param', 'fast=5'], 2, '--param with --strategies: set each strategy'],
    [['--start', '2031-01-01'], 3, 'no bars of SYNA, SYNB, SYNC, SYND, SYNE, SYNX from 2031-01-01 to the end'],
  ])('refuses %j with exit code %i and a message naming the problem', (args, status, message) => {
    const run = runCli(['backtest', '-c', config, '--data-dir', sample, '--out', join(work, 'bad'), ...args]);
    expect(run.stderr).toContain(message);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(run.status).toBe(status);
  });

  it('names the command line, not a config.yaml that is not there, for a bad flag without a config file', () => {
    const bare = join(work, 'no-config-here');
    mkdirSync(bare);
    const run = runCli(['backtest', '--data-dir', sample, '--sizing', 'fixed:0', '--out', 'x'], bare);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^error: the command line: invalid configuration: --sizing \(trading\.sizing\): got "fixed:0"/,
    );
    expect(readdirSync(bare)).toEqual([]);
  });

  it('names the config file, key, value and expectation for a bad config file', () => {
    const bad = join(work, 'bad-config.yaml');
    writeFileSync(bad, 'trading:\n  max_drawdown_pct: 120\n');
    const run = runCli(['backtest', '-c', bad, '--data-dir', sample]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${bad}: invalid configuration`);
    expect(run.stderr).toContain('trading.max_drawdown_pct: got 120; expected number to be <=100');
  });

  it('skips bad rows on request and says how many', () => {
    const data = join(work, 'skip');
    mkdirSync(data);
    writeFileSync(
      join(data, 'AAA.csv'),
      'Date,Open,High,Low,Close,Adj Close,Volume\n' +
        '2024-01-02,10,11,9,10,10,100\n' +
        '2024-01-03,10,9,11,10,10,100\n' +
        '2024-01-04,10,11,9,abc,10,100\n' +
        '2024-01-05,10,11,9,10.5,10,100\n',
    );
    const failing = runCli(['backtest', '-c', config, '--data-dir', data, '--out', join(work, 'skip-out')]);
    expect(failing.status).toBe(3);
    expect(failing.stderr).toContain('AAA.csv:3: high 9 is below low 11');
    const run = runCli([
      'backtest',
      '-c',
      config,
      '--data-dir',
      data,
      '--skip-bad-rows',
      '--out',
      join(work, 'skip-out'),
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Skipped CSV rows +2/);
    expect(csv(join(work, 'skip-out', 'equity.csv'))).toHaveLength(3);
  });
});

describe('ets backtest --equity-rows', () => {
  it('writes a row per intraday bar only when asked to, and names the key of a bad value', () => {
    const data = join(work, 'minute');
    mkdirSync(data);
    writeBarCsv(join(data, 'MIN.csv'), generateMinuteSeries({ symbol: 'MIN', bars: 3_000, seed: 5 }));
    const run = (rows: string[], out: string) =>
      runCli(['backtest', '-c', config, '--data-dir', data, '--sizing', 'fixed:10', '--out', join(work, out), ...rows]);
    expect(run(['--equity-rows', 'every_bar'], 'every-bar').status).toBe(0);
    expect(run([], 'changes').status).toBe(0);
    const everyBar = csv(join(work, 'every-bar', 'equity.csv'));
    const changes = csv(join(work, 'changes', 'equity.csv'));
    expect(everyBar).toHaveLength(3_001);
    expect(changes.length).toBeLessThan(everyBar.length / 3);
    expect(changes.every((row) => everyBar.includes(row))).toBe(true);
    for (const file of ['trades.csv', 'fills.csv', 'orders.csv', 'daily.csv', 'metrics.json']) {
      expect(readFileSync(join(work, 'changes', file), 'utf8')).toBe(
        readFileSync(join(work, 'every-bar', file), 'utf8'),
      );
    }
    const bad = run(['--equity-rows', 'sometimes'], 'bad-rows');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--equity-rows (backtest.equity_rows): got "sometimes"');
  });
});

describe.skipIf(!hasSharedData)('ets backtest on the shared real data', () => {
  it('reproduces backtrader on ORCL SMA 10/30 through the command line', () => {
    const out = join(work, 'orcl');
    const run = runCli([
      'backtest',
      '-c',
      config,
      '--data-dir',
      SHARED_DAILY_DIR,
      '--symbols',
      'ORCL',
      '--strategy',
      'sma_crossover',
      '--param',
      'fast=10',
      '--param',
      'slow=30',
      '--sizing',
      'fixed:100',
      '--commission',
      'zero',
      '--slippage-bps',
      '0',
      '--no-stops',
      '--initial-cash',
      '100000',
      '--out',
      out,
    ]);
    expect(run.status).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, number>;
    expect(metrics.final_equity!.toFixed(2)).toBe('102646.07');
    expect(metrics.trades).toBe(97);
    expect(metrics.open_positions).toBe(1);
    const trades = csv(join(out, 'trades.csv'));
    expect(trades).toHaveLength(98);
    expect(trades[1]).toMatch(/^ORCL,\d{4}-\d{2}-\d{2},[\d.]+,\d{4}-\d{2}-\d{2},[\d.]+,100,-?[\d.]+,0$/);
  });
});
