import { describe, expect, it } from 'vitest';
import { OrderType, type OrderRequest } from '../../src/domain/order.js';
import type { BookEvent } from '../../src/execution/book-event.js';
import { OrderBook } from '../../src/execution/order-book.js';
import { bar, bookWith, buy, sell, summary as summaryOf } from './builders.js';

const summary = (events: readonly BookEvent[]): string[] => summaryOf(events, { remaining: false, time: false });

/** Entry 1 (market buy), stop-loss 2 at 95, take-profit 3 at 110. */
function bracket(entry: OrderRequest = buy(1)): OrderBook {
  return bookWith(
    entry,
    sell(2, { type: OrderType.Stop, stopPrice: 95, parentId: 1, purpose: 'stop_loss' }),
    sell(3, { type: OrderType.Limit, limitPrice: 110, parentId: 1, purpose: 'take_profit' }),
  );
}

describe('OrderBook: brackets', () => {
  it('holds the children until the parent fills, then activates them', () => {
    const book = bracket();
    expect(book.get(2)?.status).toBe('held');
    expect(summary(book.processBar(bar(100, 105, 96, 104)))).toEqual(['fill 1 100@100', 'activated 2', 'activated 3']);
    expect(book.get(2)?.status).toBe('working');
    expect(book.workingCount()).toBe(2);
  });

  it('takes profit and cancels the stop-loss', () => {
    const book = bracket();
    book.processBar(bar(100, 105, 96, 104));
    expect(summary(book.processBar(bar(104, 111, 103, 110, { day: 2 })))).toEqual([
      'fill 3 100@110',
      'cancelled 2 oca',
    ]);
    expect(book.workingCount()).toBe(0);
  });

  it('stops out and cancels the take-profit', () => {
    const book = bracket();
    book.processBar(bar(100, 105, 96, 104));
    expect(summary(book.processBar(bar(97, 98, 90, 91, { day: 2 })))).toEqual(['fill 2 100@95', 'cancelled 3 oca']);
  });

  it('lets the path decide when both children could execute in one bar', () => {
    const up = bracket();
    up.processBar(bar(100, 105, 96, 104));
    // up bar: 100 → 94 → 112: the low comes first
    expect(summary(up.processBar(bar(100, 112, 94, 105, { day: 2 })))).toEqual(['fill 2 100@95', 'cancelled 3 oca']);
    const down = bracket();
    down.processBar(bar(100, 105, 96, 104));
    // down bar: 100 → 112 → 94: the high comes first
    expect(summary(down.processBar(bar(100, 112, 94, 99, { day: 2 })))).toEqual(['fill 3 100@110', 'cancelled 2 oca']);
  });

  it('executes a child later in the bar in which its parent filled at the open', () => {
    const book = bracket();
    // up bar 100 → 93 → 101: entry at the open, stop-loss on the way down
    expect(summary(book.processBar(bar(100, 101, 93, 100.5)))).toEqual([
      'fill 1 100@100',
      'activated 2',
      'activated 3',
      'fill 2 100@95',
      'cancelled 3 oca',
    ]);
  });

  it('activates children at the point of the path where a limit parent filled', () => {
    const book = bracket(buy(1, { type: OrderType.Limit, limitPrice: 98 }));
    // down bar 100 → 101 → 90: the entry fills at 98 and the stop at 95 further down the same stretch
    expect(summary(book.processBar(bar(100, 101, 90, 95)))).toEqual([
      'fill 1 100@98',
      'activated 2',
      'activated 3',
      'fill 2 100@95',
      'cancelled 3 oca',
    ]);
  });

  it('does not let a child execute on the part of the path before its parent filled', () => {
    const book = bracket(buy(1, { type: OrderType.Limit, limitPrice: 98 }));
    // up bar 100 → 97 → 111: the take-profit at 110 fills on the way up, after the entry at 98
    expect(summary(book.processBar(bar(100, 111, 97, 108)))).toEqual([
      'fill 1 100@98',
      'activated 2',
      'activated 3',
      'fill 3 100@110',
      'cancelled 2 oca',
    ]);
    // down bar 100 → 111 → 97: 110 is passed before the entry fills at 98, so the take-profit does not execute
    const other = bracket(buy(1, { type: OrderType.Limit, limitPrice: 98 }));
    expect(summary(other.processBar(bar(100, 111, 97, 99)))).toEqual(['fill 1 100@98', 'activated 2', 'activated 3']);
  });

  it('cancels held children with their parent', () => {
    const book = bracket();
    expect(summary(book.cancel(1, 5))).toEqual([
      'cancelled 1 requested',
      'cancelled 2 parent_cancelled',
      'cancelled 3 parent_cancelled',
    ]);
    expect(book.workingCount()).toBe(0);
    expect(book.cancel(1, 6)).toHaveLength(0);
  });

  it('leaves active children alone when the filled parent is cancelled', () => {
    const book = bracket();
    book.processBar(bar(100, 105, 96, 104));
    expect(book.cancel(1, 5)).toHaveLength(0);
    expect(book.workingCount()).toBe(2);
  });

  it('refuses a child whose parent is not in the book or trades another symbol', () => {
    const book = new OrderBook({ slippageBps: 0 });
    expect(book.add(sell(2, { parentId: 1 }))).toEqual({
      ok: false,
      reason: 'order 2: parent 1 is not in the book (unknown, filled or ended)',
    });
    book.add(buy(1));
    expect(book.add(sell(2, { parentId: 1, symbol: 'OTHER' }))).toMatchObject({ ok: false });
  });
});

describe('OrderBook: one-cancels-other groups', () => {
  it('cancels the rest of the group when one executes', () => {
    const book = bookWith(
      buy(1, { type: OrderType.Limit, limitPrice: 99, ocaGroup: 'g' }),
      buy(2, { type: OrderType.Limit, limitPrice: 98, ocaGroup: 'g' }),
      buy(3, { type: OrderType.Limit, limitPrice: 98.5 }),
    );
    // down bar 100 → 101 → 97: 99 is reached first
    expect(summary(book.processBar(bar(100, 101, 97, 98)))).toEqual([
      'fill 1 100@99',
      'cancelled 2 oca',
      'fill 3 100@98.5',
    ]);
  });

  it('links orders of different symbols', () => {
    const book = bookWith(buy(1, { symbol: 'AAA', ocaGroup: 'either' }), buy(2, { symbol: 'BBB', ocaGroup: 'either' }));
    expect(summary(book.processBar(bar(10, 11, 9, 10, { symbol: 'AAA' })))).toEqual([
      'fill 1 100@10',
      'cancelled 2 oca',
    ]);
    expect(book.processBar(bar(10, 11, 9, 10, { symbol: 'BBB' }))).toHaveLength(0);
    expect(book.workingCount()).toBe(0);
  });

  it('does not cancel the group when a member is cancelled', () => {
    const book = bookWith(
      buy(1, { type: OrderType.Limit, limitPrice: 9, ocaGroup: 'g' }),
      buy(2, { type: OrderType.Limit, limitPrice: 8, ocaGroup: 'g' }),
    );
    expect(summary(book.cancel(1, 0))).toEqual(['cancelled 1 requested']);
    expect(book.workingCount()).toBe(1);
  });
});
