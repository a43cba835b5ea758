import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderSide, OrderType } from '../../src/domain/order.js';
import {
  advanceStretch,
  createStretchHit,
  evaluateStretch,
  intrabarPath,
  mayActWithin,
  narrowQuietBand,
  ratchetTrailWithin,
  roundToTickAdverse,
  slippedPrice,
  startTrail,
  termsOf,
  tickSize,
  type OrderTerms,
  type QuietBand,
  type TriggerState,
} from '../../src/execution/fill-model.js';
import { bar, buy as buyOrder, sell as sellOrder } from './builders.js';

const buy = (...args: Parameters<typeof buyOrder>) => termsOf(buyOrder(...args));
const sell = (...args: Parameters<typeof sellOrder>) => termsOf(sellOrder(...args));

function freshState(): TriggerState {
  return { triggered: false, trailBest: Number.NaN, trailStop: Number.NaN };
}

describe('intrabarPath', () => {
  it('goes open, low, high, close on an up bar (close >= open)', () => {
    expect(intrabarPath(bar(10, 12, 9, 11))).toEqual([10, 9, 12, 11]);
    expect(intrabarPath(bar(10, 12, 9, 10))).toEqual([10, 9, 12, 10]);
  });

  it('goes open, high, low, close on a down bar', () => {
    expect(intrabarPath(bar(10, 12, 9, 9.5))).toEqual([10, 12, 9, 9.5]);
  });
});

describe('tick rounding and slippage', () => {
  it('uses cents at or above USD 1 and 0.0001 below', () => {
    expect(tickSize(1)).toBe(0.01);
    expect(tickSize(0.9999)).toBe(0.0001);
  });

  it('rounds buys up and sells down, leaving prices on the tick unchanged', () => {
    expect(roundToTickAdverse(10.001, OrderSide.Buy)).toBe(10.01);
    expect(roundToTickAdverse(10.009, OrderSide.Sell)).toBe(10);
    expect(roundToTickAdverse(10.01, OrderSide.Buy)).toBe(10.01);
    expect(roundToTickAdverse(10.01, OrderSide.Sell)).toBe(10.01);
    expect(roundToTickAdverse(0.12345, OrderSide.Buy)).toBe(0.1235);
    expect(roundToTickAdverse(0.12345, OrderSide.Sell)).toBe(0.1234);
  });

  it('slips adversely by basis points, then rounds to the tick', () => {
    // 50.00 × 1.001 = 50.05 exactly on the tick
    expect(slippedPrice(50, OrderSide.Buy, 10)).toBe(50.05);
    // 50.00 × 0.999 = 49.95
    expect(slippedPrice(50, OrderSide.Sell, 10)).toBe(49.95);
    // 33.33 × 1.0005 = 33.346665 → 33.35 (up); × 0.9995 = 33.313335 → 33.31 (down)
    expect(slippedPrice(33.33, OrderSide.Buy, 5)).toBe(33.35);
    expect(slippedPrice(33.33, OrderSide.Sell, 5)).toBe(33.31);
    // sub-dollar: 0.5 × 1.0001 = 0.50005 → 0.5001
    expect(slippedPrice(0.5, OrderSide.Buy, 1)).toBe(0.5001);
  });

  it('returns the raw price with zero slippage', () => {
    expect(slippedPrice(33.333333, OrderSide.Buy, 0)).toBe(33.333333);
  });
});

