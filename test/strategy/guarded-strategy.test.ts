import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/domain/bar.js';
import { StrategyRuntimeError } from '../../src/strategy/guarded-strategy.js';
import { loadStrategyFactory } from '../../src/strategy/load-strategy.js';
import type { Strategy } from '../../src/strategy/strategy.js';
import { useTempDir } from '../data/temp-dir.js';
import { barsFrom, Positions } from './helpers.js';

const context = { positions: new Positions(), atrPeriod: 2, atrMultiplier: 2 };

/** A module whose strategy's onBar is `body` (JavaScript, `bar` in scope), with `setup` before the definition. */
function moduleText(body: string, setup = ''): string {
  return `import { defineStrategy } from 'equity-trading-system';
${setup}
export default defineStrategy({
  name: 'tricky', description: '', params: {},
  create: () => ({ id: 'tricky', warmUpBars: 0, onBar: (bar) => { ${body} } }),
});
`;
}

/** What each module's onBar does that reading it, or describing what it threw, would once let escape the guard. */
const ESCAPES = [
  [
    'returns a signal whose getter throws',
    `return { get direction() { throw new Error('getter boom'); }, symbol: bar.symbol };`,
    'Error: getter boom',
  ],
  [
    'returns a Proxy whose traps throw',
    `return new Proxy({}, { get() { throw new TypeError('trap boom'); } });`,
    'TypeError: trap boom',
  ],
  ['throws an object without a string form', 'throw Object.create(null);', 'threw an object that cannot be shown'],
  [
    'throws an error whose message getter throws',
    `const e = new Error('x'); Object.defineProperty(e, 'message', { get() { throw e; } }); throw e;`,
    'threw an object that cannot be shown',
  ],
  [
    'throws a revoked Proxy',
    'const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); throw proxy;',
    'threw an object that cannot be shown',
  ],
] as const;

describe('GuardedStrategy', () => {
  const temp = useTempDir();

  async function strategyOf(text: string, onStrategyError?: (error: StrategyRuntimeError) => void): Promise<Strategy> {
    const factory = await loadStrategyFactory(temp.write('tricky.mjs', text));
    return factory.create({}, onStrategyError === undefined ? context : { ...context, onStrategyError });
  }

  it.each(ESCAPES)(
    'reports a module that %s as a failure on the bar, or halts its entries for a handler',
    async (_what, body, reason) => {
      const file = temp.write('tricky.mjs', moduleText(body));
      const bar = barsFrom('ZZ', [10])[0]!;
      let thrown: unknown;
      try {
        (await strategyOf(moduleText(body))).onBar(bar);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(StrategyRuntimeError);
      expect((thrown as Error).message).toBe(`strategy tricky (${file}) failed on the ZZ bar of 2024-01-01: ${reason}`);

      const errors: StrategyRuntimeError[] = [];
      const halting = await strategyOf(moduleText(body), (error) => errors.push(error));
      expect(halting.onBar(bar)).toBeNull();
      expect(errors.map((e) => e.reason)).toEqual([reason]);
    },
  );

  it('reads each field of a signal once, so that what it checked is what the engine gets', async () => {
    // After a failure (close 13) only exits pass. This signal says EXIT when first read and LONG afterwards.
    const setup = `const reads = {}; globalThis.__reads = reads;
function field(name, ...values) {
  return { get() { reads[name] = (reads[name] ?? 0) + 1; return values[Math.min(reads[name], values.length) - 1]; } };
}`;
    const body = `if (bar.close === 13) throw new Error('boom');
for (const key of Object.keys(reads)) delete reads[key];
return Object.defineProperties({}, {
  direction: field('direction', 'EXIT', 'LONG'), symbol: field('symbol', bar.symbol), price: field('price', bar.close),
  stopPrice: field('stopPrice', Number.NaN), atr: field('atr', 1), strength: field('strength', 1),
});`;
    const errors: StrategyRuntimeError[] = [];
    const strategy = await strategyOf(moduleText(body, setup), (error) => errors.push(error));
    const [before, failing, after] = barsFrom('ZZ', [12, 13, 12]).map((bar: Bar) => strategy.onBar(bar));
    expect(failing).toBeNull();
    expect(errors).toHaveLength(1);
    for (const signal of [before, after]) {
      expect(signal).toEqual({
        strategyId: 'tricky',
        symbol: 'ZZ',
        direction: 'EXIT',
        price: 12,
        stopPrice: Number.NaN,
        atr: 1,
        strength: 1,
      });
      // Plain data: no getter of the module's is left to run when the router reads it.
      expect(Object.getOwnPropertyDescriptor(signal, 'direction')).toMatchObject({ value: 'EXIT' });
    }
    expect((globalThis as { __reads?: unknown }).__reads).toEqual({
      direction: 1,
      symbol: 1,
      price: 1,
      stopPrice: 1,
      atr: 1,
      strength: 1,
    });
  });
});
