import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/domain/bar.js';
import { SignalDirection, type Signal } from '../../src/domain/signal.js';
import { SmaCrossoverStrategy } from '../../src/strategy/sma-crossover-strategy.js';
import { barsFrom, Positions } from './helpers.js';

/** Runs bars through a strategy, holding 100 shares from a LONG signal until an EXIT. */
function run(strategy: SmaCrossoverStrategy, positions: Positions, bars: readonly Bar[]): (SignalDirection | null)[] {
  return bars.map((bar) => {
    const signal = strategy.onBar(bar);
    if (signal?.direction === SignalDirection.Long) positions.set(bar.symbol, 100);
    if (signal?.direction === SignalDirection.Exit) positions.set(bar.symbol, 0);
    return signal?.direction ?? null;
  });
}

function strategy(positions: Positions, fast = 1, slow = 2, atrPeriod = 2): SmaCrossoverStrategy {
  return new SmaCrossoverStrategy({ fast, slow }, { positions, atrPeriod, atrMultiplier: 2 });
}

// With fast = 1 and slow = 2, fast − slow = (close − previous close) / 2: its sign is the sign of the change.
describe('SmaCrossoverStrategy', () => {
  it('goes long on a cross up and exits on a cross down, judging against the last non-zero difference', () => {
    const positions = new Positions();
    const directions = run(strategy(positions), positions, barsFrom('A', [10, 9, 9, 11, 11, 12, 8]));
    // Bar 1 seeds the difference (−0.5); bar 2 touches (0) without crossing; bar 3 completes the cross up.
    // Bar 4 touches from above, bar 5 rises again: no cross; bar 6 crosses down.
    expect(directions).toEqual([null, null, null, 'LONG', null, null, 'EXIT']);
  });

  it('does not count touching and leaving on the same side as a cross', () => {
    const positions = new Positions();
    expect(run(strategy(positions), positions, barsFrom('A', [10, 9, 9, 8, 8, 7]))).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('decides only from the bar after both averages exist, seeding with the first difference even if zero', () => {
    const positions = new Positions();
    // Bar 1: difference 0 seeds the last non-zero difference with 0, so bar 2's rise is not a cross up.
    expect(run(strategy(positions), positions, barsFrom('A', [9, 9, 10, 8, 10]))).toEqual([
      null,
      null,
      null,
      null,
      'LONG',
    ]);
    const slow = new Positions();
    // fast 2 / slow 3: the first decision can come at bar index 3 (both averages have a previous value).
    expect(run(strategy(slow, 2, 3), slow, barsFrom('B', [10, 9, 8, 12]))).toEqual([null, null, null, 'LONG']);
  });

  it('advises a long only when flat and an exit only when long', () => {
    const positions = new Positions();
    const s = strategy(positions);
    positions.set('A', 100);
    expect(run(s, positions, barsFrom('A', [10, 9, 11]))).toEqual([null, null, null]);
    const shortHeld = new Positions();
    shortHeld.set('A', -100);
    expect(run(strategy(shortHeld), shortHeld, barsFrom('A', [10, 9, 11, 8]))).toEqual([null, null, null, null]);
  });

  it('builds the signal: close as price, ATR stop below it for a long, strength 1', () => {
    const positions = new Positions();
    const s = strategy(positions);
    const bars = barsFrom('A', [10, 9, 11]);
    // True ranges: bar 1 max(10 − 8, |10 − 10|, |8 − 10|) = 2, bar 2 max(12 − 10, |12 − 9|, |10 − 9|) = 3;
    // ATR(2) at bar 2 is their mean, 2.5.
    const signals = bars.map((bar) => s.onBar(bar));
    expect(signals[2]).toEqual<Signal>({
      strategyId: 'sma_crossover',
      symbol: 'A',
      direction: 'LONG',
      price: 11,
      stopPrice: 11 - 2 * 2.5,
      atr: 2.5,
      strength: 1,
    });
    positions.set('A', 100);
    const exit = s.onBar(barsFrom('A', [7])[0]!);
    expect(exit).toMatchObject({ direction: 'EXIT', price: 7, strength: 1 });
    expect(exit?.stopPrice).toBeNaN();
  });

  it('leaves stop and ATR NaN while the ATR is warming up, and uses the id from the context', () => {
    const positions = new Positions();
    const s = new SmaCrossoverStrategy({ fast: 1, slow: 2 }, { positions, atrPeriod: 50, atrMultiplier: 2, id: 'x1' });
    const signal = barsFrom('A', [10, 9, 11]).map((bar) => s.onBar(bar))[2]!;
    expect(signal.strategyId).toBe('x1');
    expect(signal.direction).toBe('LONG');
    expect(signal.atr).toBeNaN();
    expect(signal.stopPrice).toBeNaN();
  });

  it('keeps separate state per symbol, whatever the interleaving', () => {
    const a = [10, 9, 9, 11, 11, 12, 8];
    const b = [5, 6, 4, 4, 7, 3, 3];
    const alone = (symbol: string, closes: readonly number[]): (string | null)[] => {
      const positions = new Positions();
      return run(strategy(positions), positions, barsFrom(symbol, closes));
    };
    const positions = new Positions();
    const s = strategy(positions);
    const barsA = barsFrom('A', a);
    const barsB = barsFrom('B', b);
    const together = barsA.flatMap((bar, i) => run(s, positions, [bar, barsB[i]!]));
    expect(together.filter((_, i) => i % 2 === 0)).toEqual(alone('A', a));
    expect(together.filter((_, i) => i % 2 === 1)).toEqual(alone('B', b));
    expect(s.symbolData('B')?.history.close()).toBe(3);
    expect(s.symbolData('C')).toBeUndefined();
  });
});
