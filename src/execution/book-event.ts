import type { OrderRequest } from '../domain/order.js';

/** Why the book ended an order without (further) fills. */
export const BookCancelReason = {
  /** Cancelled by its owner. */
  Requested: 'requested',
  /** Another order of its one-cancels-other group executed (bracket children form one group). */
  Oca: 'oca',
  /** Its bracket parent ended before filling completely. */
  ParentCancelled: 'parent_cancelled',
  /** A DAY order at the end of its session. */
  Expired: 'expired',
} as const;
export type BookCancelReason = (typeof BookCancelReason)[keyof typeof BookCancelReason];

/** What happened to working orders, in the order it happened. */
export type BookEvent =
  | {
      readonly kind: 'fill';
      readonly order: OrderRequest;
      readonly quantity: number;
      readonly price: number;
      readonly time: number;
      /** Shares of the order still unfilled after this execution. */
      readonly remaining: number;
    }
  | {
      readonly kind: 'cancelled';
      readonly order: OrderRequest;
      readonly reason: BookCancelReason;
      readonly remaining: number;
      readonly time: number;
    }
  /** A bracket child started working because its parent filled completely. */
  | { readonly kind: 'activated'; readonly order: OrderRequest; readonly time: number }
  /** Another order of its group executed in part (OCA `reduce`): `order` is the order at its new size. */
  | { readonly kind: 'reduced'; readonly order: OrderRequest; readonly remaining: number; readonly time: number };

/** Expected refusals are values: venues map them to their own error codes. */
export type BookResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export const BookOrderStatus = {
  /** Can execute on the next bar of its symbol. */
  Working: 'working',
  /** A bracket child waiting for its parent to fill completely. */
  Held: 'held',
} as const;
export type BookOrderStatus = (typeof BookOrderStatus)[keyof typeof BookOrderStatus];

/** An order in the book as the outside sees it. */
export interface BookOrderView {
  readonly order: OrderRequest;
  readonly status: BookOrderStatus;
  readonly filled: number;
  readonly remaining: number;
  /** STP, STP LMT, TRAIL: the stop has been touched (a partly filled stop keeps executing as a market order). */
  readonly triggered: boolean;
  /** TRAIL: the current stop; NaN until the order has started working. */
  readonly trailStop: number;
}

export interface OrderBookOptions {
  /** Adverse slippage on market orders and triggered stops, in basis points (≥ 0). */
  readonly slippageBps: number;
  /**
   * Largest fraction of a bar's volume one order may take per bar (0 < p ≤ 1); the rest keeps working. Absent:
   * orders fill completely whatever the volume.
   */
  readonly maxParticipation?: number;
}
