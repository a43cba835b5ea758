import type { OrderRequest, OrderType } from '../domain/order.js';
import { BookOrderStatus, type BookOrderView } from './book-event.js';
import { termsOf, type OrderTerms, type QuietBand, type TriggerState } from './fill-model.js';

/** The order book's record of one order: the order, its fills so far and its matching state. */
export class BookOrder implements BookOrderView, TriggerState, OrderTerms {
  // Set by setOrder(); the numeric fields start as doubles so that they keep an unboxed representation.
  order!: OrderRequest;
  type!: OrderType;
  buy = false;
  limitPrice = Number.NaN;
  stopPrice = Number.NaN;
  trailAmount = Number.NaN;
  trailPercent = Number.NaN;
  status: BookOrderStatus;
  filled = 0;
  triggered = false;
  trailBest = Number.NaN;
  trailStop = Number.NaN;
  trailReady = false;
  /** Has worked through (part of) a bar; a DAY order that has not is waiting for its session. */
  worked = false;
  closed = false;
  parent: BookOrder | undefined;
  /** Held bracket children, ascending id. */
  readonly children: BookOrder[] = [];
  /** The sweep in which it executed: one execution per order and bar. */
  executedIn = 0;
  /** Where it joined the current sweep: path segment and path price. */
  fromSegment = 1;
  fromLevel = Number.NaN;

  constructor(
    order: OrderRequest,
    readonly ocaKey: string | undefined,
    parent: BookOrder | undefined,
  ) {
    this.setOrder(order);
    this.parent = parent;
    this.status = parent === undefined ? BookOrderStatus.Working : BookOrderStatus.Held;
  }

  /** The matching terms live on the entry itself, so every entry has one shape whatever the order's fields. */
  setOrder(order: OrderRequest): void {
    const terms = termsOf(order);
    this.order = order;
    this.type = terms.type;
    this.buy = terms.buy;
    this.limitPrice = terms.limitPrice;
    this.stopPrice = terms.stopPrice;
    this.trailAmount = terms.trailAmount;
    this.trailPercent = terms.trailPercent;
  }

  get remaining(): number {
    return this.order.quantity - this.filled;
  }
}

export interface SymbolOrders {
  /** Working orders (not held), including ones closed during the current sweep until it compacts them. */
  readonly live: BookOrder[];
  /** Working and held. */
  count: number;
  /**
   * Every working order stays quiet in a bar with low > band.below and high < band.above, so such a bar needs no
   * work at all. Valid only after a sweep has started every working order; any new or changed order invalidates it.
   */
  readonly band: QuietBand;
  bandValid: boolean;
}

export function insertById(list: BookOrder[], order: BookOrder): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.order.id > order.order.id) i--;
  list.splice(i, 0, order);
}

export function removeFrom(list: BookOrder[], order: BookOrder): void {
  const i = list.indexOf(order);
  if (i >= 0) list.splice(i, 1);
}
