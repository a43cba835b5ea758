import type { Clock } from '../../core/clock.js';
import type { OrderCancelledEvent, OrderFailedEvent } from '../../domain/events.js';
import { MS_PER_DAY, dayNumber } from '../../domain/time.js';
import type { OrderRequest } from '../../domain/order.js';
import type { Logger } from '../../logging/logger.js';
import type { IbEventOutbox } from './ib-event-outbox.js';
import { IbOrderState, OrderMessageKind, orderMessageKind } from './ib-order-mapping.js';

/** One of our orders as the client follows it. */
export interface IbTrackedOrder {
  /** The order as sent, or as rebuilt from the broker for an adopted one. */
  readonly request: OrderRequest;
  /** The last state TWS reported (`submitting` until it reports one). */
  readonly state: IbOrderState;
  /** TWS has reported the order in some state. */
  readonly acknowledged: boolean;
  /** order_accepted was emitted. */
  readonly accepted: boolean;
  /** Its end was reported: completely filled, cancelled or failed. No further events but fills. */
  readonly ended: boolean;
  /** Shares of the executions booked for it. */
  readonly filled: number;
  /** Filled shares as TWS's orderStatus last said (executions may still be on their way), of `request.quantity`. */
  readonly brokerFilled: number;
  /**
   * An adopted order's shares filled before it was adopted and not replayed as fills: `request.quantity` leaves them
   * out, and TWS's cumulative filled counts are reduced by them.
   */
  readonly filledBefore: number;
  /** Found at the broker rather than placed by this session. */
  readonly adopted: boolean;
  /** Set when we asked to cancel it: the reason reported when it ends. */
  readonly cancelReason: string | undefined;
  /** The last error TWS sent about it. */
  readonly lastError: { readonly code: number; readonly message: string } | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Tracked = Mutable<IbTrackedOrder>;

const RTH_OPEN_MS = (9 * 60 + 30) * 60_000;
const RTH_CLOSE_MS = 16 * 3_600_000;

export interface IbOrderTrackerOptions {
  readonly outbox: IbEventOutbox;
  readonly clock: Clock;
  readonly logger: Logger;
  /** An order failed: the client cancels the rest of its bracket. */
  readonly onFailed?: (order: IbTrackedOrder) => void;
}

/**
 * The state machine of our orders, fed with what TWS reports. It emits, each exactly once per order:
 * order_accepted when TWS first reports the order working (PreSubmitted / Submitted, held bracket children
 * included, as the simulated venue accepts a whole bracket at once); order_cancelled with the shares left when it
 * ends Cancelled / ApiCancelled or with error 202; order_failed with IB's code and text when it is rejected or
 * goes Inactive. Fills are not its business beyond counting shares: they come from executions, never from
 * orderStatus, which IB does not send for every change.
 */
export class IbOrderTracker {
  private readonly orders = new Map<number, Tracked>();

  constructor(private readonly options: IbOrderTrackerOptions) {}

  get(orderId: number): IbTrackedOrder | undefined {
    return this.orders.get(orderId);
  }

  has(orderId: number): boolean {
    return this.orders.has(orderId);
  }

  /** Orders not yet ended, ascending id. */
  open(): IbTrackedOrder[] {
    return [...this.orders.values()].filter((o) => !o.ended).sort((a, b) => a.request.id - b.request.id);
  }

  /** Starts following an order about to be sent. */
  sent(request: OrderRequest): void {
    this.orders.set(request.id, newOrder(request, IbOrderState.Submitting, false));
  }

  /**
   * Takes over an order found working at the broker, reporting it accepted. `filledBefore`: shares TWS reports
   * filled that `request.quantity` already leaves out.
   */
  adopt(request: OrderRequest, state: IbOrderState, filledBefore: number): void {
    const order = newOrder(request, state, true);
    order.acknowledged = true;
    order.filledBefore = Math.max(0, filledBefore);
    this.orders.set(request.id, order);
    this.accept(order);
  }

