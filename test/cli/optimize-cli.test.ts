import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/run-cli.js';
import { waveSeries, writeSeries } from '../walk-forward/wfa-fixture.js';

const dir = writeSeries([
  waveSeries('AAA', 500, [30, 60, 45, 90, 40], 100),
  waveSeries('BBB', 500, [50, 40, 80, 30, 70], 100, 0.7),
]);
const common = ['--data-dir', join(dir, 'data'), '--grid', 'fast=3:9:3', '--grid', 'slow=10,20'];

describe('ets optimize and ets walk-forward', () => {
  it('writes the same optimize.csv with 1 and 2 workers and prints the best set', () => {
    const one = runCli(['optimize', ...common, '--workers', '1', '--out', join(dir, 'w1')], dir);
    const two = runCli(['optimize', ...common, '--workers', '2', '--out', join(dir, 'w2')], dir);
    expect(one.stderr).toMatch(/optimize: 6\/6 backtests/);
    expect(one.stderr).not.toMatch(/error/i);
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(one.stdout).toMatch(
      /^combinations: 6 \(0 invalid, 0 below --min-trades\)\nbest: fast=\d slow=\d+ {2}sharpe /,
    );
    expect(one.stdout).toMatch(/PBO: [\d.]+ \(S=16\) {2}deflated Sharpe: [\d.]+/);
    for (const f of ['optimize.csv', 'optimize_best.json']) {
      expect(readFileSync(join(dir, 'w2', f), 'utf8')).toBe(readFileSync(join(dir, 'w1', f), 'utf8'));
    }
  });

  it('runs a walk-forward analysis in calendar units and writes its four files', () => {
    const out = join(dir, 'wfa');
    const run = runCli(
      [
        'walk-forward',
        ...common,
        '--in-sample',
        '6M',
        '--out-of-sample',
        '2M',
        '--mode',
        'anchored',
        '--workers',
        '2',
        '--out',
        out,
      ],
      dir,
    );
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^windows: \d+ {2}OOS total return/);
    expect(run.stdout).toMatch(/\nresult: (pass|fail)\n/);
    for (const f of [
      'wfa_windows.csv',
      'wfa_oos_equity.csv',
      'wfa_oos_trades.csv',
      'wfa_summary.json',
      'report.html',
    ]) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    expect(run.stdout).toContain(`report: ${join(out, 'report.html')}`);
    const windows = readFileSync(join(out, 'wfa_windows.csv'), 'utf8').trim().split('\n');
    expect(windows[0]).toBe(
      'window,is_start,is_end,oos_start,oos_end,fast,slow,is_objective_sharpe,is_total_return,is_sharpe,is_max_drawdown,is_trades,oos_total_return,oos_sharpe,oos_max_drawdown,oos_trades,oos_profit,pbo,deflated_sharpe,candidates',
    );
    // Anchored: every in-sample window starts at the first bar.
    expect(new Set(windows.slice(1).map((row) => row.split(',')[1]))).toEqual(new Set(['2010-01-04']));
    const summary = JSON.parse(readFileSync(join(out, 'wfa_summary.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(summary)).toEqual(
      expect.arrayContaining([
        'oos',
        'walk_forward_efficiency',
        'parameter_stability',
        'pbo_mean',
        'criteria',
        'result',
      ]),
    );
  });

  it('replaces an earlier run of another command in the same directory once the new run has succeeded', () => {
    const out = join(dir, 'shared');
    const title = () => /<title>([^<]*)<\/title>/.exec(readFileSync(join(out, 'report.html'), 'utf8'))?.[1];
    const backtest = ['backtest', '--data-dir', join(dir, 'data'), '--out', out];
    const walkForward = ['walk-forward', ...common, '--in-sample', '200', '--out-of-sample', '100', '--out', out];
    expect(runCli(backtest, dir).status).toBe(0);
    expect(title()).toMatch(/^Backtest /);
    // A failed run leaves the earlier results as they were.
    expect(runCli([...walkForward, '--step', '50'], dir).status).toBe(2);
    expect(existsSync(join(out, 'metrics.json'))).toBe(true);
    expect(runCli(walkForward, dir).status).toBe(0);
    expect(title()).toMatch(/^Walk-forward analysis /);
    for (const f of ['metrics.json', 'trades.csv', 'fills.csv', 'orders.csv', 'daily.csv', 'equity.csv'])
      expect(existsSync(join(out, f))).toBe(false);
    expect(runCli(['optimize', ...common, '--workers', '1', '--out', out], dir).status).toBe(0);
    expect(existsSync(join(out, 'wfa_summary.json'))).toBe(false);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect(runCli(backtest, dir).status).toBe(0);
    expect(existsSync(join(out, 'optimize.csv'))).toBe(false);
    expect(title()).toMatch(/^Backtest /);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).not.toContain('Walk-forward');
  });

  it('refuses bad input with one line and exit code 2, writing nothing', () => {
    const cases: [string[], string][] = [
      [
        ['optimize', '--data-dir', join(dir, 'data'), '--grid', 'fast=5:1:1'],
        'error: --grid fast: stop 1 is below start 5\n',
      ],
      [['optimize', '--data-dir', join(dir, 'data'), '--grid', 'fast=1,2', '--objective', 'luck'], 'error: '],
      [['optimize', '--data-dir', join(dir, 'data')], 'error: backtest.walk_forward.param_grid is empty'],
      [['walk-forward', ...common, '--in-sample', '2Q'], 'error: '],
      [
        ['walk-forward', ...common, '--in-sample', '-5'],
        'error: --in-sample -5: expected a number of bars (504) or a calendar length (2Y, 6M, 13W, 30D)\n',
      ],
      [['optimize', ...common, '--workers', '-1'], 'error: --workers -1: expected a whole number\n'],
      [
        ['optimize', ...common, '--workers', '100000'],
        'error: the command line: invalid configuration: --workers (backtest.walk_forward.workers): got 100000; expected number to be <=256\n',
      ],
      [['walk-forward', ...common, '--in-sample', '5000'], 'error: no complete walk-forward window fits'],
      [
        ['walk-forward', ...common, '--in-sample', '200', '--out-of-sample', '100', '--step', '50'],
        'error: the walk-forward step (50 bars) is shorter than the out-of-sample window (100 bars)',
      ],
    ];
    for (const [args, start] of cases) {
      const run = runCli([...args, '--out', join(dir, 'bad')], dir);
      expect(run.status).toBe(2);
      expect(run.stderr.startsWith(start)).toBe(true);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(join(dir, 'bad', 'optimize.csv'))).toBe(false);
    expect(existsSync(join(dir, 'bad', 'wfa_summary.json'))).toBe(false);
  });
});

