import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/domain/bar.js';
import type { Signal } from '../../src/domain/signal.js';
import type { Strategy } from '../../src/strategy/strategy.js';
import { StrategySet } from '../../src/strategy/strategy-set.js';
import { barsFrom } from './helpers.js';

/** Records the bars it sees and advises LONG on each. */
function recorder(id: string, warmUpBars: number): Strategy & { seen: string[] } {
  const seen: string[] = [];
  return {
    id,
    warmUpBars,
    seen,
    onBar(bar: Bar): Signal {
      seen.push(bar.symbol);
      return {
        strategyId: id,
        symbol: bar.symbol,
        direction: 'LONG',
        price: bar.close,
        stopPrice: 0,
        atr: 0,
        strength: 1,
      };
    },
  };
}

describe('StrategySet', () => {
  it('sends each bar to the strategy that owns its symbol, and no bar of a symbol nobody owns', () => {
    const a = recorder('a', 5);
    const b = recorder('b', 30);
    const set = new StrategySet([
      { strategy: a, symbols: ['X'] },
      { strategy: b, symbols: ['Y'] },
    ]);
    expect([set.id, set.warmUpBars]).toEqual(['a+b', 30]);
    const signals = [...barsFrom('X', [1, 2]), ...barsFrom('Y', [3]), ...barsFrom('Z', [4])].map((bar) =>
      set.onBar(bar),
    );
    expect(signals.map((s) => s?.strategyId ?? null)).toEqual(['a', 'a', 'b', null]);
    expect([a.seen, b.seen]).toEqual([['X', 'X'], ['Y']]);
    expect(set.owner('Y')).toBe(b);
  });

  it('refuses a symbol owned twice', () => {
    expect(
      () =>
        new StrategySet([
          { strategy: recorder('a', 1), symbols: ['X'] },
          { strategy: recorder('b', 1), symbols: ['X'] },
        ]),
    ).toThrow('X is traded by both a and b');
  });
});
