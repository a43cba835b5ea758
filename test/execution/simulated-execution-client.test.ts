import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { SimClock } from '../../src/core/clock.js';
import type { EngineEvent, OrderEvent } from '../../src/domain/events.js';
import { OrderType, type OrderRequest } from '../../src/domain/order.js';
import { createCommissionModel } from '../../src/execution/commission-model.js';
import { OrderBook } from '../../src/execution/order-book.js';
import { SimulatedExecutionClient } from '../../src/execution/simulated-execution-client.js';
import { bar, buy, sell, T0 } from './builders.js';

function setup(options: { slippageBps?: number; execIdPrefix?: string; book?: OrderBook } = {}) {
  const events: EngineEvent[] = [];
  const clock = new SimClock(T0);
  const client = new SimulatedExecutionClient({
    sink: (e) => events.push(e),
    clock,
    book: options.book ?? { slippageBps: options.slippageBps ?? 0 },
    commission: createCommissionModel('ib-fixed', configSchema.parse({}).commission_rates),
    ...(options.execIdPrefix === undefined ? {} : { execIdPrefix: options.execIdPrefix }),
  });
  return { events, clock, client };
}

function placeEvent(order: OrderRequest, children: OrderRequest[] = []): OrderEvent {
  return { type: 'order', time: T0, order, children };
}

const entry = buy(1, { strategyId: 'sma' });
const stopLoss = sell(2, { type: OrderType.Stop, stopPrice: 95, parentId: 1, purpose: 'stop_loss', strategyId: 'sma' });
const takeProfit = sell(3, {
  type: OrderType.Limit,
  limitPrice: 110,
  parentId: 1,
  purpose: 'take_profit',
  strategyId: 'sma',
});

describe('SimulatedExecutionClient', () => {
  it('accepts a bracket, fills it bar by bar and reports fills and cancellations', () => {
    const { events, client } = setup();
    client.place(placeEvent(entry, [stopLoss, takeProfit]));
    expect(events).toEqual([
      { type: 'order_accepted', time: T0, order: entry },
      { type: 'order_accepted', time: T0, order: stopLoss },
      { type: 'order_accepted', time: T0, order: takeProfit },
    ]);
    events.length = 0;
    const day1 = bar(100, 105, 96, 104);
    client.processBar(day1);
    expect(events).toEqual([
      {
        type: 'fill',
        time: day1.time,
        fill: {
          orderId: 1,
          execId: 'sim-1',
          symbol: 'SYM',
          side: 'BUY',
          quantity: 100,
          price: 100,
          commission: 1,
          time: day1.time,
          purpose: 'entry',
          strategyId: 'sma',
        },
      },
    ]);
    events.length = 0;
    const day2 = bar(104, 111, 103, 110, { day: 2 });
    client.processBar(day2);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      type: 'fill',
      fill: { orderId: 3, execId: 'sim-2', side: 'SELL', price: 110, purpose: 'take_profit', time: day2.time },
    });
    // 100 × 0.005 → 1.00 minimum, plus SEC 0.0000278 × 11,000 and TAF 0.000166 × 100
    expect(events[0]?.type === 'fill' && events[0].fill.commission).toBeCloseTo(1 + 0.3058 + 0.0166, 12);
    expect(events[1]).toEqual({
      type: 'order_cancelled',
      time: day2.time,
      orderId: 2,
      symbol: 'SYM',
      reason: 'oca',
      remaining: 100,
    });
    expect(client.book.workingCount()).toBe(0);
  });

  it('leaves out strategyId when the order has none and uses the execId prefix', () => {
    const { events, client } = setup({ execIdPrefix: 'run7-' });
    client.place(placeEvent(buy(1)));
    client.processBar(bar(10, 10, 10, 10));
    const fill = events.find((e) => e.type === 'fill');
    expect(fill?.type === 'fill' && fill.fill.execId).toBe('run7-1');
    expect(fill?.type === 'fill' && 'strategyId' in fill.fill).toBe(false);
  });

  it('cancels with the requested reason, cascading to held children', () => {
    const { events, client, clock } = setup();
    client.place(placeEvent(entry, [stopLoss, takeProfit]));
    events.length = 0;
    clock.set(T0 + 1000);
    client.cancel({ type: 'cancel_order', time: T0 + 1000, orderId: 1, reason: 'signal reversed' });
    expect(events.map((e) => (e.type === 'order_cancelled' ? [e.orderId, e.reason, e.time] : e.type))).toEqual([
      [1, 'signal reversed', T0 + 1000],
      [2, 'parent_cancelled', T0 + 1000],
      [3, 'parent_cancelled', T0 + 1000],
    ]);
    events.length = 0;
    client.cancel({ type: 'cancel_order', time: T0, orderId: 1, reason: 'again' });
    expect(events).toHaveLength(0);
  });

  it('expires DAY orders', () => {
    const { events, client } = setup();
    client.place(placeEvent(buy(1, { type: OrderType.Limit, limitPrice: 1, tif: 'DAY' })));
    client.processBar(bar(10, 10, 10, 10));
    events.length = 0;
    client.expireDayOrders(T0 + 5);
    expect(events).toEqual([
      { type: 'order_cancelled', time: T0 + 5, orderId: 1, symbol: 'SYM', reason: 'expired', remaining: 100 },
    ]);
  });

  it('works on a shared book', () => {
    const book = new OrderBook({ slippageBps: 0 });
    const { client } = setup({ book });
    expect(client.book).toBe(book);
    client.place(placeEvent(buy(1)));
    expect(book.workingCount()).toBe(1);
  });

  it('applies the book slippage', () => {
    const { events, client } = setup({ slippageBps: 10 });
    client.place(placeEvent(buy(1)));
    client.processBar(bar(50, 51, 49, 50));
    const fill = events.find((e) => e.type === 'fill');
    expect(fill?.type === 'fill' && fill.fill.price).toBe(50.05);
  });
});

