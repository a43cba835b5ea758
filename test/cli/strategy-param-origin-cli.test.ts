import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

/**
 * A strategy parameter the strategy refuses is reported against the place the user wrote it — the config file's key
 * or the `--param` flag — with exit code 2, before anything runs: no backtest, no gateway, no connection, no file.
 */
const work = mkdtempSync(join(tmpdir(), 'ets-param-origin-'));
const sample = join(work, 'sample');

beforeAll(() => {
  const run = runCli(['data', 'sample', '--out', sample, '--days', '300']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

/** A config whose sma_crossover has `params`, with logs and results in the temporary directory. */
function configWith(name: string, params: string): string {
  const path = join(work, `${name}.yaml`);
  writeFileSync(
    path,
    `logging:\n  directory: ${join(work, name, 'logs')}\n  console: false\n` +
      `backtest:\n  csv_directory: ${sample}\n  results_directory: ${join(work, name, 'out')}\n` +
      `live:\n  results_directory: ${join(work, name, 'live')}\n` +
      `strategies:\n  sma_crossover:\n    enabled: true\n    params: ${params}\n`,
  );
  return path;
}

function refusedWith(message: string) {
  return { status: 2, stdout: '', stderr: `error: ${message}\n` };
}

describe('a strategy parameter refused by the strategy', () => {
  it('names the config file and key, in every command that runs the strategy', () => {
    const file = configWith('reversed', '{ fast: 40, slow: 30 }');
    const expected = refusedWith(
      `${file}: strategies.sma_crossover.params.fast = 40 is invalid: expected fast < slow (slow = 30)`,
    );
    expect(runCli(['live', '-c', file, '--duration', '1m'])).toEqual(expected);
    expect(runCli(['start', '-c', file])).toEqual(expected);
    // Refused before the gateway started or a session began: no results, not even a log.
    expect(existsSync(join(work, 'reversed'))).toBe(false);
    expect(runCli(['backtest', '-c', file])).toEqual(expected);
  });

  it('names the --param flag when the value came from it', () => {
    const file = configWith('plain', '{ fast: 10, slow: 30 }');
    expect(runCli(['backtest', '-c', file, '--param', 'fast=50'])).toEqual(
      refusedWith('--param fast = 50 is invalid: expected fast < slow (slow = 30)'),
    );
    expect(runCli(['backtest', '-c', file, '--param', 'size=3'])).toEqual(
      refusedWith('--param size: strategy sma_crossover has no such parameter; known parameters: fast, slow'),
    );
  });

  it('names the key of a parameter the strategy does not have, also for a study with a grid', () => {
    const file = configWith('unknown', '{ fast: 10, slow: 30, bogus: 1 }');
    const expected = refusedWith(
      `${file}: strategies.sma_crossover.params.bogus: strategy sma_crossover has no such parameter; ` +
        'known parameters: fast, slow',
    );
    expect(runCli(['backtest', '-c', file])).toEqual(expected);
    // Before: every combination was counted as refused, and the study wrote its files without a result (exit 0).
    expect(runCli(['optimize', '-c', file, '--grid', 'slow=20,30', '--workers', '1'])).toEqual(expected);
    expect(existsSync(join(work, 'unknown', 'out'))).toBe(false);
    // Another strategy's entry holding the grid's value is not where the value came from.
    const grid = configWith('other', '{ fast: 10, slow: 30 }');
    const other = runCli(['optimize', '-c', grid, '--strategy', 'rsi_mean_reversion', '--grid', 'fast=10']);
    expect(other).toEqual(
      refusedWith(
        'strategy rsi_mean_reversion: unknown parameter "fast"; known parameters: period, oversold, overbought',
      ),
    );
  });

  it('refuses a grid the strategy refuses whole, naming the first combination, and writes nothing', () => {
    const file = configWith('grid', '{ fast: 40, slow: 30 }');
    const expected = refusedWith(
      'the strategy refuses every combination of the grid (2); slow=20: strategy sma_crossover: fast = 40 is ' +
        'invalid: expected fast < slow (slow = 20)',
    );
    expect(runCli(['optimize', '-c', file, '--grid', 'slow=20,30', '--workers', '1'])).toEqual(expected);
    expect(runCli(['walk-forward', '-c', file, '--grid', 'slow=20,30', '--workers', '1'])).toEqual(expected);
    expect(existsSync(join(work, 'grid', 'out'))).toBe(false);
    // One refused combination among runnable ones is skipped and counted, as before.
    const run = runCli(['optimize', '-c', file, '--grid', 'slow=20,50', '--workers', '1']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('combinations: 2 (1 invalid, 0 below --min-trades)');
  });

  it('names where an unknown strategy name was given: the enabled entry, backtest.strategy or the flag', () => {
    const unknown = (name: string) =>
      `unknown strategy "${name}"; known strategies: sma_crossover, rsi_mean_reversion; ` +
      `a strategy of your own needs strategies.${name}.module (its file)`;
    const live = join(work, 'nosuch.yaml');
    writeFileSync(
      live,
      `logging:\n  directory: ${join(work, 'nosuch', 'logs')}\n  console: false\n` +
        `live:\n  results_directory: ${join(work, 'nosuch', 'live')}\n` +
        'strategies:\n  sma_crossover:\n    enabled: false\n  trendy:\n    enabled: true\n',
    );
    expect(runCli(['live', '-c', live, '--duration', '1m'])).toEqual(
      refusedWith(`${live}: strategies.trendy: ${unknown('trendy')}`),
    );
    expect(existsSync(join(work, 'nosuch'))).toBe(false);
    const backtest = configWith('named', '{ fast: 10, slow: 30 }');
    writeFileSync(backtest, readFileSync(backtest, 'utf8').replace('backtest:\n', 'backtest:\n  strategy: smma\n'));
    expect(runCli(['backtest', '-c', backtest])).toEqual(
      refusedWith(`${backtest}: backtest.strategy: ${unknown('smma')}`),
    );
    const plain = configWith('flagged', '{ fast: 10, slow: 30 }');
    expect(runCli(['backtest', '-c', plain, '--strategy', 'sma'])).toEqual(
      refusedWith(`--strategy sma: ${unknown('sma')}`),
    );
    expect(runCli(['optimize', '-c', plain, '--strategy', 'sma', '--workers', '1'])).toEqual(
      refusedWith(`--strategy sma: ${unknown('sma')}`),
    );
  });
});
