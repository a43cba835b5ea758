import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/domain/bar.js';
import { SignalDirection } from '../../src/domain/signal.js';
import { BaseStrategy, type SymbolData } from '../../src/strategy/base-strategy.js';
import type { StrategyContext } from '../../src/strategy/strategy.js';
import { barsFrom, Positions } from './helpers.js';

/** Shorts after two rising closes: exercises history, position and the short stop. */
class TwoUpShort extends BaseStrategy<{ decisions: number }> {
  constructor(context: StrategyContext) {
    super('two_up_short', context, 3);
  }

  protected readonly decisionWarmUpBars = 3;

  protected createState(): { decisions: number } {
    return { decisions: 0 };
  }

  protected decide(bar: Bar, data: SymbolData<{ decisions: number }>): SignalDirection | null {
    data.state.decisions++;
    const h = data.history;
    if (h.length < 3 || !(h.close(0) > h.close(1) && h.close(1) > h.close(2))) return null;
    return this.position(bar.symbol) === 0 ? SignalDirection.Short : null;
  }
}

describe('BaseStrategy', () => {
  it('creates state on a symbol’s first bar and hands the subclass history and ATR', () => {
    const positions = new Positions();
    const s = new TwoUpShort({ positions, atrPeriod: 2, atrMultiplier: 1.5 });
    const signals = barsFrom('Z', [10, 11, 12]).map((bar) => s.onBar(bar));
    expect(signals.slice(0, 2)).toEqual([null, null]);
    // True ranges: bar 1 max(12 − 10, |12 − 10|, |10 − 10|) = 2, bar 2 likewise 2 → ATR 2; a short's stop is
    // above the price: 12 + 1.5·2.
    expect(signals[2]).toEqual({
      strategyId: 'two_up_short',
      symbol: 'Z',
      direction: 'SHORT',
      price: 12,
      stopPrice: 15,
      atr: 2,
      strength: 1,
    });
    expect(s.symbolData('Z')?.state.decisions).toBe(3);
    expect(s.symbolData('Z')?.atr.value).toBe(2);
    expect(s.stopPrice(SignalDirection.Long, 12, 2)).toBe(9);
    expect(s.stopPrice(SignalDirection.Exit, 12, 2)).toBeNaN();
  });
});
