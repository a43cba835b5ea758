import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { waveSeries, writeSeries } from '../walk-forward/wfa-fixture.js';

const dir = writeSeries([
  waveSeries('AAA', 500, [30, 60, 45, 90, 40], 100),
  waveSeries('BBB', 500, [50, 40, 80, 30, 70], 100, 0.7),
]);
writeFileSync(
  join(dir, 'wfa.yaml'),
  [
    'logging:',
    '  directory: logs',
    'benchmarking:',
    '  calculate_alpha_beta: false',
    'backtest:',
    '  csv_directory: data',
    '  walk_forward:',
    '    enabled: true',
    '    in_sample_bars: 200',
    '    out_of_sample_bars: 100',
    '    workers: 2',
    '    param_grid:',
    '      fast: [3, 6, 9]',
    '      slow: [10, 20]',
    '',
  ].join('\n'),
);
const WFA_FILES = ['wfa_windows.csv', 'wfa_oos_equity.csv', 'wfa_oos_trades.csv', 'wfa_summary.json'];

describe('ets backtest with backtest.walk_forward.enabled: true', () => {
  it('says so in one line and runs the walk-forward analysis ets walk-forward runs, with its files', () => {
    const backtest = runCli(['backtest', '--config', 'wfa.yaml', '--out', 'bt'], dir);
    expect(backtest.stderr).not.toMatch(/error/i);
    expect(backtest.status).toBe(0);
    expect(backtest.stderr.split('\n')[0]).toBe(
      'backtest.walk_forward.enabled is true: running the walk-forward analysis (as ets walk-forward); set it to false for a single backtest',
    );
    expect(backtest.stdout).toMatch(/^windows: 3 {2}OOS total return/);
    // No single backtest's files beside the analysis.
    expect(existsSync(join(dir, 'bt', 'trades.csv'))).toBe(false);
    expect(existsSync(join(dir, 'bt', 'report.html'))).toBe(true);
    const wfa = runCli(['walk-forward', '--config', 'wfa.yaml', '--out', 'wf'], dir);
    expect(wfa.status).toBe(0);
    for (const f of WFA_FILES) {
      expect(readFileSync(join(dir, 'bt', f), 'utf8')).toBe(readFileSync(join(dir, 'wf', f), 'utf8'));
    }
  });

  it('refuses a flag only a single backtest has, with one line and exit code 2, writing nothing', () => {
    const run = runCli(['backtest', '--config', 'wfa.yaml', '--journal', 'j.sqlite', '--out', 'refused'], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'error: --journal: backtest.walk_forward.enabled is true, so ets backtest runs a walk-forward analysis, which has no --journal; set it to false for a single backtest\n',
    );
    expect(existsSync(join(dir, 'refused'))).toBe(false);
    expect(existsSync(join(dir, 'j.sqlite'))).toBe(false);
    const chosen = runCli(['backtest', '--config', 'wfa.yaml', '--param', 'fast=7', '--out', 'refused'], dir);
    expect([chosen.status, chosen.stderr]).toEqual([
      2,
      'error: --param fast: backtest.walk_forward.enabled is true, and the walk-forward analysis chooses fast in each window from backtest.walk_forward.param_grid; leave it out, or set enabled to false for a single backtest\n',
    ]);
  });
});
