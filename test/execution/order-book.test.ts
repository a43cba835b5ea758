import { describe, expect, it } from 'vitest';
import { OrderType } from '../../src/domain/order.js';
import { OrderBook } from '../../src/execution/order-book.js';
import { bar, bookWith, buy, sell, summary } from './builders.js';

describe('OrderBook: market and limit orders', () => {
  it('fills a market order at the open of the next bar processed', () => {
    const book = bookWith(buy(1));
    expect(summary(book.processBar(bar(10, 11, 9, 10.5)))).toEqual(['fill 1 100@10 left 0']);
    expect(book.workingCount()).toBe(0);
  });

  it('fills a buy limit at the open when the bar gaps below it, else at the limit', () => {
    const book = bookWith(
      buy(1, { type: OrderType.Limit, limitPrice: 10 }),
      buy(2, { type: OrderType.Limit, limitPrice: 9.5 }),
    );
    expect(summary(book.processBar(bar(9.8, 10.5, 9.2, 10)))).toEqual([
      'fill 1 100@9.8 left 0',
      'fill 2 100@9.5 left 0',
    ]);
  });

  it('does not fill a buy limit above the low, nor a sell limit below the high', () => {
    const book = bookWith(
      buy(1, { type: OrderType.Limit, limitPrice: 8.99 }),
      sell(2, { type: OrderType.Limit, limitPrice: 11.01 }),
    );
    expect(book.processBar(bar(10, 11, 9, 10.5))).toHaveLength(0);
    expect(book.workingCount('SYM')).toBe(2);
  });

  it('fills a sell limit at a gap-up open, else at the limit', () => {
    const book = bookWith(
      sell(1, { type: OrderType.Limit, limitPrice: 10 }),
      sell(2, { type: OrderType.Limit, limitPrice: 10.8 }),
    );
    expect(summary(book.processBar(bar(10.2, 11, 10.1, 10.9)))).toEqual([
      'fill 1 100@10.2 left 0',
      'fill 2 100@10.8 left 0',
    ]);
  });
});

describe('OrderBook: stops', () => {
  it('fills a buy stop at the stop, or at the open on a gap', () => {
    const book = bookWith(
      buy(1, { type: OrderType.Stop, stopPrice: 10.5 }),
      buy(2, { type: OrderType.Stop, stopPrice: 9.9 }),
      buy(3, { type: OrderType.Stop, stopPrice: 11.5 }),
    );
    expect(summary(book.processBar(bar(10, 11, 9.8, 10.9)))).toEqual([
      'fill 2 100@10 left 0',
      'fill 1 100@10.5 left 0',
    ]);
    expect(book.get(3)?.triggered).toBe(false);
  });

  it('fills a sell stop at the stop, or at the open on a gap down', () => {
    const book = bookWith(
      sell(1, { type: OrderType.Stop, stopPrice: 9.5 }),
      sell(2, { type: OrderType.Stop, stopPrice: 10 }),
    );
    // down bar: 9.8 → 10.2 → 9 → 9.1; order 2 gapped at the open, order 1 hit on the way down
    expect(summary(book.processBar(bar(9.8, 10.2, 9, 9.1)))).toEqual([
      'fill 2 100@9.8 left 0',
      'fill 1 100@9.5 left 0',
    ]);
  });

  it('rests a stop-limit that triggered above its limit, then fills it as a limit', () => {
    const book = bookWith(buy(1, { type: OrderType.StopLimit, stopPrice: 10, limitPrice: 10.2 }));
    // up bar 10.5 → 10.3 → 11 → 10.8: triggered at the open, never back to 10.2
    expect(book.processBar(bar(10.5, 11, 10.3, 10.8))).toHaveLength(0);
    expect(book.get(1)).toMatchObject({ triggered: true, remaining: 100 });
    // next bar 10.4 → 10.1: the resting limit fills at 10.2 (the stop no longer matters)
    expect(summary(book.processBar(bar(10.4, 10.6, 10.1, 10.5, { day: 2 })))).toEqual(['fill 1 100@10.2 left 0']);
  });

  it('fills a stop-limit at its trigger when the limit allows', () => {
    const book = bookWith(sell(1, { type: OrderType.StopLimit, stopPrice: 9.5, limitPrice: 9.4 }));
    expect(summary(book.processBar(bar(10, 10.1, 9, 9.2)))).toEqual(['fill 1 100@9.5 left 0']);
  });

  it('does not fill a stop-limit that never triggers', () => {
    const book = bookWith(buy(1, { type: OrderType.StopLimit, stopPrice: 12, limitPrice: 12.5 }));
    expect(book.processBar(bar(10, 11.99, 9, 11))).toHaveLength(0);
    expect(book.get(1)?.triggered).toBe(false);
  });
});

