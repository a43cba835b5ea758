import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

/**
 * Each class of config and command-line mistake ends in one line on stderr naming the key, the value and what is
 * expected, with exit code 2: never a stack trace, never a run on values other than the ones written.
 */
const work = mkdtempSync(join(tmpdir(), 'ets-hardening-'));
const sample = join(work, 'sample');
const config = join(work, 'config.yaml');
const CALENDAR = 'a date as YYYY-MM-DD (a day of the calendar from 1900-01-01 to 9999-12-31)';
const UNKNOWN = "unknown keys; check the spelling against the README's config reference";

beforeAll(() => {
  writeFileSync(config, `logging:\n  directory: ${join(work, 'logs')}\n  console: false\n`);
  const run = runCli(['data', 'sample', '--out', sample, '--days', '300']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

/** A config file with `text`, logging kept in the temporary directory. */
function configFile(name: string, text: string | Buffer): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

function backtest(args: readonly string[], file = config): { status: number | null; stderr: string } {
  const run = runCli(['backtest', '-c', file, '--data-dir', sample, '--out', join(work, 'out'), ...args]);
  return { status: run.status, stderr: run.stderr };
}

function refused(message: string): { status: number; stderr: string } {
  return { status: 2, stderr: `error: ${message}\n` };
}

describe('impossible and reversed dates (class 1)', () => {
  it.each([
    [['--start', '2020-02-30'], `--start (backtest.start_date): got "2020-02-30"; expected ${CALENDAR}`],
    [['--end', '1998-13-01'], `--end (backtest.end_date): got "1998-13-01"; expected ${CALENDAR}`],
    [
      ['--start', '1999-01-01', '--end', '1998-01-01'],
      '--end (backtest.end_date): got "1998-01-01"; expected a date on or after the start date, 1999-01-01 (backtest.start_date)',
    ],
  ])('refuses %j as a config error', (args, message) => {
    expect(backtest(args)).toEqual(refused(`the command line: invalid configuration: ${message}`));
  });

  it('refuses them in the config file too, and in the embedded gateway start time', () => {
    const file = configFile(
      'dates.yaml',
      'backtest:\n  start_date: 2021-06-01\n  end_date: 2021-02-29\nibkr:\n  embedded:\n    start: 2020-01-02 10:60\n',
    );
    expect(backtest([], file)).toEqual(
      refused(
        `${file}: invalid configuration: ibkr.embedded.start: got "2020-01-02 10:60"; expected a time as ` +
          'YYYY-MM-DD[ HH:MM[:SS]] (a day of the calendar from 1900-01-01 to 9999-12-31, hours 00-23, minutes and ' +
          `seconds 00-59); backtest.end_date: got "2021-02-29"; expected ${CALENDAR}`,
      ),
    );
    const reversed = configFile('reversed.yaml', 'backtest:\n  start_date: 2021-06-01\n  end_date: 2021-05-31\n');
    expect(backtest([], reversed)).toEqual(
      refused(
        `${reversed}: invalid configuration: backtest.end_date: got "2021-05-31"; expected a date on or after the ` +
          'start date, 2021-06-01 (backtest.start_date)',
      ),
    );
  });

  it('refuses an impossible start of ets data sample', () => {
    const run = runCli(['data', 'sample', '--out', join(work, 'never'), '--start', '2020-02-30']);
    expect({ status: run.status, stderr: run.stderr }).toEqual(
      refused(`--start: got "2020-02-30"; expected ${CALENDAR}`),
    );
  });
});

describe('years before 1900 (class 2)', () => {
  it('refuses --start 0097-01-01 instead of reading 1997', () => {
    expect(backtest(['--start', '0097-01-01'])).toEqual(
      refused(
        `the command line: invalid configuration: --start (backtest.start_date): got "0097-01-01"; expected ${CALENDAR}`,
      ),
    );
  });

  it('refuses ets data sample --start 0001-01-01 instead of writing 1901', () => {
    const run = runCli(['data', 'sample', '--out', join(work, 'never'), '--start', '0001-01-01']);
    expect({ status: run.status, stderr: run.stderr }).toEqual(
      refused(`--start: got "0001-01-01"; expected ${CALENDAR}`),
    );
  });

  it('refuses a sample that would run past 9999-12-31', () => {
    const run = runCli(['data', 'sample', '--out', join(work, 'never'), '--start', '9999-06-01']);
    expect({ status: run.status, stderr: run.stderr }).toEqual(
      refused('--start 9999-06-01 --days 1512: the data would run past 9999-12-31; expected an earlier start'),
    );
  });

  it('writes a sample from 1900 with four-digit years', () => {
    const out = join(work, 'sample-1900');
    const run = runCli(['data', 'sample', '--out', out, '--start', '1900-01-01', '--days', '3']);
    expect(run.status).toBe(0);
    expect(readFileSync(join(out, 'SYNA.csv'), 'utf8').split('\n')[1]).toMatch(/^1900-01-01,/);
  });
});

describe('YAML anchors and aliases (class 4)', () => {
  const laughs = Array.from({ length: 9 }, (_, level) => {
    const name = String.fromCharCode(97 + level);
    const item = level === 0 ? 'lol' : `*${String.fromCharCode(96 + level)}`;
    return `${name}: &${name} [${Array.from({ length: 9 }, () => item).join(', ')}]`;
  }).join('\n');

  it.each([
    [
      'undefined.yaml',
      'backtest:\n  symbols: *nope\n',
      'line 2, column 12: alias *nope names no anchor &nope defined before it',
    ],
    [
      'self.yaml',
      'backtest:\n  symbols: &x [*x]\n',
      'line 2, column 16: alias *x is inside the node it names (a cycle)',
    ],
    ['bomb.yaml', `${laughs}\n`, 'its aliases expand beyond 100 copies of a node (nested aliases multiply)'],
    [
      'many.yaml',
      `trading:\n  sector_map:\n    A: &s Tech\n${Array.from({ length: 101 }, (_, i) => `    S${i}: *s`).join('\n')}\n`,
      'line 104, column 11: more than 100 aliases; a config file needs a few',
    ],
  ])('refuses %s as unusable YAML, in bounded time', (name, text, problem) => {
    const file = configFile(name, text);
    const started = performance.now();
    expect(backtest([], file)).toEqual(refused(`${file}: unusable YAML: ${problem}`));
    expect(backtest(['--no-stops'], file)).toEqual(refused(`${file}: unusable YAML: ${problem}`));
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('a config file that is not a mapping (class 5)', () => {
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('logging:\n  level: info\n', 'utf16le')]);
  it.each([
    [
      'list.yaml',
      '- a\n- b\n',
      'expected a mapping of config keys (such as "backtest:" and "trading:"); the file holds a list',
    ],
    [
      'number.yaml',
      '42\n',
      'expected a mapping of config keys (such as "backtest:" and "trading:"); the file holds the value 42',
    ],
    [
      'word.yaml',
      'hello\n',
      'expected a mapping of config keys (such as "backtest:" and "trading:"); the file holds the text "hello"',
    ],
    ['utf16.yaml', utf16, 'the file is not UTF-8 text (UTF-16 or binary); save it as UTF-8'],
    [
      'latin1.yaml',
      Buffer.from('account:\n  currency: \xe9\n', 'latin1'),
      'the file is not UTF-8 text; save it as UTF-8',
    ],
  ])('refuses %s with and without flags', (name, text, problem) => {
    const file = configFile(name, text);
    expect(backtest([], file)).toEqual(refused(`${file}: ${problem}`));
    expect(backtest(['--no-stops', '--start', '2019-03-01'], file)).toEqual(refused(`${file}: ${problem}`));
  });

  it('reports a section that is not a mapping even when a flag writes into it', () => {
    const file = configFile('section.yaml', 'backtest: 5\n');
    expect(backtest(['--start', '2019-03-01'], file)).toEqual(
      refused(`${file}: invalid configuration: backtest: got 5; expected object`),
    );
  });

  it('refuses a file larger than a config file can be', () => {
    const file = configFile('huge.yaml', `# ${'x'.repeat(300 * 1024)}\n`);
    expect(backtest([], file)).toEqual(refused(`${file}: the file is larger than 262,144 bytes; is it a config file?`));
  });
});

describe('prototype keys (class 6)', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('refuses --param %s=1', (name) => {
    expect(backtest(['--param', `${name}=1`])).toEqual(
      refused(
        `${config}: invalid configuration: --param (strategies.sma_crossover.params.${name}): got the name ${name}; ` +
          'expected a name other than __proto__, constructor or prototype',
      ),
    );
  });

  it('refuses them as strategy names and as keys of the config file', () => {
    expect(backtest(['--strategy', '__proto__', '--param', 'fast=5'])).toEqual(
      refused(
        `${config}: invalid configuration: strategies.__proto__: got the name __proto__; expected a name other than ` +
          '__proto__, constructor or prototype',
      ),
    );
    const file = configFile('proto.yaml', 'trading:\n  sector_map:\n    constructor: Tech\n__proto__:\n  x: 1\n');
    expect(backtest([], file)).toEqual(
      refused(
        `${file}: invalid configuration: trading.sector_map.constructor: got the name constructor; expected a name ` +
          'other than __proto__, constructor or prototype; __proto__: got the name __proto__; expected a name other ' +
          'than __proto__, constructor or prototype',
      ),
    );
  });
});

describe('money and quantities out of range (class 7)', () => {
  it.each([
    [
      ['--initial-cash', '1e20'],
      '--initial-cash (account.initial_capital): got 100000000000000000000; expected number to be <=1e12 (above it amounts lose their cents)',
    ],
    [
      ['--sizing', 'fixed:2000000000'],
      '--sizing (trading.sizing): got "fixed:2000000000"; expected risk or fixed:N with N a whole number of shares from 1 to 1000000000',
    ],
    [['--initial-cash', '0x10'], '--initial-cash (account.initial_capital): got "0x10"; expected number'],
  ])('refuses %j', (args, message) => {
    expect(backtest(args)).toEqual(refused(`the command line: invalid configuration: ${message}`));
  });

  it('refuses commission amounts and rates out of range', () => {
    const file = configFile(
      'rates.yaml',
      'commission_rates:\n  fixed:\n    min_per_order: 1e15\n    per_share: 5000\n  regulatory:\n    sec_fee_rate: 2\n',
    );
    expect(backtest([], file)).toEqual(
      refused(
        `${file}: invalid configuration: commission_rates.fixed.per_share: got 5000; expected number to be <=1000 ` +
          '(USD per share); commission_rates.fixed.min_per_order: got 1000000000000000; expected number to be <=1e12 ' +
          '(above it amounts lose their cents); commission_rates.regulatory.sec_fee_rate: got 2; expected number to be <=1',
      ),
    );
  });

  it('keeps the P&L of a run at the largest initial cash allowed', () => {
    const out = join(work, 'rich');
    const run = runCli(['backtest', '-c', config, '--data-dir', sample, '--out', out, '--initial-cash', '1e12']);
    expect(run.status).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, number>;
    expect(metrics.trades).toBeGreaterThan(0);
    expect(metrics.final_equity).not.toBe(metrics.initial_equity);
  });
});

describe('bounded one-line messages (class 10)', () => {
  it('lists five of 5,000 unknown keys and counts the rest', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `key${i}: 1`).join('\n');
    const file = configFile('unknown.yaml', `${keys}\n`);
    expect(backtest([], file)).toEqual(
      refused(`${file}: invalid configuration: key0, key1, key2, key3, key4 … and 4,995 more: ${UNKNOWN}`),
    );
  });

  it('joins several problems on one line, five of them, and counts the rest', () => {
    const file = configFile(
      'several.yaml',
      'trading:\n  max_daily_loss_pct: -1\n  max_drawdown_pct: 200\n  risk_per_trade_pct: 0\n' +
        '  atr_period: 0\n  take_profit_r: -1\n  max_sector_allocation_pct: 101\n  max_gross_exposure: 0\n',
    );
    const run = backtest([], file);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `error: ${file}: invalid configuration: trading.risk_per_trade_pct: got 0; expected number to be >0; ` +
        'trading.max_daily_loss_pct: got -1; expected number to be >0; trading.max_drawdown_pct: got 200; expected ' +
        'number to be <=100; trading.atr_period: got 0; expected number to be >0; trading.take_profit_r: got -1; ' +
        'expected number to be >=0; … and 2 more\n',
    );
  });

  it('quotes an excerpt of a 20 MB CSV header line', () => {
    const data = join(work, 'wide');
    mkdirSync(data);
    writeFileSync(join(data, 'AAA.csv'), `${'n'.repeat(20_000_000)}\n2020-01-01,1,1,1,1,1\n`);
    const run = runCli(['backtest', '-c', config, '--data-dir', data, '--out', join(work, 'out')]);
    expect(run.status).toBe(3);
    expect(run.stderr).toBe(
      `error: ${join(data, 'AAA.csv')}:1: missing columns "date" (or "datetime", "timestamp", "time"), "open", ` +
        `"high", "low", "close", "volume" (header found: ${'n'.repeat(43)}…(19,999,878 characters left out)…` +
        `${'n'.repeat(79)})\n`,
    );
  });

  it('prints its version', () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const run = runCli(['--version']);
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: `${version}\n` });
  });

  it('prints command-line mistakes as one line pointing at the help', () => {
    const run = runCli(['backtest', '--bogus']);
    expect({ status: run.status, stderr: run.stderr }).toEqual(
      refused("unknown option '--bogus' (see ets backtest --help)"),
    );
  });
});
