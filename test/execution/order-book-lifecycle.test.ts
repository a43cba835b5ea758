import { describe, expect, it } from 'vitest';
import { OrderType } from '../../src/domain/order.js';
import type { BookEvent } from '../../src/execution/book-event.js';
import { OrderBook } from '../../src/execution/order-book.js';
import { bar, bookWith, buy, sell, summary as summaryOf } from './builders.js';

const summary = (events: readonly BookEvent[]): string[] => summaryOf(events, { remaining: true, time: true });

describe('OrderBook: add', () => {
  it('refuses invalid orders and duplicate ids with a reason', () => {
    const book = new OrderBook({ slippageBps: 0 });
    expect(book.add(buy(1, { type: OrderType.Limit }))).toEqual({
      ok: false,
      reason: 'order 1: LMT needs a positive limitPrice',
    });
    expect(book.add(buy(1))).toEqual({ ok: true });
    expect(book.add(buy(1))).toEqual({ ok: false, reason: 'order 1: id is already in the book' });
  });

  it('rejects bad options', () => {
    expect(() => new OrderBook({ slippageBps: -1 })).toThrow(RangeError);
    expect(() => new OrderBook({ slippageBps: 0, maxParticipation: 0 })).toThrow(RangeError);
    expect(() => new OrderBook({ slippageBps: 0, maxParticipation: 1.5 })).toThrow(RangeError);
  });

  it('lists and counts orders per symbol', () => {
    const book = bookWith(
      buy(2, { symbol: 'B' }),
      buy(1, { symbol: 'A', type: OrderType.Limit, limitPrice: 5 }),
      sell(3, { symbol: 'A', parentId: 1, type: OrderType.Stop, stopPrice: 4 }),
    );
    expect(book.workingCount()).toBe(3);
    expect(book.workingCount('A')).toBe(2);
    expect(book.workingCount('C')).toBe(0);
    expect(book.working().map((v) => v.order.id)).toEqual([1, 2, 3]);
    expect(book.working('A').map((v) => [v.order.id, v.status])).toEqual([
      [1, 'working'],
      [3, 'held'],
    ]);
  });
});

describe('OrderBook: replace', () => {
  it('modifies a working limit in place', () => {
    const book = bookWith(buy(1, { type: OrderType.Limit, limitPrice: 9 }));
    expect(book.processBar(bar(10, 11, 9.5, 10.5))).toHaveLength(0);
    expect(book.replace(buy(1, { type: OrderType.Limit, limitPrice: 9.6, quantity: 50 }))).toEqual({ ok: true });
    expect(summary(book.processBar(bar(10, 11, 9.5, 10.5, { day: 2 })))).toEqual(['fill 1 50@9.6 left 0']);
  });

  it('refuses unknown or finished orders and changes of side, symbol or links', () => {
    const book = new OrderBook({ slippageBps: 0 });
    expect(book.replace(buy(1))).toEqual({ ok: false, reason: 'order 1: not in the book (unknown, filled or ended)' });
    book.add(buy(1, { type: OrderType.Limit, limitPrice: 9 }));
    expect(book.replace(sell(1, { type: OrderType.Limit, limitPrice: 9 }))).toMatchObject({ ok: false });
    expect(book.replace(buy(1, { type: OrderType.Limit, limitPrice: 9, symbol: 'X' }))).toMatchObject({ ok: false });
    expect(book.replace(buy(1, { type: OrderType.Limit, limitPrice: 9, ocaGroup: 'g' }))).toMatchObject({
      ok: false,
    });
    expect(book.replace(buy(1, { type: OrderType.Stop }))).toEqual({
      ok: false,
      reason: 'order 1: STP needs a positive stopPrice',
    });
    book.processBar(bar(8, 8.5, 7.5, 8));
    expect(book.replace(buy(1, { type: OrderType.Limit, limitPrice: 9.5 }))).toMatchObject({ ok: false });
  });

  it('refuses a quantity not above what has filled', () => {
    const book = new OrderBook({ slippageBps: 0, maxParticipation: 0.5 });
    book.add(buy(1, { quantity: 100 }));
    book.processBar(bar(10, 10, 10, 10, { volume: 80 }));
    expect(book.get(1)?.filled).toBe(40);
    expect(book.replace(buy(1, { quantity: 40 }))).toEqual({
      ok: false,
      reason: 'order 1: quantity 40 must exceed the 40 shares filled',
    });
    expect(book.replace(buy(1, { quantity: 60 }))).toEqual({ ok: true });
    expect(summary(book.processBar(bar(10, 10, 10, 10, { volume: 80, day: 2 })))).toEqual(['fill 1 20@10 left 0']);
  });

  it('re-derives a trailing stop from the best price when the trail changes', () => {
    const book = bookWith(sell(1, { type: OrderType.TrailingStop, trailAmount: 1 }));
    book.processBar(bar(20, 22, 19.5, 21.5));
    expect(book.get(1)?.trailStop).toBe(21);
    book.replace(sell(1, { type: OrderType.TrailingStop, trailAmount: 3 }));
    expect(book.get(1)?.trailStop).toBe(19);
  });
});

