import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderSide, OrderType, type OrderRequest } from '../../src/domain/order.js';
import type { BookEvent } from '../../src/execution/book-event.js';
import { OrderBook } from '../../src/execution/order-book.js';
import { barArb, cents, participationArb } from './bar-arbitraries.js';
import { bar, order } from './builders.js';

const specArb = fc.record({
  side: fc.constantFrom(OrderSide.Buy, OrderSide.Sell),
  // Market orders half of the time: they are what the early fill is about.
  type: fc.oneof(fc.constant(OrderType.Market), fc.constantFrom(...Object.values(OrderType))),
  quantity: fc.integer({ min: 1, max: 400 }),
  price1: cents,
  price2: cents,
  oca: fc.constantFrom(undefined, 'a'),
  /** An entry with a stop-loss and a take-profit child (or a trailing stop child). */
  bracket: fc.constantFrom('none', 'stop', 'trail'),
  before: fc.nat({ max: 5 }),
});

const scenarioArb = fc.record({
  bars: fc.array(barArb, { minLength: 1, maxLength: 6 }),
  specs: fc.array(specArb, { minLength: 1, maxLength: 6 }),
  participation: participationArb,
  slippageBps: fc.constantFrom(0, 1, 5),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function ordersOf(spec: Scenario['specs'][number], id: number): OrderRequest[] {
  const { side, type, quantity, price1: limitPrice, price2: stopPrice } = spec;
  const oca = spec.oca === undefined ? {} : { ocaGroup: `${spec.oca}${spec.before}` };
  const main = order(id, { side, type, quantity, limitPrice, stopPrice, trailAmount: 0.5, ...oca });
  if (spec.bracket === 'none') return [main];
  const exit = spec.side === OrderSide.Buy ? OrderSide.Sell : OrderSide.Buy;
  const [lower, upper] = [Math.min(spec.price1, spec.price2), Math.max(spec.price1, spec.price2)];
  const common = { side: exit, quantity: spec.quantity, parentId: id };
  const stop =
    spec.bracket === 'trail'
      ? order(id + 1, { ...common, type: OrderType.TrailingStop, trailAmount: 0.25, purpose: 'stop_loss' })
      : order(id + 1, { ...common, type: OrderType.Stop, stopPrice: exit === OrderSide.Sell ? lower : upper });
  const limit = exit === OrderSide.Sell ? upper : lower;
  return [main, stop, order(id + 2, { ...common, type: OrderType.Limit, limitPrice: limit, purpose: 'take_profit' })];
}

/** Each bar's events, in a canonical order (which order's event comes first within a bar is not compared). */
function run(s: Scenario, early: boolean): { events: string[][]; early: number } {
  const book = new OrderBook({
    slippageBps: s.slippageBps,
    ...(s.participation === undefined ? {} : { maxParticipation: s.participation }),
  });
  let nextId = 1;
  let earlyFills = 0;
  const steps: string[][] = [];
  s.bars.forEach((b, i) => {
    const current = bar(b.open, b.high, b.low, b.close, { volume: b.volume, day: i + 1 });
    const events: BookEvent[] = [];
    for (const spec of s.specs.filter((x) => x.before % s.bars.length === i)) {
      const orders = ordersOf(spec, nextId);
      nextId += orders.length;
      for (const o of orders) expect(book.add(o)).toEqual({ ok: true });
      if (early) {
        const filled = book.fillMarketAtOpen(orders[0]!.id, current);
        if (filled.some((e) => e.kind === 'fill')) earlyFills++;
        events.push(...filled);
      }
    }
    events.push(...book.processBar(current));
    steps.push(events.map((e) => JSON.stringify({ ...e, order: e.order.id })).sort());
  });
  return { events: steps, early: earlyFills };
}

describe('OrderBook.fillMarketAtOpen', () => {
  it('fills a market order at the open of the next bar exactly as processing that bar would', () => {
    let earlyFills = 0;
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const early = run(s, true);
        earlyFills += early.early;
        expect(early.events).toEqual(run(s, false).events);
      }),
      { numRuns: 500 },
    );
    // The property is not vacuous: many runs had market orders filled early.
    expect(earlyFills).toBeGreaterThan(100);
  });

  it('fills at the slipped open with the children working from there, and leaves what it cannot decide alone', () => {
    const book = new OrderBook({ slippageBps: 10, maxParticipation: 0.5 });
    const next = bar(100, 101, 94, 99, { volume: 400 });
    book.add(order(1, { quantity: 200 }));
    book.add(order(2, { side: OrderSide.Sell, quantity: 200, type: OrderType.Stop, stopPrice: 95, parentId: 1 }));
    book.add(order(3, { side: OrderSide.Sell, quantity: 200, type: OrderType.Limit, limitPrice: 110, parentId: 1 }));
    const brief = (events: readonly BookEvent[]): unknown[] =>
      events.map((e) => (e.kind === 'fill' ? [e.kind, e.order.id, e.quantity, e.price, e.time] : [e.kind, e.order.id]));
    expect(brief(book.fillMarketAtOpen(1, next))).toEqual([
      ['fill', 1, 200, 100.1, next.time],
      ['activated', 2],
      ['activated', 3],
    ]);
    expect(book.fillMarketAtOpen(1, next)).toEqual([]);
    // The stop child works from the open on: the bar's low of 94 reaches its stop of 95 (slipped by 10 bps).
    expect(brief(book.processBar(next))).toEqual([
      ['fill', 2, 200, 94.9, next.time],
      ['cancelled', 3],
    ]);
    // More than the bar's cap (a partial fill), an OCA group, a limit order: left to processBar.
    book.add(order(4, { quantity: 201 }));
    book.add(order(5, { ocaGroup: 'g' }));
    book.add(order(6, { type: OrderType.Limit, limitPrice: 120 }));
    for (const id of [4, 5, 6]) expect(book.fillMarketAtOpen(id, next)).toEqual([]);
    expect(book.workingCount()).toBe(3);
  });
});
