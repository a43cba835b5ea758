import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/domain/bar.js';
import { OrderSide, OrderType, oppositeSide, type OrderRequest } from '../../src/domain/order.js';
import type { BookEvent, OrderBookOptions } from '../../src/execution/book-event.js';
import { OrderBook } from '../../src/execution/order-book.js';
import { barArb, cents, participationArb } from './bar-arbitraries.js';
import { bar, order } from './builders.js';

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

const orderSpecArb = fc.record({
  side: fc.constantFrom(OrderSide.Buy, OrderSide.Sell),
  type: fc.constantFrom(...Object.values(OrderType)),
  quantity: fc.integer({ min: 1, max: 400 }),
  price1: cents,
  price2: cents,
  trailAmount: fc.integer({ min: 1, max: 800 }).map((c) => c / 100),
  trailPercent: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
  tif: fc.constantFrom('DAY' as const, 'GTC' as const),
  oca: fc.constantFrom(undefined, 'a', 'b'),
  bracket: fc.boolean(),
  /** Added before this bar (index into the bar list). */
  before: fc.nat({ max: 7 }),
});
type OrderSpec = ValueOf<typeof orderSpecArb>;

const scenarioArb = fc.record({
  bars: fc.array(barArb, { minLength: 1, maxLength: 8 }),
  specs: fc.array(orderSpecArb, { minLength: 1, maxLength: 8 }),
  participation: participationArb,
  expireEvery: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
});
type Scenario = ValueOf<typeof scenarioArb>;

/** The orders a spec places: one order, or a bracket of an entry and two opposite-side children. */
function ordersOf(spec: OrderSpec, nextId: () => number): OrderRequest[] {
  const id = nextId();
  const main = order(id, {
    side: spec.side,
    type: spec.type,
    quantity: spec.quantity,
    limitPrice: spec.price1,
    stopPrice: spec.price2,
    ...(spec.trailPercent === undefined ? { trailAmount: spec.trailAmount } : { trailPercent: spec.trailPercent }),
    tif: spec.tif,
    // Groups are formed by orders placed together: a name is free again once every order of its group ended.
    ...(spec.oca === undefined ? {} : { ocaGroup: `${spec.oca}${spec.before}` }),
  });
  if (!spec.bracket) return [main];
  const exitSide = oppositeSide(spec.side);
  const lower = Math.min(spec.price1, spec.price2);
  const upper = Math.max(spec.price1, spec.price2);
  const buyEntry = spec.side === OrderSide.Buy;
  const common = { side: exitSide, quantity: spec.quantity, parentId: id, tif: 'GTC' as const };
  return [
    main,
    order(nextId(), { ...common, type: OrderType.Stop, stopPrice: buyEntry ? lower : upper, purpose: 'stop_loss' }),
    order(nextId(), { ...common, type: OrderType.Limit, limitPrice: buyEntry ? upper : lower, purpose: 'take_profit' }),
  ];
}

interface Run {
  readonly orders: Map<number, OrderRequest>;
  /** Each bar with the events it produced (expiry events carry the bar they followed). */
  readonly steps: { bar: Bar; events: readonly BookEvent[] }[];
}

function run(scenario: Scenario, options: OrderBookOptions): Run {
  const book = new OrderBook(options);
  const orders = new Map<number, OrderRequest>();
  let id = 0;
  const nextId = () => ++id;
  const steps: Run['steps'] = [];
  scenario.bars.forEach((b, i) => {
    for (const spec of scenario.specs.filter((s) => s.before % scenario.bars.length === i)) {
      for (const o of ordersOf(spec, nextId)) {
        orders.set(o.id, o);
        expect(book.add(o)).toEqual({ ok: true });
      }
    }
    const current = bar(b.open, b.high, b.low, b.close, { volume: b.volume, day: i + 1 });
    const events = [...book.processBar(current)];
    if (scenario.expireEvery !== undefined && (i + 1) % scenario.expireEvery === 0) {
      events.push(...book.expireDayOrders(current.time));
    }
    steps.push({ bar: current, events });
  });
  return { orders, steps };
}

const options = (s: Scenario, slippageBps = 0): OrderBookOptions =>
  s.participation === undefined ? { slippageBps } : { slippageBps, maxParticipation: s.participation };