describe('OrderBook: DAY orders', () => {
  it('expires DAY orders that worked during the session, not ones still waiting for theirs', () => {
    const book = bookWith(
      buy(1, { type: OrderType.Limit, limitPrice: 5, tif: 'DAY' }),
      buy(2, { type: OrderType.Limit, limitPrice: 5, tif: 'GTC' }),
    );
    expect(book.expireDayOrders(100)).toHaveLength(0);
    book.processBar(bar(10, 11, 9, 10));
    book.add(buy(3, { type: OrderType.Limit, limitPrice: 5, tif: 'DAY' }));
    expect(summary(book.expireDayOrders(200))).toEqual(['cancelled 1 expired left 100 at 200']);
    expect(book.working().map((v) => v.order.id)).toEqual([2, 3]);
  });

  it('expires an order made DAY by a replacement, keeps one made GTC, and forgets DAY orders that filled', () => {
    const book = bookWith(buy(1, { type: OrderType.Limit, limitPrice: 5, tif: 'GTC' }), buy(2, { tif: 'DAY' }));
    book.replace(buy(1, { type: OrderType.Limit, limitPrice: 5, tif: 'DAY' }));
    expect(summary(book.processBar(bar(10, 11, 9, 10)))).toEqual(['fill 2 100@10 left 0']);
    expect(summary(book.expireDayOrders(50))).toEqual(['cancelled 1 expired left 100 at 50']);
    expect(book.expireDayOrders(60)).toHaveLength(0);

    book.add(buy(3, { type: OrderType.Limit, limitPrice: 5, tif: 'DAY' }));
    book.add(buy(4, { type: OrderType.Limit, limitPrice: 5, tif: 'DAY' }));
    book.replace(buy(3, { type: OrderType.Limit, limitPrice: 5, tif: 'GTC' }));
    book.processBar(bar(10, 11, 9, 10, { day: 2 }));
    expect(summary(book.expireDayOrders(70))).toEqual(['cancelled 4 expired left 100 at 70']);
    expect(book.working().map((v) => v.order.id)).toEqual([3]);
  });

  it('takes the held children of an expired parent with it', () => {
    const book = bookWith(
      buy(1, { type: OrderType.Limit, limitPrice: 5, tif: 'DAY' }),
      sell(2, { type: OrderType.Stop, stopPrice: 4, parentId: 1 }),
    );
    book.processBar(bar(10, 11, 9, 10));
    expect(summary(book.expireDayOrders(7))).toEqual([
      'cancelled 1 expired left 100 at 7',
      'cancelled 2 parent_cancelled left 100 at 7',
    ]);
  });
});

