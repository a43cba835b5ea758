import type { Clock } from '../core/clock.js';
import type { Bar } from '../domain/bar.js';
import type { CancelOrderEvent, EventSink, OrderEvent } from '../domain/events.js';
import type { Fill } from '../domain/fill.js';
import type { OrderRequest } from '../domain/order.js';
import type { Mutable } from '../indicators/mutable.js';
import { BookCancelReason, type BookEvent, type OrderBookOptions } from './book-event.js';
import type { CommissionModel } from './commission-model.js';
import type { ExecutionClient } from './execution-client.js';
import { IdRanges } from './id-ranges.js';
import { OrderBook } from './order-book.js';
import { validateOrder } from './order-validation.js';
import { decimalText } from '../domain/decimal-text.js';

export interface SimulatedExecutionClientOptions {
  readonly sink: EventSink;
  readonly clock: Clock;
  /** A book to share, or the options to build a private one. */
  readonly book: OrderBook | OrderBookOptions;
  readonly commission: CommissionModel;
  /** Prefix of execution ids (default `sim-`), e.g. to keep ids of several runs apart in one journal. */
  readonly execIdPrefix?: string;
}

/**
 * The backtest's venue: orders work in an OrderBook that the runner feeds with every bar; accepted orders,
 * fills and cancellations are reported to the sink as a broker would report them.
 */
export class SimulatedExecutionClient implements ExecutionClient {
  readonly book: OrderBook;
  private readonly sink: EventSink;
  private readonly clock: Clock;
  private readonly commission: CommissionModel;
  private readonly execIdPrefix: string;
  /** Every id accepted so far, to refuse its reuse: runs of ids rather than a set that grows with the orders. */
  private readonly usedIds = new IdRanges();
  private execSeq = 0;

  constructor(options: SimulatedExecutionClientOptions) {
    this.book = options.book instanceof OrderBook ? options.book : new OrderBook(options.book);
    this.sink = options.sink;
    this.clock = options.clock;
    this.commission = options.commission;
    this.execIdPrefix = options.execIdPrefix ?? 'sim-';
  }

  /** Places an order and its bracket children, all or nothing: one invalid order fails them all. */
  place(event: OrderEvent): void {
    const time = this.clock.now();
    const problem = this.problemWith(event);
    const children = event.children;
    if (problem !== undefined) {
      this.fail(event.order, time, problem);
      for (const child of children) this.fail(child, time, problem);
      return;
    }
    this.accept(event.order, time);
    for (const child of children) this.accept(child, time);
  }

  /** Cancels a working order (and a bracket parent's held children). An order no longer working is left alone. */
  cancel(event: CancelOrderEvent): void {
    const events = this.book.cancel(event.orderId, this.clock.now());
    this.report(events, event.reason);
  }

  /** Matches the bar's symbol's working orders; call for every bar, after it closed and before strategies see it. */
  processBar(bar: Bar): void {
    const events = this.book.processBar(bar);
    if (events.length > 0) this.report(events, '');
  }

  /** Ends the DAY orders that worked during the session; call after each session's last bar. */
  expireDayOrders(time: number): void {
    const events = this.book.expireDayOrders(time);
    if (events.length > 0) this.report(events, '');
  }

  private fail(order: OrderRequest, time: number, reason: string): void {
    this.sink({ type: 'order_failed', time, orderId: order.id, symbol: order.symbol, reason });
  }

  private accept(order: OrderRequest, time: number): void {
    const added = this.book.add(order);
    // problemWith() has checked everything the book checks; a refusal here is a broken invariant.
    if (!added.ok) throw new Error(`order book refused a validated order: ${added.reason}`);
    this.usedIds.add(order.id);
    this.sink({ type: 'order_accepted', time, order });
  }

  /** The first problem of the order and its children, in their order; checked without allocating (hot path). */
  private problemWith(event: OrderEvent): string | undefined {
    const parent = event.order;
    const children = event.children;
    for (let k = -1; k < children.length; k++) {
      const order = k < 0 ? parent : children[k]!;
      const invalid = validateOrder(order);
      if (invalid !== undefined) return invalid;
      if (this.usedIds.has(order.id) || this.repeatsEarlierId(event, k) || this.book.get(order.id) !== undefined) {
        return `order ${order.id}: id was already used`;
      }
    }
    if (parent.parentId !== undefined) {
      const existing = this.book.get(parent.parentId);
      if (existing === undefined) return `order ${parent.id}: parent ${parent.parentId} is not working`;
      if (existing.order.symbol !== parent.symbol) return `order ${parent.id}: must trade its parent's symbol`;
    }
    for (const child of children) {
      if (child.parentId !== parent.id) {
        return `order ${child.id}: a bracket child must have parentId ${parent.id}, not ${String(child.parentId)}`;
      }
      if (child.symbol !== parent.symbol) return `order ${child.id}: must trade its parent's symbol ${parent.symbol}`;
    }
    return undefined;
  }

  /** Whether child k (−1: the parent) has the id of the parent or of a child before it. */
  private repeatsEarlierId(event: OrderEvent, k: number): boolean {
    if (k < 0) return false;
    const id = event.children[k]!.id;
    if (id === event.order.id) return true;
    for (let j = 0; j < k; j++) if (event.children[j]!.id === id) return true;
    return false;
  }

  private report(events: readonly BookEvent[], requestReason: string): void {
    for (const event of events) {
      switch (event.kind) {
        case 'fill':
          this.sink({
            type: 'fill',
            time: event.time,
            fill: this.fillOf(event.order, event.quantity, event.price, event.time),
          });
          break;
        case 'cancelled':
          this.sink({
            type: 'order_cancelled',
            time: event.time,
            orderId: event.order.id,
            symbol: event.order.symbol,
            reason: event.reason === BookCancelReason.Requested && requestReason !== '' ? requestReason : event.reason,
            remaining: event.remaining,
          });
          break;
        case 'activated':
          // Children were reported accepted when placed; their activation is internal to the venue.
          break;
        case 'reduced':
          this.sink({
            type: 'order_reduced',
            time: event.time,
            orderId: event.order.id,
            symbol: event.order.symbol,
            quantity: event.order.quantity,
            remaining: event.remaining,
          });
          break;
      }
    }
  }

  private fillOf(order: OrderRequest, quantity: number, price: number, time: number): Fill {
    const fill: Mutable<Fill> = {
      orderId: order.id,
      execId: this.execIdPrefix + decimalText(++this.execSeq),
      symbol: order.symbol,
      side: order.side,
      quantity,
      price,
      commission: this.commission.commission(order.side, quantity, price, time, order.id),
      time,
      purpose: order.purpose,
    };
    // Added in place, not by a spread copy: every fill then has one of two hidden classes (with or without the
    // key), so the code reading fills stays monomorphic.
    if (order.strategyId !== undefined) fill.strategyId = order.strategyId;
    return fill;
  }
}
