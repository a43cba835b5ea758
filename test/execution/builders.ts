import { expect } from 'vitest';
import type { Bar } from '../../src/domain/bar.js';
import { OrderSide, OrderType, type OrderRequest } from '../../src/domain/order.js';
import type { BookEvent } from '../../src/execution/book-event.js';
import { OrderBook } from '../../src/execution/order-book.js';

const DAY_MS = 86_400_000;
/** 2024-01-02 00:00 (project convention: exchange wall time read as UTC). */
export const T0 = Date.UTC(2024, 0, 2);

/** A bar of SYM at day `day` after T0. */
export function bar(
  open: number,
  high: number,
  low: number,
  close: number,
  options: { volume?: number; day?: number; symbol?: string } = {},
): Bar {
  return {
    symbol: options.symbol ?? 'SYM',
    time: T0 + (options.day ?? 1) * DAY_MS,
    open,
    high,
    low,
    close,
    volume: options.volume ?? 1_000_000,
  };
}

type OrderFields = Partial<Omit<OrderRequest, 'id'>>;

export function order(id: number, fields: OrderFields = {}): OrderRequest {
  return {
    id,
    symbol: 'SYM',
    side: OrderSide.Buy,
    quantity: 100,
    type: OrderType.Market,
    tif: 'GTC',
    purpose: 'entry',
    createdAt: T0,
    ...fields,
  };
}

export const buy = (id: number, fields: OrderFields = {}): OrderRequest =>
  order(id, { side: OrderSide.Buy, ...fields });
export const sell = (id: number, fields: OrderFields = {}): OrderRequest =>
  order(id, { side: OrderSide.Sell, purpose: 'exit', ...fields });

/** A book without slippage holding `orders`, each of which it must accept. */
export function bookWith(...orders: OrderRequest[]): OrderBook {
  const book = new OrderBook({ slippageBps: 0 });
  for (const o of orders) expect(book.add(o)).toEqual({ ok: true });
  return book;
}

/**
 * Book events in a compact form for exact comparisons: "fill 1 100@10 left 0", "cancelled 2 oca left 100 at 5",
 * "activated 3", "reduced 2 to 60 left 60"; the shares left and the time of a cancel only when asked for.
 */
export function summary(
  events: readonly BookEvent[],
  show: { readonly remaining: boolean; readonly time: boolean } = { remaining: true, time: false },
): string[] {
  return events.map((e) => {
    switch (e.kind) {
      case 'fill':
        return `fill ${e.order.id} ${e.quantity}@${e.price}${show.remaining ? ` left ${e.remaining}` : ''}`;
      case 'cancelled':
        return (
          `cancelled ${e.order.id} ${e.reason}${show.remaining ? ` left ${e.remaining}` : ''}` +
          (show.time ? ` at ${e.time}` : '')
        );
      case 'activated':
        return `activated ${e.order.id}`;
      case 'reduced':
        return `reduced ${e.order.id} to ${e.order.quantity}${show.remaining ? ` left ${e.remaining}` : ''}`;
    }
  });
}