  /**
   * TWS reports the order smaller than ours: an OCA group of type 2 took shares off it when another order of the
   * group executed in part (a bracket's stop after a partial take-profit). The order has that size from now on,
   * and the engine is told, so that it never counts on shares the broker no longer works.
   */
  resized(orderId: number, totalQuantity: number): void {
    const order = this.orders.get(orderId);
    if (order === undefined || order.ended) return;
    const quantity = totalQuantity - order.filledBefore;
    if (!(quantity > 0 && quantity < order.request.quantity)) return;
    order.request = { ...order.request, quantity };
    this.options.outbox.emit(order.request.symbol, {
      type: 'order_reduced',
      time: this.options.clock.now(),
      orderId,
      symbol: order.request.symbol,
      quantity,
      remaining: this.remaining(order),
    });
    if (order.filled >= quantity) {
      order.state = IbOrderState.Filled;
      order.ended = true;
    }
  }

  /** An orderStatus (with TWS's cumulative filled shares) or an openOrder's state. */
  status(orderId: number, state: IbOrderState, brokerFilled: number | undefined): void {
    const order = this.orders.get(orderId);
    if (order === undefined) return;
    order.acknowledged = true;
    if (brokerFilled !== undefined)
      order.brokerFilled = Math.max(order.brokerFilled, brokerFilled - order.filledBefore);
    if (order.ended) return;
    switch (state) {
      case IbOrderState.Submitting:
        return;
      case IbOrderState.Working:
        // A late Submitted must not undo the cancel in progress.
        if (order.state !== IbOrderState.Cancelling) order.state = state;
        this.accept(order);
        return;
      case IbOrderState.Cancelling:
        order.state = state;
        return;
      case IbOrderState.Filled:
        // The executions that make it filled may still be on their way; they end the order.
        order.state = state;
        this.accept(order);
        return;
      case IbOrderState.Cancelled:
        this.cancelled(order, '');
        return;
      case IbOrderState.Inactive: {
        const error = order.lastError;
        this.fail(order, error?.message ?? 'TWS reports the order Inactive', error?.code);
        return;
      }
    }
  }

  /** An error carrying this order's id; false when the id is not one of ours. */
  error(orderId: number, code: number, message: string): boolean {
    const order = this.orders.get(orderId);
    if (order === undefined) return false;
    const kind = orderMessageKind(code, order.accepted);
    if (kind !== OrderMessageKind.Cancelled) order.lastError = { code, message };
    const context = { orderId, symbol: order.request.symbol, code, message };
    if (order.ended) {
      this.options.logger.debug(context, 'TWS message about an order that has ended');
      return true;
    }
    switch (kind) {
      case OrderMessageKind.Cancelled:
        this.cancelled(order, message);
        return true;
      case OrderMessageKind.Rejected:
        this.options.logger.warn(context, 'TWS rejected the order');
        this.fail(order, message, code);
        return true;
      case OrderMessageKind.Notice:
        this.options.logger.info(context, 'TWS message about an order');
        return true;
    }
  }

  /**
   * An execution is about to be booked: an order TWS filled before reporting it working (or while we were away) is
   * reported accepted first, as a venue accepts an order before it fills it.
   */
  executing(orderId: number): void {
    const order = this.orders.get(orderId);
    if (order === undefined || order.ended) return;
    order.acknowledged = true;
    this.accept(order);
  }

  /** Shares of a booked execution; a completely filled order has ended. */
  executed(orderId: number, shares: number): void {
    const order = this.orders.get(orderId);
    if (order === undefined) return;
    order.filled += shares;
    if (order.filled >= order.request.quantity && !order.ended) {
      order.state = IbOrderState.Filled;
      order.ended = true;
    }
  }

  /** We asked to cancel it: the reason it will end with. */
  cancelRequested(orderId: number, reason: string): void {
    const order = this.orders.get(orderId);
    if (order !== undefined) order.cancelReason = reason;
  }