describe('SimulatedExecutionClient: validation', () => {
  const cases: [string, OrderEvent, string][] = [
    [
      'zero quantity',
      placeEvent(buy(1, { quantity: 0 })),
      'order 1: quantity must be a whole number of shares > 0, not 0',
    ],
    [
      'fractional quantity',
      placeEvent(buy(1, { quantity: 1.5 })),
      'order 1: quantity must be a whole number of shares > 0, not 1.5',
    ],
    ['limit without price', placeEvent(buy(1, { type: OrderType.Limit })), 'order 1: LMT needs a positive limitPrice'],
    ['stop without price', placeEvent(sell(1, { type: OrderType.Stop })), 'order 1: STP needs a positive stopPrice'],
    [
      'stop-limit without limit',
      placeEvent(buy(1, { type: OrderType.StopLimit, stopPrice: 5 })),
      'order 1: STP LMT needs a positive stopPrice and a positive limitPrice',
    ],
    [
      'trail with both distances',
      placeEvent(sell(1, { type: OrderType.TrailingStop, trailAmount: 1, trailPercent: 2 })),
      'order 1: TRAIL needs exactly one of trailAmount and trailPercent',
    ],
    [
      'trail with no distance',
      placeEvent(sell(1, { type: OrderType.TrailingStop })),
      'order 1: TRAIL needs exactly one of trailAmount and trailPercent',
    ],
    [
      'trail percent of 100',
      placeEvent(sell(1, { type: OrderType.TrailingStop, trailPercent: 100 })),
      'order 1: TRAIL needs a trailPercent above 0 and below 100',
    ],
    [
      'child of another parent',
      placeEvent(buy(1), [sell(2, { parentId: 9 })]),
      'order 2: a bracket child must have parentId 1, not 9',
    ],
    [
      'child without parent',
      placeEvent(buy(1), [sell(2)]),
      'order 2: a bracket child must have parentId 1, not undefined',
    ],
    [
      'child on another symbol',
      placeEvent(buy(1), [sell(2, { parentId: 1, symbol: 'OTHER' })]),
      "order 2: must trade its parent's symbol SYM",
    ],
    [
      'a child that is its own parent',
      placeEvent(buy(1), [sell(1, { parentId: 1 })]),
      'order 1: an order cannot be its own parent',
    ],
    [
      'duplicate ids in one bracket',
      placeEvent(buy(1), [sell(2, { parentId: 1 }), sell(2, { parentId: 1 })]),
      'order 2: id was already used',
    ],
    ['parent not working', placeEvent(sell(5, { parentId: 4 })), 'order 5: parent 4 is not working'],
  ];

  it.each(cases)('fails every order of the event on %s, and nothing works', (_name, event, reason) => {
    const { events, client } = setup();
    client.place(event);
    const ids = [event.order, ...event.children].map((o) => o.id);
    expect(events).toEqual(
      ids.map((orderId) => ({ type: 'order_failed', time: T0, orderId, symbol: expect.any(String) as string, reason })),
    );
    expect(client.book.workingCount()).toBe(0);
  });

  it('refuses an id that was used before', () => {
    const { events, client } = setup();
    client.place(placeEvent(buy(1)));
    client.processBar(bar(10, 10, 10, 10));
    events.length = 0;
    client.place(placeEvent(buy(1)));
    expect(events).toEqual([
      { type: 'order_failed', time: T0, orderId: 1, symbol: 'SYM', reason: 'order 1: id was already used' },
    ]);
  });

  it('refuses an id already in a shared book', () => {
    const book = new OrderBook({ slippageBps: 0 });
    book.add(buy(5, { type: OrderType.Limit, limitPrice: 1 }));
    const { events, client } = setup({ book });
    client.place(placeEvent(buy(5)));
    expect(events).toEqual([
      { type: 'order_failed', time: T0, orderId: 5, symbol: 'SYM', reason: 'order 5: id was already used' },
    ]);
    expect(book.get(5)?.order.type).toBe('LMT');
  });

  it('adds a child to a working parent placed earlier', () => {
    const { events, client } = setup();
    client.place(placeEvent(buy(1, { type: OrderType.Limit, limitPrice: 9 })));
    client.place(placeEvent(sell(2, { type: OrderType.Stop, stopPrice: 8, parentId: 1 })));
    expect(events.map((e) => e.type)).toEqual(['order_accepted', 'order_accepted']);
    expect(client.book.get(2)?.status).toBe('held');
  });
});