describe('OrderBook: trailing stops', () => {
  it('trails a sell stop below the highest high by an amount', () => {
    const book = bookWith(sell(1, { type: OrderType.TrailingStop, trailAmount: 2 }));
    // up bar 100 → 99 → 105 → 104: the stop starts at 98 and ends at 103
    expect(book.processBar(bar(100, 105, 99, 104))).toHaveLength(0);
    expect(book.get(1)?.trailStop).toBe(103);
    // down bar 104 → 104.5 → 101: 104.5 is no new high, the stop stays at 103 and is hit on the way down
    expect(summary(book.processBar(bar(104, 104.5, 101, 102, { day: 2 })))).toEqual(['fill 1 100@103 left 0']);
  });

  it('trails a buy stop above the lowest low by a percentage', () => {
    const book = bookWith(buy(1, { type: OrderType.TrailingStop, trailPercent: 5 }));
    // down bar 100 → 101 → 90 → 92: stop 105, then 94.5 from the low of 90
    expect(book.processBar(bar(100, 101, 90, 92))).toHaveLength(0);
    expect(book.get(1)?.trailStop).toBeCloseTo(94.5, 12);
    // up bar 93 → 92.5 → 98: still above the low of 90, so the stop of 94.5 is hit on the way up
    const events = book.processBar(bar(93, 98, 92.5, 97, { day: 2 }));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'fill', quantity: 100 });
    expect(events[0]?.kind === 'fill' && events[0].price).toBeCloseTo(94.5, 12);
  });

  it('follows a new low made by a gap at the open', () => {
    const book = bookWith(buy(1, { type: OrderType.TrailingStop, trailAmount: 1 }));
    book.processBar(bar(20, 20.4, 19.5, 20.2));
    expect(book.get(1)?.trailStop).toBe(20.5);
    // gaps down to 18, up bar 18 → 17.8 → 19.2: stop 18.8 from the new low, hit on the way up
    expect(summary(book.processBar(bar(18, 19.2, 17.8, 19, { day: 2 })))).toEqual(['fill 1 100@18.8 left 0']);
  });

  it('never lowers a sell trailing stop', () => {
    const book = bookWith(sell(1, { type: OrderType.TrailingStop, trailAmount: 1 }));
    book.processBar(bar(50, 52, 49.5, 51.5));
    expect(book.get(1)?.trailStop).toBe(51);
    book.processBar(bar(51.5, 51.6, 51.2, 51.3, { day: 2 }));
    expect(book.get(1)?.trailStop).toBe(51);
  });
});

describe('OrderBook: slippage', () => {
  it('slips market and stop fills adversely to the tick, not limit fills', () => {
    const book = new OrderBook({ slippageBps: 10 });
    book.add(buy(1));
    book.add(sell(2, { type: OrderType.Stop, stopPrice: 48 }));
    book.add(sell(3, { type: OrderType.Limit, limitPrice: 50.5 }));
    // down bar 50 → 51 → 47 → 47.5: limit 3 at 50.5, stop 2 at 48 × 0.999 = 47.952 → 47.95
    expect(summary(book.processBar(bar(50, 51, 47, 47.5)))).toEqual([
      'fill 1 100@50.05 left 0',
      'fill 3 100@50.5 left 0',
      'fill 2 100@47.95 left 0',
    ]);
  });
});

describe('OrderBook: ordering', () => {
  it('orders executions by path position, then by id', () => {
    const book = bookWith(
      sell(5, { type: OrderType.Limit, limitPrice: 10.5 }),
      buy(4, { type: OrderType.Limit, limitPrice: 9.5 }),
      buy(3, { type: OrderType.Limit, limitPrice: 9.5 }),
    );
    // up bar 10 → 9 → 11: the buys at 9.5 come first (id 3 before 4), then the sell at 10.5
    expect(summary(book.processBar(bar(10, 11, 9, 10.8)))).toEqual([
      'fill 3 100@9.5 left 0',
      'fill 4 100@9.5 left 0',
      'fill 5 100@10.5 left 0',
    ]);
  });

  it('returns one shared empty result, without work, for symbols with no working orders', () => {
    const book = bookWith(buy(1, { symbol: 'AAA', type: OrderType.Limit, limitPrice: 1 }));
    const first = book.processBar(bar(10, 11, 9, 10));
    expect(first).toHaveLength(0);
    expect(book.processBar(bar(10, 11, 9, 10, { day: 2 }))).toBe(first);
    expect(new OrderBook({ slippageBps: 0 }).processBar(bar(10, 11, 9, 10))).toBe(first);
  });
});