  /**
   * Reconciliation found the order neither open at the broker nor filled: it ended while we were not listening
   * (cancelled, expired, rejected). Never acknowledged at all, it never reached TWS.
   */
  endedAway(orderId: number): void {
    const order = this.orders.get(orderId);
    if (order === undefined || order.ended) return;
    if (order.acknowledged || order.filled > 0) {
      this.end(order, {
        type: 'order_cancelled',
        time: this.options.clock.now(),
        orderId,
        symbol: order.request.symbol,
        reason: 'ended at the broker while disconnected (not open and not filled when reconciled)',
        remaining: this.remaining(order),
      });
      order.state = IbOrderState.Cancelled;
      return;
    }
    this.fail(order, 'not known to TWS after the reconnection: the order never reached it and was not placed');
  }

  private accept(order: Tracked): void {
    if (order.accepted) return;
    order.accepted = true;
    this.options.outbox.emit(order.request.symbol, {
      type: 'order_accepted',
      time: this.options.clock.now(),
      order: order.request,
    });
  }

  private cancelled(order: Tracked, message: string): void {
    order.state = IbOrderState.Cancelled;
    this.end(order, {
      type: 'order_cancelled',
      time: this.options.clock.now(),
      orderId: order.request.id,
      symbol: order.request.symbol,
      reason: this.cancelReasonOf(order, message),
      remaining: this.remaining(order),
    });
  }

  private fail(order: Tracked, reason: string, code?: number): void {
    order.state = IbOrderState.Inactive;
    this.end(order, {
      type: 'order_failed',
      time: this.options.clock.now(),
      orderId: order.request.id,
      symbol: order.request.symbol,
      reason,
      ...(code === undefined ? {} : { code }),
    });
    this.options.onFailed?.(order);
  }

  private end(order: Tracked, event: OrderCancelledEvent | OrderFailedEvent): void {
    if (order.ended) return;
    order.ended = true;
    this.options.outbox.emit(order.request.symbol, event);
  }

  /** Shares not filled: IB's `remaining` of a cancelled order is unreliable (often 0), so it is derived. */
  private remaining(order: Tracked): number {
    return Math.max(0, order.request.quantity - Math.max(order.filled, order.brokerFilled));
  }

  /**
   * Why an order we did not cancel ended, in the simulated venue's words where they apply: `oca` when another order
   * of its group executed, `parent_cancelled` when its bracket parent ended unfilled, `expired` for a DAY order
   * ending outside the regular session.
   */
  private cancelReasonOf(order: Tracked, message: string): string {
    if (order.cancelReason !== undefined) return order.cancelReason;
    const { request } = order;
    if (request.ocaGroup !== undefined) {
      for (const other of this.orders.values()) {
        if (other !== order && other.request.ocaGroup === request.ocaGroup && other.filled > 0) return 'oca';
      }
    }
    if (request.parentId !== undefined) {
      const parent = this.orders.get(request.parentId);
      if (parent?.ended === true && parent.filled < parent.request.quantity) return 'parent_cancelled';
    }
    const now = this.options.clock.now();
    const ms = now - dayNumber(now) * MS_PER_DAY;
    if (request.tif === 'DAY' && (ms >= RTH_CLOSE_MS || ms < RTH_OPEN_MS)) return 'expired';
    const detail = message.replace(/^Order Cancel+ed - reason:\s*/i, '').trim();
    return detail === '' ? 'cancelled at the broker' : `cancelled at the broker: ${detail}`;
  }
}

function newOrder(request: OrderRequest, state: IbOrderState, adopted: boolean): Tracked {
  return {
    request,
    state,
    acknowledged: false,
    accepted: false,
    ended: false,
    filled: 0,
    brokerFilled: 0,
    filledBefore: 0,
    adopted,
    cancelReason: undefined,
    lastError: undefined,
  };
}