describe('evaluateStretch', () => {
  const hit = createStretchHit();

  it('fills a market order at the stretch start, with slippage', () => {
    expect(evaluateStretch(buy(1), freshState(), 10, 9, hit)).toBe(true);
    expect(hit).toEqual({ level: 10, price: 10, slips: true });
  });

  it('fills a buy limit at the start when marketable, else at the limit when the price falls to it', () => {
    const o = buy(1, { type: OrderType.Limit, limitPrice: 9.5 });
    expect(evaluateStretch(o, freshState(), 9.2, 9, hit)).toBe(true);
    expect(hit).toEqual({ level: 9.2, price: 9.2, slips: false });
    expect(evaluateStretch(o, freshState(), 10, 9, hit)).toBe(true);
    expect(hit).toEqual({ level: 9.5, price: 9.5, slips: false });
    expect(evaluateStretch(o, freshState(), 10, 9.6, hit)).toBe(false);
    expect(evaluateStretch(o, freshState(), 10, 12, hit)).toBe(false);
  });

  it('mirrors limits for sells', () => {
    const o = sell(1, { type: OrderType.Limit, limitPrice: 11 });
    expect(evaluateStretch(o, freshState(), 10, 12, hit)).toBe(true);
    expect(hit).toEqual({ level: 11, price: 11, slips: false });
    expect(evaluateStretch(o, freshState(), 11.5, 10, hit)).toBe(true);
    expect(hit.price).toBe(11.5);
  });

  it('triggers stops at the stop, or at the start when already beyond it', () => {
    const buyStop = buy(1, { type: OrderType.Stop, stopPrice: 11 });
    expect(evaluateStretch(buyStop, freshState(), 10, 12, hit)).toBe(true);
    expect(hit).toEqual({ level: 11, price: 11, slips: true });
    expect(evaluateStretch(buyStop, freshState(), 11.4, 10, hit)).toBe(true);
    expect(hit.price).toBe(11.4);
    const sellStop = sell(2, { type: OrderType.Stop, stopPrice: 9 });
    expect(evaluateStretch(sellStop, freshState(), 10, 8, hit)).toBe(true);
    expect(hit.price).toBe(9);
    expect(evaluateStretch(sellStop, freshState(), 10, 12, hit)).toBe(false);
  });

  it('turns a touched stop-limit into a limit within the same stretch', () => {
    const o = buy(1, { type: OrderType.StopLimit, stopPrice: 10, limitPrice: 10.5 });
    // rising through the stop: marketable at the trigger
    expect(evaluateStretch(o, freshState(), 9, 11, hit)).toBe(true);
    expect(hit).toEqual({ level: 10, price: 10, slips: false });
    // opened above the limit, then fell back to it
    expect(evaluateStretch(o, freshState(), 11, 9, hit)).toBe(true);
    expect(hit).toEqual({ level: 10.5, price: 10.5, slips: false });
    // opened above the limit and kept rising: triggered, not filled
    const state = freshState();
    expect(evaluateStretch(o, state, 11, 12, hit)).toBe(false);
    advanceStretch(o, state, 11, 12);
    expect(state.triggered).toBe(true);
    expect(evaluateStretch(o, state, 12, 10.4, hit)).toBe(true);
    expect(hit).toEqual({ level: 10.5, price: 10.5, slips: false });
  });

  it('ratchets a sell trailing stop up with new highs and never down', () => {
    const o = sell(1, { type: OrderType.TrailingStop, trailAmount: 1 });
    const state = freshState();
    startTrail(o, state, 10);
    expect(state.trailStop).toBe(9);
    advanceStretch(o, state, 10, 12);
    expect(state).toEqual({ triggered: false, trailBest: 12, trailStop: 11 });
    advanceStretch(o, state, 12, 11.5);
    expect(state.trailStop).toBe(11);
    expect(evaluateStretch(o, state, 11.5, 10, hit)).toBe(true);
    expect(hit).toEqual({ level: 11, price: 11, slips: true });
  });

  it('moves a trailing stop with a gap at the stretch start', () => {
    const o = sell(1, { type: OrderType.TrailingStop, trailAmount: 1 });
    const state = freshState();
    startTrail(o, state, 10);
    // gap up to 13, then down to 11.5: the stop is 12 from the gap's high
    expect(evaluateStretch(o, state, 13, 11.5, hit)).toBe(true);
    expect(hit.level).toBe(12);
  });

  it('trails buys below the low by a percentage', () => {
    const o = buy(1, { type: OrderType.TrailingStop, trailPercent: 10 });
    const state = freshState();
    startTrail(o, state, 50);
    expect(state.trailStop).toBeCloseTo(55, 12);
    advanceStretch(o, state, 50, 40);
    expect(state.trailBest).toBe(40);
    expect(state.trailStop).toBeCloseTo(44, 12);
    expect(evaluateStretch(o, state, 40, 45, hit)).toBe(true);
    expect(hit.level).toBeCloseTo(44, 12);
  });

  it('keeps an initial trailing stopPrice until the price makes a new best', () => {
    const o = sell(1, { type: OrderType.TrailingStop, trailAmount: 2, stopPrice: 9.5 });
    const state = freshState();
    startTrail(o, state, 10);
    expect(state.trailStop).toBe(9.5);
    advanceStretch(o, state, 10, 10);
    expect(state.trailStop).toBe(9.5);
    advanceStretch(o, state, 10, 12);
    expect(state.trailStop).toBe(10);
  });
});

