import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { runCli } from '../support/run-cli.js';
import { REPO_ROOT } from '../support/shared-data.js';

const work = mkdtempSync(join(tmpdir(), 'ets-module-cli-'));
const sample = join(work, 'sample');
const DONCHIAN = join(REPO_ROOT, 'examples', 'strategies', 'donchian-breakout.ts');

/** A config file with quiet logs in the work directory and `extra` YAML appended. */
function config(name: string, extra = ''): string {
  const path = join(work, name);
  writeFileSync(path, `logging:\n  directory: ${join(work, 'logs')}\n  console: false\n${extra}`);
  return path;
}

/** The `strategy` column of orders.csv. */
function orderStrategies(out: string): string[] {
  const [header, ...rows] = readFileSync(join(out, 'orders.csv'), 'utf8').trim().split('\n');
  const column = header!.split(',').indexOf('strategy');
  return [...new Set(rows.map((row) => row.split(',')[column]!))];
}

/** Writes the strategy module `name.mjs`, made by defineStrategy with `create` and `params` (source text). */
function moduleFile(name: string, create: string, params = '{}'): string {
  const file = join(work, `${name}.mjs`);
  writeFileSync(
    file,
    `import { defineStrategy, param } from 'equity-trading-system';\n` +
      `export default defineStrategy({ name: '${name}', description: '', params: ${params}, create: ${create} });\n`,
  );
  return file;
}

beforeAll(() => {
  writeSampleData(sample);
});