describe('an interrupted ets optimize', () => {
  it(
    'continues from its cache of finished backtests when started again with the same arguments',
    { timeout: 120_000 },
    async () => {
      const big = writeSeries([
        waveSeries('AAA', 3000, [30, 60, 45, 90, 40], 600),
        waveSeries('BBB', 3000, [50, 40, 80], 1000, 0.7),
      ]);
      const args = [
        'optimize',
        '--data-dir',
        join(big, 'data'),
        '--grid',
        'fast=2:20:2',
        '--grid',
        'slow=30:100:10',
        '--workers',
        '1',
      ];
      const first = startCli([...args, '--out', join(big, 'run')], big);
      const cache = join(big, 'run', '.ets-cache', 'jobs.jsonl');
      // Ctrl+C once some backtests have finished.
      for (let waited = 0; !(existsSync(cache) && readFileSync(cache, 'utf8').split('\n').length > 3); waited += 50) {
        expect(waited).toBeLessThan(60_000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      first.child.kill('SIGINT');
      const stopped = await first.done;
      expect(stopped.status).toBe(130);
      expect(stopped.stderr).toMatch(
        /optimize: SIGINT after \d+ of 80 backtests; the finished ones are kept, and the same command goes on from them\n$/,
      );
      expect(existsSync(join(big, 'run', 'optimize.csv'))).toBe(false);
      const again = runCli([...args, '--out', join(big, 'run')], big);
      expect(again.status).toBe(0);
      expect(again.stderr).toMatch(/optimize: resuming, \d+ of 80 backtests already done/);
      const fresh = runCli([...args, '--out', join(big, 'fresh')], big);
      expect(fresh.status).toBe(0);
      for (const f of ['optimize.csv', 'optimize_best.json']) {
        expect(readFileSync(join(big, 'run', f), 'utf8')).toBe(readFileSync(join(big, 'fresh', f), 'utf8'));
      }
    },
  );
});
