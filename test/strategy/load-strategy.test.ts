import { join } from 'node:path';
import { assert, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import type { Bar } from '../../src/domain/bar.js';
import { isStrategyDefinition } from '../../src/strategy/define-strategy.js';
import { StrategyRuntimeError } from '../../src/strategy/guarded-strategy.js';
import {
  isModulePath,
  loadStrategyFactory,
  StrategyLoadError,
  strategySpec,
} from '../../src/strategy/load-strategy.js';
import { StrategyConfigError } from '../../src/strategy/strategy-config-error.js';
import { useTempDir } from '../data/temp-dir.js';
import { REPO_ROOT } from '../support/shared-data.js';
import { barsFrom, Positions } from './helpers.js';

const EXAMPLES = join(REPO_ROOT, 'examples', 'strategies');
const context = { positions: new Positions(), atrPeriod: 2, atrMultiplier: 2 };

/** A module that goes LONG on every bar and throws on a bar whose close is 13. */
const THROWING = `
import { BaseStrategy, defineStrategy, SignalDirection } from 'equity-trading-system';
class Flaky extends BaseStrategy {
  decisionWarmUpBars = 1;
  constructor(context) { super('flaky', context); }
  createState() { return null; }
  decide(bar) {
    if (bar.close === 13) throw new Error('boom');
    return bar.close >= 14 ? SignalDirection.Exit : SignalDirection.Long;
  }
}
export default defineStrategy({ name: 'flaky', description: 'test', params: {}, create: (p, c) => new Flaky(c) });
`;

async function loadError(path: string): Promise<StrategyLoadError> {
  const error: unknown = await loadStrategyFactory(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StrategyLoadError);
  return error as StrategyLoadError;
}

describe('loadStrategyFactory', () => {
  const temp = useTempDir();

  it('loads a TypeScript module written against the public API, with its declared parameters', async () => {
    const factory = await loadStrategyFactory(join(EXAMPLES, 'donchian-breakout.ts'));
    expect(factory.id).toBe('donchian_breakout');
    expect(factory.source).toBe(join(EXAMPLES, 'donchian-breakout.ts'));
    expect(factory.params.map((p) => [p.name, p.kind, p.default, p.min, p.max, p.step])).toEqual([
      ['entry', 'int', 20, 2, 250, 5],
      ['exit', 'int', 10, 2, 250, 5],
    ]);
    expect(factory.resolveParams({ entry: 3 })).toEqual({ entry: 3, exit: 10 });
    expect(() => factory.resolveParams({ entry: 1 })).toThrow(
      'strategy donchian_breakout: entry = 1 is invalid: expected a whole number of bars from 2 to 250',
    );
    expect(() => factory.resolveParams({ entyr: 3 })).toThrow(StrategyConfigError);
    const strategy = factory.create({ entry: 3, exit: 2 }, context);
    // Closes 10, 11, 12 then 14 > the highest high (12 + 1) of the three bars before it.
    const signals = barsFrom('AAA', [10, 11, 12, 14]).map((bar) => strategy.onBar(bar));
    expect(signals.slice(0, 3)).toEqual([null, null, null]);
    expect(signals[3]).toMatchObject({ strategyId: 'donchian_breakout', symbol: 'AAA', direction: 'LONG', price: 14 });
  });

  it('loads .js and .mjs modules from anywhere, importing the package by name', async () => {
    for (const name of ['flaky.mjs', 'flaky.js']) {
      const file = temp.write(name, THROWING);
      const factory = await loadStrategyFactory(file);
      expect(factory.id).toBe('flaky');
      expect(factory.create({}, context).onBar(barsFrom('A', [10])[0]!)).toMatchObject({ direction: 'LONG' });
    }
  });

  it('names the file for a module that is missing, has the wrong type, does not compile, fails or exports none', async () => {
    const dir = temp.path();
    expect((await loadError(join(dir, 'none.ts'))).message).toBe(
      `strategy module ${join(dir, 'none.ts')}: not found (${join(dir, 'none.ts')})`,
    );
    expect((await loadError(temp.write('s.py', 'x = 1'))).message).toBe(
      `strategy module ${join(dir, 's.py')}: expected a .js, .mjs or .ts file (also .cjs, .mts, .cts)`,
    );
    expect((await loadError(temp.write('bad.ts', 'const x: number = ;\n'))).message).toBe(
      `strategy module ${join(dir, 'bad.ts')}: does not compile: line 1:19: Unexpected ";"`,
    );
    expect((await loadError(temp.write('throws.mjs', "throw new TypeError('no config');\n"))).message).toBe(
      `strategy module ${join(dir, 'throws.mjs')}: failed to load: TypeError: no config`,
    );
    expect((await loadError(temp.write('other.mjs', 'export const answer = 42;\n'))).message).toBe(
      `strategy module ${join(dir, 'other.mjs')}: does not export a strategy: expected \`export default defineStrategy({ … })\` (exports: answer)`,
    );
  });

  it('reports a throw during a bar against the file and the bar, or halts the entries for a handler', async () => {
    const file = temp.write('flaky.mjs', THROWING);
    const factory = await loadStrategyFactory({ name: 'flaky_one', module: file });
    expect(factory.id).toBe('flaky_one');
    const bars: Bar[] = barsFrom('ZZ', [12, 13, 12, 14]);
    const throwing = factory.create({}, context);
    expect(throwing.onBar(bars[0]!)).toMatchObject({ strategyId: 'flaky_one', direction: 'LONG' });
    let thrown: unknown;
    try {
      throwing.onBar(bars[1]!);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StrategyRuntimeError);
    expect((thrown as Error).message).toBe(
      `strategy flaky_one (${file}) failed on the ZZ bar of 2024-01-02: Error: boom`,
    );

    const errors: StrategyRuntimeError[] = [];
    const halting = factory.create({}, { ...context, onStrategyError: (error) => errors.push(error) });
    const directions = bars.map((bar) => halting.onBar(bar)?.direction ?? null);
    // Before the failure it enters; after it, entries are dropped and exits still pass.
    expect(directions).toEqual(['LONG', null, null, 'EXIT']);
    expect(errors.map((e) => [e.strategyId, e.bar.close])).toEqual([['flaky_one', 13]]);
  });

  it("names the file for a module's code that throws or is not what it should be outside a bar", async () => {
    const dir = temp.path();
    const cases = [
      ['load.mjs', 'throw Object.create(null);', 'failed to load: threw an object that cannot be shown'],
      [
        'range.mjs',
        `import { defineStrategy, param } from 'equity-trading-system';
export default defineStrategy({ name: 'br', description: '', create: () => null,
  params: { lookback: param.int({ default: 5, min: 10, max: 1, description: '' }) } });`,
        'strategy br: parameter lookback: min 10 is above max 1',
      ],
      [
        'plain.mjs',
        `import { defineStrategy } from 'equity-trading-system';
export default defineStrategy({ name: 'pv', description: '', params: { a: 5 }, create: () => null });`,
        'strategy pv: parameter a: got 5; expected a declaration made by param.int({ … }) or param.number({ … })',
      ],
      [
        // Marked by hand (or by another copy of the package): checked when loaded all the same.
        'marked.mjs',
        `export default { [Symbol.for('equity-trading-system.strategy-definition')]: true, name: 'marked',
          description: '', params: { a: 5 }, create: () => null };`,
        'strategy marked: parameter a: got 5; expected a declaration made by param.int({ … }) or param.number({ … })',
      ],
      [
        'fake.mjs',
        `export default { [Symbol.for('equity-trading-system.strategy-definition')]: true, name: 'fake',
          description: '', get params() { throw new Error('params boom'); }, create: () => null };`,
        'reading its definition threw Error: params boom',
      ],
    ] as const;
    for (const [name, text, what] of cases) {
      expect((await loadError(temp.write(name, text))).message).toBe(`strategy module ${join(dir, name)}: ${what}`);
    }
    // An export whose reading throws is no definition.
    expect(isStrategyDefinition(new Proxy({}, { get: () => assert.fail('trap') }))).toBe(false);
  });

  it.each([
    [
      'create() throws a value without a string form',
      '() => { throw Object.create(null); }',
      '{}',
      'create() threw an object that cannot be shown',
    ],
    [
      'create() returns an object without a string form',
      '() => Object.create(null)',
      '{}',
      'create() returned {}; expected a strategy (an object with onBar)',
    ],
    [
      'the strategy is a Proxy whose traps throw',
      "() => new Proxy({}, { get() { throw new TypeError('trap'); } })",
      '{}',
      'reading the strategy create() returned threw TypeError: trap',
    ],
    [
      'its warmUpBars getter throws',
      "() => ({ id: 'x', onBar: () => null, get warmUpBars() { throw new Error('no bars'); } })",
      '{}',
      'reading the strategy create() returned threw Error: no bars',
    ],
    [
      'its warmUpBars is no whole number',
      "() => ({ id: 'x', onBar: () => null, warmUpBars: 'many' })",
      '{}',
      'create() returned a strategy whose warmUpBars is "many"; expected a whole number ≥ 0',
    ],
    [
      'check() throws',
      "() => ({ id: 'x', onBar: () => null, warmUpBars: 0 })",
      "{ n: param.int({ default: 1, description: '' }) }, check: () => { throw new Error('check boom'); }",
      'check() threw Error: check boom',
    ],
    [
      'check() returns a problem naming no parameter of the strategy',
      "() => ({ id: 'x', onBar: () => null, warmUpBars: 0 })",
      "{ n: param.int({ default: 1, description: '' }) }, check: () => ({ param: 'm', expected: 'less' })",
      'check() returned {"param":"m","expected":"less"}; expected null or { param, expected } naming one of its ' +
        'parameters (n)',
    ],
  ])('names the file when %s', async (_what, create, params, what) => {
    const file = temp.write(
      'made.mjs',
      `import { defineStrategy, param } from 'equity-trading-system';
export default defineStrategy({ name: 'made', description: '', params: ${params}, create: ${create} });
`,
    );
    const factory = await loadStrategyFactory(file);
    let thrown: unknown;
    try {
      factory.create(factory.resolveParams({}), context);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StrategyLoadError);
    expect((thrown as Error).message).toBe(`strategy module ${file}: ${what}`);
  });

  it('tells paths from names, and finds a configured module under its key', () => {
    expect(['./a.js', 'b.ts', 'dir/c', 'x.mjs'].map(isModulePath)).toEqual([true, true, true, true]);
    expect(['sma_crossover', 'breakout'].map(isModulePath)).toEqual([false, false]);
    const config = validateConfig({ strategies: { breakout: { module: './b.ts' }, sma_crossover: {} } });
    expect(strategySpec(config, 'breakout')).toEqual({ name: 'breakout', module: './b.ts' });
    expect(strategySpec(config, 'sma_crossover')).toEqual({ name: 'sma_crossover', module: null });
    expect(strategySpec(config, './x.ts')).toEqual({ name: './x.ts', module: './x.ts' });
  });

  it('gives the built-in strategies by name and names the known ones for an unknown name', async () => {
    expect((await loadStrategyFactory('sma_crossover')).source).toBe('built-in');
    await expect(loadStrategyFactory('macd')).rejects.toThrow(
      'unknown strategy "macd"; known strategies: sma_crossover, rsi_mean_reversion',
    );
  });
});
