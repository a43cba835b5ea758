import { describe, expect, it } from 'vitest';
import { RsiMeanReversionStrategy } from '../../src/strategy/rsi-mean-reversion-strategy.js';
import { barsFrom, Positions } from './helpers.js';

describe('RsiMeanReversionStrategy', () => {
  const params = { period: 2, oversold: 30, overbought: 70 };

  it('goes long below oversold when flat and exits above overbought when long', () => {
    const positions = new Positions();
    const s = new RsiMeanReversionStrategy(params, { positions, atrPeriod: 2, atrMultiplier: 3 });
    const bars = barsFrom('A', [10, 9, 8, 9, 12]);
    // RSI(2): bar 2 = 0 (two losses); bar 3: gain 0.5, loss 0.5 → 50; bar 4: gain 1.75, loss 0.25 → 87.5.
    const first = bars.slice(0, 3).map((bar) => s.onBar(bar));
    expect(first.slice(0, 2)).toEqual([null, null]);
    expect(first[2]).toMatchObject({ strategyId: 'rsi_mean_reversion', direction: 'LONG', price: 8 });
    // True ranges 2, 2 (bars 1–2) → ATR 2; stop 8 − 3·2.
    expect(first[2]?.stopPrice).toBe(2);
    positions.set('A', 100);
    expect(s.onBar(bars[3]!)).toBeNull();
    expect(s.onBar(bars[4]!)).toMatchObject({ direction: 'EXIT', price: 12 });
  });

  it('stays out when already long below oversold, and does not exit when flat above overbought', () => {
    const long = new Positions();
    long.set('A', 100);
    const s = new RsiMeanReversionStrategy(params, { positions: long, atrPeriod: 2, atrMultiplier: 3 });
    expect(barsFrom('A', [10, 9, 8]).map((bar) => s.onBar(bar))).toEqual([null, null, null]);
    const flat = new Positions();
    const t = new RsiMeanReversionStrategy(params, { positions: flat, atrPeriod: 2, atrMultiplier: 3 });
    expect(barsFrom('A', [8, 9, 10]).map((bar) => t.onBar(bar))).toEqual([null, null, null]);
  });

  it('uses its thresholds strictly', () => {
    const positions = new Positions();
    // RSI exactly 50 is neither below 50 nor above 50.
    const s = new RsiMeanReversionStrategy(
      { period: 2, oversold: 50, overbought: 50.0001 },
      { positions, atrPeriod: 2, atrMultiplier: 3 },
    );
    expect(barsFrom('A', [10, 11, 10]).map((bar) => s.onBar(bar))).toEqual([null, null, null]);
  });
});
