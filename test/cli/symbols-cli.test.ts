import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYMBOL_EXPECTED } from '../../src/domain/symbol.js';
import { runCli, type CliRun } from '../support/run-cli.js';

/** Every place a symbol becomes a file name, or is read from one, takes it through the one rule of domain/symbol. */
const work = mkdtempSync(join(tmpdir(), 'ets-symbols-'));
const sample = join(work, 'sample');
const config = join(work, 'config.yaml');

function expectOneLine(run: CliRun, message: string, status = 2): void {
  expect(run.stderr).toBe(`error: ${message}\n`);
  expect(run.status).toBe(status);
}

/** For config errors, whose file prefix is the config loader's: the key's line, on one line, exit code 2. */
function expectConfigProblem(run: CliRun, problem: string): void {
  expect(run.stderr).toContain(problem);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).not.toContain('    at ');
  expect(run.status).toBe(2);
}

beforeAll(() => {
  writeFileSync(config, `logging:\n  directory: ${join(work, 'logs')}\n  console: false\n`);
  expect(runCli(['data', 'sample', '--out', sample, '--days', '300'], work).status).toBe(0);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('ets data sample writes only SYMBOL.csv files inside --out', () => {
  it.each([
    ['../escape', `--symbols: got "../escape"; expected ${SYMBOL_EXPECTED}`],
    ['a/b', `--symbols: got "a/b"; expected ${SYMBOL_EXPECTED}`],
    ['', '--symbols: got ""; expected symbols separated by commas'],
    ['A,,B', '--symbols: "A,,B" has an empty symbol; expected symbols separated by single commas'],
    [
      'SYNA,vix',
      '--symbols: VIX is the volatility index derived from the stocks (VIX.csv): give the stocks other names',
    ],
  ])('refuses --symbols %j and writes nothing', (symbols, message) => {
    const out = join(work, 'refused', 'out');
    expectOneLine(runCli(['data', 'sample', '--out', out, '--symbols', symbols], work), message);
    expect(existsSync(join(work, 'refused'))).toBe(false);
    expect(readdirSync(work).filter((name) => name.endsWith('.csv'))).toEqual([]);
  });

  it.each([
    ['--seed', '', '--seed: got ""; expected a whole number from 0 to 4294967295'],
    ['--seed', '0x10', '--seed: got "0x10"; expected a whole number from 0 to 4294967295'],
    ['--seed', '4294967296', '--seed: got "4294967296"; expected a whole number from 0 to 4294967295'],
    ['--days', '1e3', '--days: got "1e3"; expected a whole number from 1 to 100000'],
  ])('refuses %s %j', (flag, value, message) => {
    const out = join(work, 'bad-flag');
    expectOneLine(runCli(['data', 'sample', '--out', out, flag, value], work), message);
    expect(existsSync(out)).toBe(false);
  });

  it('takes share-class symbols as IB and data vendors write them, upper-cased, once each', () => {
    const out = join(work, 'classes');
    const run = runCli(['data', 'sample', '--out', out, '--days', '5', '--symbols', 'brk.b,BRK B,bf-b,BRK.B'], work);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Wrote 4 synthetic files to /);
    expect(readdirSync(out).sort()).toEqual(['BF-B.csv', 'BRK B.csv', 'BRK.B.csv', 'VIX.csv']);
  });
});

describe('the other edges', () => {
  it.each([
    ['SYNA,../escape', `--symbols: got "../escape"; expected ${SYMBOL_EXPECTED}`],
    ['SYNA,,SYNB', '--symbols: "SYNA,,SYNB" has an empty symbol; expected symbols separated by single commas'],
    ['SYNA,', '--symbols: "SYNA," has an empty symbol; expected symbols separated by single commas'],
  ])('ets backtest --symbols %j', (symbols, message) => {
    const run = runCli(['backtest', '-c', config, '--data-dir', sample, '--symbols', symbols], work);
    expectOneLine(run, message);
  });

  it('trading.symbols, benchmarking.symbol and backtest.symbols in the config file', () => {
    const file = join(work, 'bad-symbols.yaml');
    writeFileSync(file, 'trading:\n  symbols: [AAPL, "a/b"]\n');
    expectConfigProblem(
      runCli(['live', '-c', file], work),
      `trading.symbols.1: got "a/b"; expected ${SYMBOL_EXPECTED}`,
    );
    writeFileSync(file, 'benchmarking:\n  symbol: ../SPY\n');
    expectConfigProblem(
      runCli(['backtest', '-c', file], work),
      `benchmarking.symbol: got "../SPY"; expected ${SYMBOL_EXPECTED}`,
    );
    writeFileSync(file, 'backtest:\n  symbols: []\n');
    expectConfigProblem(
      runCli(['backtest', '-c', file], work),
      'backtest.symbols: got []; expected array to have >=1 items',
    );
  });

  it('symbols in the config are canonical: lower case names the same files', () => {
    const file = join(work, 'lower.yaml');
    writeFileSync(
      file,
      `logging:\n  directory: ${join(work, 'logs')}\n  console: false\n` +
        `backtest:\n  csv_directory: ${sample}\n  symbols: [syna]\n  results_directory: ${join(work, 'lower-out')}\n` +
        'benchmarking:\n  symbol: synx\n',
    );
    const run = runCli(['backtest', '-c', file], work);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('on SYNA');
  });

  it('ets data fetch --symbols', () => {
    const run = runCli(['data', 'fetch', '-c', config, '--symbols', 'SYNA,a/b', '--out', join(work, 'fetch')], work);
    expectOneLine(run, `--symbols: got "a/b"; expected ${SYMBOL_EXPECTED}`);
    expect(existsSync(join(work, 'fetch'))).toBe(false);
  });

  it("a file in the gateway's data directory not named after a symbol", () => {
    const dir = join(work, 'gateway-data');
    mkdirSync(dir);
    copyFileSync(join(sample, 'SYNA.csv'), join(dir, 'SYNA.csv'));
    copyFileSync(join(sample, 'SYNB.csv'), join(dir, 'SYNB (copy).csv'));
    const run = runCli(['gateway', '--data-dir', dir, '--port', '0'], work);
    expectOneLine(run, `${dir}: "SYNB (copy).csv" is not named SYMBOL.csv with ${SYMBOL_EXPECTED}`, 3);
  });
});