describe('bar-level shortcuts agree with the path replay', () => {
  const cents = fc.integer({ min: 4400, max: 5600 }).map((c) => c / 100);
  const termsArb = fc
    .record({
      buy: fc.boolean(),
      type: fc.constantFrom(...Object.values(OrderType)),
      limitPrice: cents,
      stopPrice: cents,
      trailAmount: fc.integer({ min: 1, max: 500 }).map((c) => c / 100),
      trailPercent: fc.integer({ min: 1, max: 20 }),
      byPercent: fc.boolean(),
    })
    .map((t): OrderTerms => ({
      type: t.type,
      buy: t.buy,
      limitPrice: t.limitPrice,
      stopPrice: t.stopPrice,
      trailAmount: t.byPercent ? Number.NaN : t.trailAmount,
      trailPercent: t.byPercent ? t.trailPercent : Number.NaN,
    }));
  // Bars near 50, narrow enough to fall between an order's levels often.
  const near = fc.integer({ min: -400, max: 400 }).map((c) => 50 + c / 100);
  const barArb = fc.tuple(near, near, near, near).map(([a, b, c, d]) => {
    const [low, x, y, high] = [a, b, c, d].sort((p, q) => p - q) as [number, number, number, number];
    return bar(x, high, low, y);
  });

  /** Replays the whole bar without executing; reports whether anything would have executed. */
  function replay(terms: OrderTerms, state: TriggerState, path: readonly number[]): boolean {
    const hit = createStretchHit();
    let executes = false;
    for (let i = 1; i < path.length; i++) {
      if (evaluateStretch(terms, state, path[i - 1]!, path[i]!, hit)) executes = true;
      advanceStretch(terms, state, path[i - 1]!, path[i]!);
    }
    return executes;
  }

  it('leaves an order quiet when mayActWithin says so, with the same trailing ratchet', () => {
    fc.assert(
      fc.property(termsArb, fc.boolean(), near, barArb, barArb, (terms, triggered, start, first, b) => {
        const state = freshState();
        state.triggered = triggered && terms.type !== OrderType.Market && terms.type !== OrderType.Limit;
        if (terms.type === OrderType.TrailingStop) {
          startTrail(terms, state, start);
          replay(terms, state, intrabarPath(first));
          if (state.triggered) return;
        }
        const path = intrabarPath(b);
        if (mayActWithin(terms, state, b.low, b.high)) return;
        const replayed = { ...state };
        expect(replay(terms, replayed, path)).toBe(false);
        expect(replayed.triggered).toBe(state.triggered);
        ratchetTrailWithin(terms, state, b.low, b.high);
        expect(state).toEqual(replayed);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves an order untouched in a bar inside its quiet band', () => {
    fc.assert(
      fc.property(termsArb, fc.boolean(), near, barArb, (terms, triggered, start, b) => {
        const state = freshState();
        state.triggered = triggered;
        if (terms.type === OrderType.TrailingStop) startTrail(terms, state, start);
        const band: QuietBand = { below: Number.NEGATIVE_INFINITY, above: Number.POSITIVE_INFINITY };
        narrowQuietBand(terms, state, band);
        if (!(b.low > band.below && b.high < band.above)) return;
        const replayed = { ...state };
        expect(replay(terms, replayed, intrabarPath(b))).toBe(false);
        expect(replayed).toEqual(state);
      }),
      { numRuns: 2000 },
    );
  });
});
