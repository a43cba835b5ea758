import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateMinuteSeries } from '../../src/data/generate-minute-series.js';
import { TRADE_ROWS_SHOWN } from '../../src/report/report-collector.js';
import { writeBarCsv } from '../../src/data/write-bar-csv.js';
import { runCli } from '../support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'ets-report-cli-'));
const sample = join(work, 'sample');
const out = join(work, 'out');
const config = join(work, 'config.yaml');

beforeAll(() => {
  writeFileSync(config, `logging:\n  directory: ${join(work, 'logs')}\n  console: false\n`);
  expect(runCli(['data', 'sample', '--out', sample, '--days', '300']).status).toBe(0);
  expect(runCli(['backtest', '-c', config, '--data-dir', sample, '--benchmark', 'SYNX', '--out', out]).status).toBe(0);
});

describe('ets report', () => {
  it('re-renders the page a backtest wrote from its result files', () => {
    const first = readFileSync(join(out, 'report.html'), 'utf8');
    const run = runCli(['report', out, '-c', config, '--data-dir', sample, '--benchmark', 'SYNX', '--title', 'Again']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`Report written to ${join(out, 'report.html')}\n`);
    const again = readFileSync(join(out, 'report.html'), 'utf8');
    expect(again).toContain('<title>Again</title>');
    // The same data and tables: only the title and the time written differ.
    const body = (html: string) => html.slice(html.indexOf('<section id="metrics">'));
    expect(body(again)).toBe(body(first));
    expect(again).not.toMatch(/https?:\/\/(?!www\.w3\.org|www\.apache\.org|www\.tradingview\.com)/);
  });

  it('draws from the files the page an intraday run drew of what it gathered, more trades than the list shows', () => {
    const data = join(work, 'minute');
    mkdirSync(data);
    writeBarCsv(join(data, 'BENCH.csv'), generateMinuteSeries({ symbol: 'BENCH', bars: 80_000, seed: 7 }));
    const dir = join(work, 'minute-out');
    const busy = ['--strategy', 'sma_crossover', '--param', 'fast=10', '--param', 'slow=30', '--sizing', 'fixed:100'];
    const run = runCli(['backtest', '-c', config, '--data-dir', data, ...busy, '--no-stops', '--out', dir]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const first = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(runCli(['report', dir, '-c', config, '--data-dir', data]).status).toBe(0);
    const again = readFileSync(join(dir, 'report.html'), 'utf8');
    const body = (html: string) => html.slice(html.indexOf('<section id="metrics">'));
    expect(body(again)).toBe(body(first));
    const trades = readFileSync(join(dir, 'trades.csv'), 'utf8').trim().split('\n').length - 1;
    expect(trades).toBeGreaterThan(TRADE_ROWS_SHOWN);
    expect(first.match(/<tr class="(?:win|loss)">/g)).toHaveLength(TRADE_ROWS_SHOWN);
    expect(first).toContain(`<p>… and ${trades - TRADE_ROWS_SHOWN} more trades in trades.csv.</p>`);
    // 80,000 one-minute bars are more than one chart's 24,000 candles: daily candles, from the first day's first bar
    expect(first).toContain('<h3>BENCH (daily candles)</h3>');
  });

  it('names the file and line of a bad row, exits 3 and leaves no report', () => {
    const bad = join(work, 'bad');
    cpSync(out, bad, { recursive: true });
    const lines = readFileSync(join(bad, 'trades.csv'), 'utf8').split('\n');
    lines[2] = lines[2]!.replace(/,[^,]*$/, ',lots');
    writeFileSync(join(bad, 'trades.csv'), lines.join('\n'));
    const run = runCli(['report', bad, '-c', config]);
    expect(run.status).toBe(3);
    expect(run.stderr).toBe(`error: ${join(bad, 'trades.csv')}:3: commission: got "lots"; expected a number\n`);
    expect(existsSync(join(bad, 'report.html'))).toBe(false);
    expect(existsSync(join(bad, 'report.html.partial'))).toBe(false);
  });

  it('refuses equity rows out of order, which would leave the charts blank, and a report.html it cannot write', () => {
    const swapped = join(work, 'swapped');
    cpSync(out, swapped, { recursive: true });
    const lines = readFileSync(join(swapped, 'daily.csv'), 'utf8').split('\n');
    [lines[3], lines[4]] = [lines[4]!, lines[3]!];
    writeFileSync(join(swapped, 'daily.csv'), lines.join('\n'));
    const run = runCli(['report', swapped, '-c', config]);
    expect([run.status, run.stderr]).toEqual([
      3,
      `error: ${join(swapped, 'daily.csv')}:5: time ${lines[4].split(',')[0]} is before the row above; expected times in increasing order\n`,
    ]);
    const blocked = join(work, 'blocked');
    cpSync(out, blocked, { recursive: true });
    rmSync(join(blocked, 'report.html'));
    mkdirSync(join(blocked, 'report.html'));
    expect(runCli(['report', blocked, '-c', config])).toMatchObject({
      status: 2,
      stderr: `error: <dir>: ${JSON.stringify(join(blocked, 'report.html'))} is a directory; expected a file to write\n`,
    });
  });

  it('refuses a directory without results in one line', () => {
    const empty = join(work, 'empty');
    cpSync(out, empty, { recursive: true });
    rmSync(join(empty, 'metrics.json'));
    const run = runCli(['report', empty, '-c', config]);
    expect(run.status).toBe(3);
    expect(run.stderr).toBe(
      `error: ${join(empty, 'metrics.json')}: not found; expected the results of ets backtest, ets live or ets walk-forward in this directory (ets optimize's have no report)\n`,
    );
    const missing = runCli(['report', join(work, 'nowhere'), '-c', config]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(
      `error: <dir>: got "${join(work, 'nowhere')}" (no such directory); expected a results directory\n`,
    );
    // Chart data and a benchmark asked for by name must be there, rather than silently left out.
    const before = readFileSync(join(out, 'report.html'), 'utf8');
    const noData = runCli(['report', out, '-c', config, '--data-dir', join(work, 'nowhere')]);
    expect([noData.status, noData.stderr]).toEqual([
      2,
      `error: --data-dir: got "${join(work, 'nowhere')}" (no such directory); expected a directory of SYMBOL.csv bars\n`,
    ]);
    const badBenchmark = runCli(['report', out, '-c', config, '--benchmark', '../x']);
    expect(badBenchmark.status).toBe(2);
    expect(badBenchmark.stderr).toMatch(/^error: --benchmark: got "\.\.\/x"; expected /);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe(before);
  });
  it('reads the bar files as a backtest does: a malformed row fails with its file and line, exit 3, no report', () => {
    for (const [symbol, line, corrupt] of [
      // The benchmark's open, and a traded symbol's high below its low.
      ['SYNX', 10, (fields: string[]) => [fields[0]!, `${fields[1]!}x`, ...fields.slice(2)]],
      ['SYNA', 12, (fields: string[]) => [fields[0]!, fields[1]!, '1', ...fields.slice(3)]],
    ] as const) {
      const data = join(work, `bad-${symbol}`);
      cpSync(sample, data, { recursive: true });
      const file = join(data, `${symbol}.csv`);
      const lines = readFileSync(file, 'utf8').split('\n');
      lines[line - 1] = corrupt(lines[line - 1]!.split(',')).join(',');
      writeFileSync(file, lines.join('\n'));
      const dir = join(work, `bars-${symbol}`);
      cpSync(out, dir, { recursive: true });
      const args = ['-c', config, '--data-dir', data, '--benchmark', 'SYNX'];
      const backtest = runCli(['backtest', ...args, '--out', join(work, `backtest-${symbol}`)]);
      expect(backtest.status).toBe(3);
      const report = runCli(['report', dir, ...args]);
      // The backtest's own line for the same row.
      expect([report.status, report.stderr]).toEqual([3, backtest.stderr]);
      expect(report.stderr).toMatch(new RegExp(`^error: ${file}:${line}: [^\n]+\n$`));
      expect(existsSync(join(dir, 'report.html'))).toBe(false);
      expect(existsSync(join(dir, 'report.html.partial'))).toBe(false);
      // Skipped as a backtest skips them, when asked to.
      expect(runCli(['report', dir, ...args, '--skip-bad-rows']).status).toBe(0);
      expect(existsSync(join(dir, 'report.html'))).toBe(true);
    }
    const benchmark = readFileSync(join(work, 'bad-SYNX', 'SYNX.csv'), 'utf8').split('\n')[9];
    expect(benchmark).toMatch(/^\d{4}-\d\d-\d\d,[\d.]+x,/);
  });

  it('refuses a walk-forward window table with a value its writer cannot have written in any column', () => {
    const header =
      'window,is_start,is_end,oos_start,oos_end,fast,slow,is_objective_sharpe,is_total_return,is_sharpe,is_max_drawdown,is_trades,oos_total_return,oos_sharpe,oos_max_drawdown,oos_trades,oos_profit,pbo,deflated_sharpe,candidates';
    const chosen =
      '1,2019-01-02,2019-06-28,2019-07-01,2019-08-30,10,30,1.25,0.1,1.25,-0.05,4,0.02,0.8,-0.03,2,2000,0.25,0.9,12';
    // A window where no set qualified: no parameters, no figures.
    const none = '2,2019-03-01,2019-08-30,2019-09-03,2019-10-31,,,,,,,,,,,,,,,0';
    const table = (rows: readonly string[]) => `${[header, ...rows].join('\n')}\n`;
    const dir = join(work, 'wfa');
    cpSync(out, dir, { recursive: true });
    const windows = join(dir, 'wfa_windows.csv');
    writeFileSync(windows, table([chosen, none]));
    expect(runCli(['report', dir, '-c', config])).toMatchObject({ status: 0, stderr: '' });
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<h3>Parameters chosen per window</h3>');
    const column = (name: string) => header.split(',').indexOf(name);
    for (const [name, value, expected] of [
      ['fast', 'ten', 'a number'],
      ['oos_total_return', '12%', 'a number'],
      ['oos_sharpe', 'abc', 'a number'],
      ['pbo', 'NaN', 'a number'],
      ['is_total_return', 'abc', 'a number'],
      ['candidates', '', 'a number'],
      ['oos_start', 'soon', 'YYYY-MM-DD[ HH:MM:SS]'],
    ] as const) {
      const fields = none.split(',');
      fields[column(name)] = value;
      writeFileSync(windows, table([chosen, fields.join(',')]));
      const run = runCli(['report', dir, '-c', config]);
      expect([run.status, run.stderr]).toEqual([
        3,
        `error: ${windows}:3: ${name}: got "${value}"; expected ${expected}\n`,
      ]);
      expect(existsSync(join(dir, 'report.html'))).toBe(false);
    }
  });
});