describe('OrderBook properties', () => {
  it('fills unslipped orders within the bar, limits at or better than the limit, stops at or beyond the stop', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { orders, steps } = run(s, options(s));
        const filled = new Map<number, number>();
        for (const { bar: b, events } of steps) {
          for (const e of events) {
            if (e.kind === 'reduced') {
              // A reduction takes unfilled shares off, never filled ones.
              expect(e.order.quantity).toBeLessThan(orders.get(e.order.id)!.quantity);
              expect(e.remaining).toBe(e.order.quantity - (filled.get(e.order.id) ?? 0));
              expect(e.remaining).toBeGreaterThan(0);
            }
            if (e.kind !== 'fill') continue;
            expect(e.price).toBeGreaterThanOrEqual(b.low);
            expect(e.price).toBeLessThanOrEqual(b.high);
            expect(e.quantity).toBeGreaterThan(0);
            const o = e.order;
            const buy = o.side === OrderSide.Buy;
            if (o.type === OrderType.Limit || o.type === OrderType.StopLimit) {
              if (buy) expect(e.price).toBeLessThanOrEqual(o.limitPrice!);
              else expect(e.price).toBeGreaterThanOrEqual(o.limitPrice!);
            }
            // Without a participation cap a stop executes in full on the bar that touches it; a stop left
            // triggered by a capped bar executes later as a market order, at whatever the next open is.
            if (o.type === OrderType.Stop && s.participation === undefined) {
              if (buy) expect(e.price).toBeGreaterThanOrEqual(o.stopPrice!);
              else expect(e.price).toBeLessThanOrEqual(o.stopPrice!);
            }
            // Against the order's size now: an OCA group's partial execution may have reduced it.
            const total = (filled.get(e.order.id) ?? 0) + e.quantity;
            filled.set(e.order.id, total);
            expect(total).toBeLessThanOrEqual(e.order.quantity);
            expect(e.remaining).toBe(e.order.quantity - total);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never overfills an OCA group, nor executes a child before its parent completed', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { orders, steps } = run(s, options(s));
        // Per group, the share of each order's first size executed: together at most one whole (bracket children,
        // of one size, exactly; other sizes within a share's rounding per order).
        const executed = new Map<string, { share: number; rounding: number }>();
        const completed = new Set<number>();
        const ended = new Set<number>();
        for (const { events } of steps) {
          for (const e of events) {
            expect(ended.has(e.order.id)).toBe(false);
            if (e.kind === 'cancelled') ended.add(e.order.id);
            if (e.kind !== 'fill') continue;
            const o = orders.get(e.order.id)!;
            if (o.parentId !== undefined) expect(completed.has(o.parentId)).toBe(true);
            const group = o.ocaGroup ?? (o.parentId === undefined ? undefined : `bracket ${o.parentId}`);
            if (group !== undefined) {
              const sum = executed.get(group) ?? { share: 0, rounding: 0 };
              sum.share += e.quantity / o.quantity;
              sum.rounding += 1 / o.quantity;
              executed.set(group, sum);
              expect(sum.share).toBeLessThanOrEqual(1 + (o.ocaGroup === undefined ? 1e-9 : sum.rounding));
            }
            if (e.remaining === 0) {
              completed.add(o.id);
              ended.add(o.id);
            }
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('is deterministic, and slippage only moves market-like fill prices adversely onto the tick', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 1, max: 50 }), (s, bps) => {
        const plain = run(s, options(s)).steps.flatMap((st) => st.events);
        expect(run(s, options(s)).steps.flatMap((st) => st.events)).toEqual(plain);
        const slipped = run(s, options(s, bps)).steps.flatMap((st) => st.events);
        expect(slipped.map((e) => [e.kind, e.order.id])).toEqual(plain.map((e) => [e.kind, e.order.id]));
        slipped.forEach((e, i) => {
          const raw = plain[i]!;
          if (e.kind !== 'fill' || raw.kind !== 'fill') return;
          const limitLike = e.order.type === OrderType.Limit || e.order.type === OrderType.StopLimit;
          if (limitLike) {
            expect(e.price).toBe(raw.price);
            return;
          }
          if (e.order.side === OrderSide.Buy) expect(e.price).toBeGreaterThanOrEqual(raw.price);
          else expect(e.price).toBeLessThanOrEqual(raw.price);
          const ticks = e.price * (e.price >= 1 ? 100 : 10_000);
          expect(Math.abs(ticks - Math.round(ticks))).toBeLessThan(1e-6);
        });
      }),
      { numRuns: 200 },
    );
  });
});
