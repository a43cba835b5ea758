import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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

  it('refuses a directory without results in one line', () => {
    const empty = join(work, 'empty');
    cpSync(out, empty, { recursive: true });
    rmSync(join(empty, 'metrics.json'));
    const run = runCli(['report', empty, '-c', config]);
    expect(run.status).toBe(3);
    expect(run.stderr).toBe(
      `error: ${join(empty, 'metrics.json')}: not found; expected the results of ets backtest or ets live in this directory\n`,
    );
    const missing = runCli(['report', join(work, 'nowhere'), '-c', config]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`error: <dir>: got "${join(work, 'nowhere')}"; expected a results directory\n`);
  });
});
