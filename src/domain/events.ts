import type { Bar } from './bar.js';
import type { Fill } from './fill.js';
import type { OrderRequest, OrderSide } from './order.js';
import type { Signal } from './signal.js';

/**
 * A bar closed for a symbol. The event is the bar itself (plus its tag), one object per bar: the backtest makes one
 * for every bar it replays.
 */
export interface MarketEvent extends Bar {
  readonly type: 'market';
}

/** A strategy's advice. */
export interface SignalEvent {
  readonly type: 'signal';
  readonly time: number;
  readonly signal: Signal;
}

/** The portfolio refused a signal (risk limit, no cash, …); kept so users see why nothing traded. */
export interface SignalRejectedEvent {
  readonly type: 'signal_rejected';
  readonly time: number;
  readonly signal: Signal;
  readonly reason: string;
}

/** Place an order; `children` (bracket stop-loss / take-profit) work only after `order` fills. */
export interface OrderEvent {
  readonly type: 'order';
  readonly time: number;
  readonly order: OrderRequest;
  readonly children: readonly OrderRequest[];
}

/** Cancel a working order (and, for a bracket parent, its children). */
export interface CancelOrderEvent {
  readonly type: 'cancel_order';
  readonly time: number;
  readonly orderId: number;
  readonly reason: string;
}

/** The venue accepted an order and it is working. */
export interface OrderAcceptedEvent {
  readonly type: 'order_accepted';
  readonly time: number;
  readonly order: OrderRequest;
}

export interface FillEvent {
  readonly type: 'fill';
  readonly time: number;
  readonly fill: Fill;
}

/**
 * The venue's commission for a fill booked earlier with the modelled estimate (its report came after the wait): the
 * difference is paid, or refunded, when this arrives.
 */
export interface CommissionCorrectedEvent {
  readonly type: 'commission_corrected';
  readonly time: number;
  readonly execId: string;
  readonly orderId: number;
  readonly symbol: string;
  readonly side: OrderSide;
  /** When the fill itself happened: which position it opened or added to, should that have closed since. */
  readonly fillTime: number;
  /** The venue's commission, and the estimate the fill was booked with. */
  readonly commission: number;
  readonly estimate: number;
}

/** The venue rejected an order or it could not be placed. `code` is the venue's error code when it has one. */
export interface OrderFailedEvent {
  readonly type: 'order_failed';
  readonly time: number;
  readonly orderId: number;
  readonly symbol: string;
  readonly reason: string;
  readonly code?: number;
}

/** A working order ended without (further) fills: cancelled by request, by its OCA group or at expiry. */
export interface OrderCancelledEvent {
  readonly type: 'order_cancelled';
  readonly time: number;
  readonly orderId: number;
  readonly symbol: string;
  readonly reason: string;
  /** Shares still unfilled when it was cancelled. */
  readonly remaining: number;
}

/**
 * Another order of its one-cancels-other group executed in part, and the venue took as many shares off this one (IB's
 * OCA types 2 and 3): a bracket's stop keeps covering exactly what a partly filled take-profit left.
 */
export interface OrderReducedEvent {
  readonly type: 'order_reduced';
  readonly time: number;
  readonly orderId: number;
  readonly symbol: string;
  /** The order's size now, filled shares included. */
  readonly quantity: number;
  /** Shares still unfilled. */
  readonly remaining: number;
}

export type EngineEvent =
  | MarketEvent
  | SignalEvent
  | SignalRejectedEvent
  | OrderEvent
  | CancelOrderEvent
  | OrderAcceptedEvent
  | FillEvent
  | CommissionCorrectedEvent
  | OrderFailedEvent
  | OrderCancelledEvent
  | OrderReducedEvent;

export type EventSink = (event: EngineEvent) => void;

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