describe('OrderBook: partial fills', () => {
  it('takes at most the participation share of each bar, the rest working on', () => {
    const book = new OrderBook({ slippageBps: 0, maxParticipation: 0.1 });
    book.add(buy(1, { quantity: 100 }));
    const fills = [1, 2, 3, 4].map((day) =>
      summary(book.processBar(bar(10 + day, 12 + day, 9 + day, 11 + day, { volume: 300, day }))),
    );
    expect(fills).toEqual([
      ['fill 1 30@11 left 70'],
      ['fill 1 30@12 left 40'],
      ['fill 1 30@13 left 10'],
      ['fill 1 10@14 left 0'],
    ]);
    expect(book.workingCount()).toBe(0);
  });

  it('fills at least one share when the bar traded, none when it did not', () => {
    const book = new OrderBook({ slippageBps: 0, maxParticipation: 0.1 });
    book.add(buy(1, { quantity: 3 }));
    expect(book.processBar(bar(10, 10, 10, 10, { volume: 0 }))).toHaveLength(0);
    expect(summary(book.processBar(bar(10, 10, 10, 10, { volume: 5, day: 2 })))).toEqual(['fill 1 1@10 left 2']);
  });

  it('keeps executing a partly filled stop at the next open, as a market order', () => {
    const book = new OrderBook({ slippageBps: 0, maxParticipation: 0.5 });
    book.add(sell(1, { type: OrderType.Stop, stopPrice: 9, quantity: 100 }));
    expect(summary(book.processBar(bar(10, 10, 8, 8.5, { volume: 100 })))).toEqual(['fill 1 50@9 left 50']);
    expect(book.get(1)?.triggered).toBe(true);
    expect(summary(book.processBar(bar(9.5, 10, 9.4, 9.9, { volume: 100, day: 2 })))).toEqual(['fill 1 50@9.5 left 0']);
  });

  it('activates bracket children only once the parent has filled completely', () => {
    const book = new OrderBook({ slippageBps: 0, maxParticipation: 0.5 });
    book.add(buy(1, { quantity: 100 }));
    book.add(sell(2, { type: OrderType.Stop, stopPrice: 5, parentId: 1 }));
    expect(summary(book.processBar(bar(10, 10, 10, 10, { volume: 100 })))).toEqual(['fill 1 50@10 left 50']);
    expect(book.get(2)?.status).toBe('held');
    expect(summary(book.processBar(bar(10, 10, 10, 10, { volume: 100, day: 2 })))).toEqual([
      'fill 1 50@10 left 0',
      'activated 2',
    ]);
  });

  it('reduces the rest of an OCA group by a partial execution, and cancels them at the complete fill', () => {
    const book = new OrderBook({ slippageBps: 0, maxParticipation: 0.3 });
    book.add(buy(1, { quantity: 100, ocaGroup: 'g' }));
    book.add(buy(2, { quantity: 100, ocaGroup: 'g', type: OrderType.Limit, limitPrice: 1 }));
    // A third of another size is reduced in proportion: 50 × 70 / 100 = 35 left.
    book.add(buy(3, { quantity: 50, ocaGroup: 'g', type: OrderType.Limit, limitPrice: 1 }));
    expect(summary(book.processBar(bar(10, 10, 10, 10, { volume: 100 })))).toEqual([
      'fill 1 30@10 left 70',
      'reduced 2 to 70 left 70',
      'reduced 3 to 35 left 35',
    ]);
    expect(summary(book.processBar(bar(10, 10, 10, 10, { volume: 100 })))).toEqual([
      'fill 1 30@10 left 40',
      'reduced 2 to 40 left 40',
      'reduced 3 to 20 left 20',
    ]);
    const last = bar(10, 10, 10, 10, { volume: 1000 });
    expect(summary(book.processBar(last))).toEqual([
      'fill 1 40@10 left 0',
      `cancelled 2 oca left 40 at ${last.time}`,
      `cancelled 3 oca left 20 at ${last.time}`,
    ]);
  });

  it('cancels the rest of an OCA group at a partial execution when its type is cancel (IB type 1)', () => {
    const book = new OrderBook({ slippageBps: 0, maxParticipation: 0.5 });
    book.add(buy(1, { quantity: 100, ocaGroup: 'g', ocaType: 'cancel' }));
    book.add(buy(2, { quantity: 100, ocaGroup: 'g', type: OrderType.Limit, limitPrice: 1 }));
    expect(summary(book.processBar(bar(10, 10, 10, 10, { volume: 100 })))).toEqual([
      'fill 1 50@10 left 50',
      'cancelled 2 oca left 100 at ' + String(bar(10, 10, 10, 10).time),
    ]);
  });
});