describe('ets backtest with a strategy module', () => {
  it('loads a TypeScript file given by path, with --param checked against its declarations', () => {
    const out = join(work, 'by-path');
    const run = runCli(
      [
        'backtest',
        '-c',
        config('path.yaml'),
        '--data-dir',
        sample,
        '--strategy',
        'examples/strategies/donchian-breakout.ts',
      ].concat(['--param', 'entry=30', '--out', out]),
      REPO_ROOT,
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Backtest donchian_breakout (entry=30) on SYNA, SYNB, SYNC, SYND, SYNE, SYNX');
    expect(orderStrategies(out)).toEqual(['donchian_breakout']);
  });

  it('loads strategies.<name>.module under the name of its config key', () => {
    const out = join(work, 'by-config');
    const file = config(
      'module.yaml',
      `backtest:\n  strategy: breakout\nstrategies:\n  breakout:\n    module: ${DONCHIAN}\n    params:\n      entry: 25\n`,
    );
    const run = runCli(['backtest', '-c', file, '--data-dir', sample, '--symbols', 'SYNA,SYNB', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Backtest breakout (entry=25) on SYNA, SYNB');
    expect(orderStrategies(out)).toEqual(['breakout']);
  });

  it('refuses a parameter outside its declared range with exit code 2, naming it', () => {
    const run = runCli(
      [
        'backtest',
        '-c',
        config('bad-param.yaml'),
        '--data-dir',
        sample,
        '--strategy',
        DONCHIAN,
        '--param',
        'entry=1',
      ].concat(['--out', join(work, 'bad-param')]),
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error: --param entry = 1 is invalid: expected a whole number of bars from 2 to 250\n');
    // Set in the file under a config key other than the strategy's own name, the key is named.
    const file = config(
      'bad-key.yaml',
      `backtest:\n  strategy: breakout\nstrategies:\n  breakout:\n    module: ${DONCHIAN}\n    params: { entry: 1 }\n`,
    );
    expect(runCli(['backtest', '-c', file, '--data-dir', sample, '--out', join(work, 'bad-key')])).toMatchObject({
      status: 2,
      stderr: `error: ${file}: strategies.breakout.params.entry = 1 is invalid: expected a whole number of bars from 2 to 250\n`,
    });
  });

  it('names the parameter of a declaration that cannot hold, and --param for a value of the wrong type', () => {
    const range = moduleFile(
      'br',
      '() => null',
      "{ lookback: param.int({ default: 5, min: 10, max: 1, description: '' }) }",
    );
    const plain = moduleFile('pv', '() => null', '{ a: 5 }');
    for (const [file, what] of [
      [range, 'strategy br: parameter lookback: min 10 is above max 1'],
      [
        plain,
        'strategy pv: parameter a: got 5; expected a declaration made by param.int({ … }) or param.number({ … })',
      ],
    ] as const) {
      const run = runCli(['backtest', '-c', config('declared.yaml'), '--data-dir', sample, '--strategy', file]);
      expect([run.status, run.stderr]).toEqual([2, `error: strategy module ${file}: ${what}\n`]);
    }
    // The config key a path stands for is no key anyone wrote: the flag is named instead.
    const run = runCli([
      'backtest',
      '-c',
      config('typed.yaml'),
      '--data-dir',
      sample,
      '--strategy',
      DONCHIAN,
      '--param',
      'entry=abc',
    ]);
    expect([run.status, run.stderr]).toEqual([
      2,
      'error: the command line: invalid configuration: --param entry: got "abc"; expected number\n',
    ]);
  });

  it('names the file of a module whose create() or check() throws or that makes no strategy, with exit code 2', () => {
    for (const [name, create, what] of [
      ['create-throws', "() => { throw new RangeError('no data'); }", 'create() threw RangeError: no data'],
      ['create-null', '() => null', 'create() returned null; expected a strategy (an object with onBar)'],
      ['check-throws', "() => ({ id: 'x', warmUpBars: 0, onBar: () => null })", 'check() threw Error: check boom'],
    ] as const) {
      const check = name === 'check-throws' ? ", check: () => { throw new Error('check boom'); }" : '';
      const params = `{ n: param.int({ default: 1, min: 1, max: 2, step: 1, description: 'n' }) }${check}`;
      const file = moduleFile(name, create, params);
      for (const command of ['backtest', 'optimize']) {
        const run = runCli([command, '-c', config(`${name}.yaml`), '--data-dir', sample, '--strategy', file]);
        expect([run.status, run.stderr]).toEqual([2, `error: strategy module ${file}: ${what}\n`]);
      }
    }
  });

  it('stops at an entry without a price, with its stop beyond the price or off the bar, naming the file and the bar', () => {
    for (const [name, fields, problem] of [
      ['no-price', 'price: Number.NaN, stopPrice: Number.NaN', 'expected a price > 0'],
      [
        'stop-above',
        'price: 10, stopPrice: 11',
        'expected the stopPrice of a LONG below its price (or NaN for none yet)',
      ],
      // A thousandth of the close: sized at it, the entry would have passed the cash check and spent 1,000 times it.
      [
        'off-market',
        'price: bar.close / 1000, stopPrice: bar.close / 1000 * 0.99',
        'expected a price the bar traded at, within its low 159.69 and high 168.26 (close 161.29)',
      ],
    ] as const) {
      const onBar = `(bar) => ({ direction: 'LONG', symbol: bar.symbol, ${fields}, atr: 1, strength: 1 })`;
      const file = moduleFile(name, `() => ({ id: '${name}', warmUpBars: 0, onBar: ${onBar} })`);
      const args = ['--symbols', 'SYNB', '--strategy', file, '--out', join(work, name)];
      const run = runCli(['backtest', '-c', config(`${name}.yaml`), '--data-dir', sample, ...args]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        new RegExp(`^error: strategy ${name} \\(.*\\) failed on the SYNB bar of 2019-01-02: onBar returned .*; `),
      );
      expect(run.stderr).toContain(`; ${problem}\n`);
    }
  });

  it('stops at a signal whose getter throws or a thrown value without a string form, as at any failure on a bar', () => {
    for (const [name, onBar, reason] of [
      [
        'getter',
        "(bar) => ({ get direction() { throw new Error('getter boom'); }, symbol: bar.symbol })",
        'Error: getter boom',
      ],
      ['throws-object', '() => { throw Object.create(null); }', 'threw an object that cannot be shown'],
    ] as const) {
      const file = moduleFile(name, `() => ({ id: '${name}', warmUpBars: 0, onBar: ${onBar} })`);
      const args = ['--symbols', 'SYNB', '--strategy', file, '--out', join(work, name)];
      const run = runCli(['backtest', '-c', config(`${name}.yaml`), '--data-dir', sample, ...args]);
      expect([run.status, run.stderr]).toEqual([
        1,
        `error: strategy ${name} (${file}) failed on the SYNB bar of 2019-01-02: ${reason}\n`,
      ]);
    }
  });

  it('loads a CommonJS module that requires the package', () => {
    const file = join(work, 'common.cjs');
    writeFileSync(
      file,
      `const { defineStrategy } = require('equity-trading-system');
module.exports = defineStrategy({
  name: 'common', description: '', params: {},
  create: () => ({ id: 'common', warmUpBars: 0, onBar: () => null }),
});
`,
    );
    const args = ['--data-dir', sample, '--strategy', file, '--out', join(work, 'common')];
    const run = runCli(['backtest', '-c', config('common.yaml'), ...args]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Backtest common on');
  });

  it('credits its orders to its config key, whatever strategy id its signals carry', () => {
    // Its signals claim to be another strategy's.
    const file = moduleFile(
      'impostor',
      `() => ({
        id: 'sma_crossover', warmUpBars: 0, n: 0,
        onBar(bar) {
          this.n++;
          if (this.n !== 2) return null;
          const { symbol, close } = bar;
          return { direction: 'LONG', symbol, price: close, stopPrice: close * 0.9, atr: close * 0.02, strength: 1, strategyId: 'sma_crossover' };
        },
      })`,
    );
    const out = join(work, 'impostor');
    const yaml = `backtest:\n  strategy: mine\nstrategies:\n  mine:\n    module: ${file}\n`;
    const run = runCli(['backtest', '-c', config('impostor.yaml', yaml), '--data-dir', sample, '--out', out]);
    expect(run.stderr).toBe('');
    expect(orderStrategies(out)).toEqual(['mine']);
  });

  it('names the file of a module that is missing or exports no strategy (exit code 2)', () => {
    const missing = join(work, 'nope.ts');
    const none = join(work, 'none.mjs');
    writeFileSync(none, 'export const x = 1;\n');
    for (const [file, what] of [
      [missing, `not found (${missing})`],
      [none, 'does not export a strategy: expected `export default defineStrategy({ … })` (exports: x)'],
    ] as const) {
      const run = runCli(['backtest', '-c', config('load.yaml'), '--data-dir', sample, '--strategy', file]);
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(`error: strategy module ${file}: ${what}\n`);
    }
  });

  it('stops at a throw during a bar with exit code 1, naming the file and the bar, and writes no results', () => {
    const file = join(work, 'throws.mjs');
    writeFileSync(
      file,
      `import { BaseStrategy, defineStrategy } from 'equity-trading-system';
class Throws extends BaseStrategy {
  decisionWarmUpBars = 1;
  constructor(context) { super('throws', context); }
  createState() { return null; }
  decide(bar, data) { if (data.history.count === 3) throw new RangeError('bad state'); return null; }
}
export default defineStrategy({ name: 'throws', description: '', params: {}, create: (p, c) => new Throws(c) });
`,
    );
    const out = join(work, 'throws');
    const run = runCli([
      'backtest',
      '-c',
      config('throws.yaml'),
      '--data-dir',
      sample,
      '--symbols',
      'SYNB',
      '--strategy',
      file,
      '--out',
      out,
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error: strategy throws (${file}) failed on the SYNB bar of 2019-01-04: RangeError: bad state\n`,
    );
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});
