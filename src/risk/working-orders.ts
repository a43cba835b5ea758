import type { EngineEvent } from '../domain/events.js';
import type { OrderPurpose, OrderRequest, OrderSide } from '../domain/order.js';
import { freshIfEmpty } from '../execution/young-map.js';

/** An order the router has sent or the venue reports as working, and what is left of it. */
export interface WorkingOrder {
  /** The order as it was sent. */
  readonly request: OrderRequest;
  readonly id: number;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly purpose: OrderPurpose;
  readonly parentId: number | undefined;
  /** The price an entry was sized at: what its unfilled shares will cost, roughly. NaN for other orders. */
  readonly referencePrice: number;
  remaining: number;
  filled: number;
  accepted: boolean;
  cancelRequested: boolean;
}

/**
 * The orders in flight, kept from the router's own orders and the venue's events, so that the router knows about
 * entries placed but not yet filled (two LONG signals in one bar must not both enter) and which protective orders
 * an exit has to cancel. A handful of orders at a time, so lookups by symbol scan.
 */
export class WorkingOrders {
  private orders = new Map<number, WorkingOrder>();

  /** Registers an order as soon as it is sent, before the venue acknowledges it. */
  add(order: OrderRequest, referencePrice = Number.NaN): void {
    if (this.orders.has(order.id)) return;
    this.orders.set(order.id, {
      request: order,
      id: order.id,
      symbol: order.symbol,
      side: order.side,
      purpose: order.purpose,
      parentId: order.parentId,
      referencePrice,
      remaining: order.quantity,
      filled: 0,
      accepted: false,
      cancelRequested: false,
    });
  }

  get(id: number): WorkingOrder | undefined {
    return this.orders.get(id);
  }

  get size(): number {
    return this.orders.size;
  }

  all(): WorkingOrder[] {
    return [...this.orders.values()];
  }

  forSymbol(symbol: string): WorkingOrder[] {
    const out: WorkingOrder[] = [];
    for (const order of this.orders.values()) if (order.symbol === symbol) out.push(order);
    return out;
  }

  has(symbol: string, purpose: OrderPurpose): boolean {
    for (const order of this.orders.values()) if (order.symbol === symbol && order.purpose === purpose) return true;
    return false;
  }

  /** Working entry orders for symbols the account does not hold yet: each will become a position. */
  pendingEntries(quantityOf: (symbol: string) => number): number {
    let count = 0;
    for (const order of this.orders.values()) {
      if (order.purpose === 'entry' && quantityOf(order.symbol) === 0) count++;
    }
    return count;
  }

  /**
   * Cash the working entries will still spend: their unfilled shares at the price they were sized at. Sizing takes
   * it off the settled cash, so that entries in flight together never spend the same cash twice.
   */
  committedCash(): number {
    let total = 0;
    for (const order of this.orders.values()) {
      if (order.purpose === 'entry' && order.referencePrice > 0) total += order.remaining * order.referencePrice;
    }
    return total;
  }

  /** The cash one symbol's working entries will still spend. */
  committedCashFor(symbol: string): number {
    let total = 0;
    for (const order of this.orders.values()) {
      if (order.symbol === symbol && order.purpose === 'entry' && order.referencePrice > 0) {
        total += order.remaining * order.referencePrice;
      }
    }
    return total;
  }

  /** Follows the venue's reports; other events are ignored. */
  onEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'order_accepted': {
        const known = this.orders.get(event.order.id);
        if (known) known.accepted = true;
        else {
          // An order placed by another component (or found at reconnection) still counts as working.
          this.add(event.order);
          this.orders.get(event.order.id)!.accepted = true;
        }
        return;
      }
      case 'fill': {
        const order = this.orders.get(event.fill.orderId);
        if (!order) return;
        order.remaining -= event.fill.quantity;
        order.filled += event.fill.quantity;
        if (order.remaining <= 0) {
          this.orders.delete(order.id);
          this.orders = freshIfEmpty(this.orders);
        }
        return;
      }
      case 'order_cancelled':
        this.end(event.orderId);
        return;
      case 'order_reduced': {
        const order = this.orders.get(event.orderId);
        if (order !== undefined) order.remaining = event.remaining;
        return;
      }
      case 'order_failed': {
        const failed = this.orders.get(event.orderId);
        this.end(event.orderId);
        // An exit that could not go out (say, while disconnected) may have had its cancels lost the same way: the
        // next exit must send them again rather than assume the protective orders are going.
        if (failed?.purpose === 'exit')
          for (const order of this.forSymbol(failed.symbol)) order.cancelRequested = false;
        return;
      }
      case 'market':
      case 'commission_corrected':
      case 'signal':
      case 'signal_rejected':
      case 'order':
      case 'cancel_order':
        return;
    }
  }

  /**
   * An order ended without (further) fills. Bracket children of a parent that never filled can never work, so they
   * go too; children of a partly filled parent stay, since they protect the shares that did fill.
   */
  private end(id: number): void {
    const order = this.orders.get(id);
    if (!order) return;
    this.orders.delete(id);
    if (order.filled === 0) {
      for (const child of this.orders.values()) if (child.parentId === id) this.orders.delete(child.id);
    }
    this.orders = freshIfEmpty(this.orders);
  }
}
