import type { OrderRequest } from '../../domain/order.js';
import type { IbTrackedOrder } from './ib-order-tracker.js';

/** An order the client follows, as the live node sees it. */
export interface IbWorkingOrder {
  readonly id: number;
  readonly symbol: string;
  readonly side: OrderRequest['side'];
  readonly purpose: OrderRequest['purpose'];
  readonly type: OrderRequest['type'];
  readonly quantity: number;
  /** Shares of the executions booked for it. */
  readonly filled: number;
  /** Shares not filled, by our executions or TWS's status, whichever says more filled. */
  readonly remaining: number;
  readonly state: IbTrackedOrder['state'];
  /** order_accepted was emitted. */
  readonly accepted: boolean;
  /** Its end was reported (filled, cancelled or failed). */
  readonly ended: boolean;
  /** Found at the broker rather than placed by this session. */
  readonly adopted: boolean;
  /** A cancel was sent for it. */
  readonly cancelRequested: boolean;
  readonly parentId: number | undefined;
  /** The order as sent, or as rebuilt from the broker. */
  readonly request: OrderRequest;
}

export function viewOf(order: IbTrackedOrder): IbWorkingOrder {
  const { request } = order;
  return {
    id: request.id,
    symbol: request.symbol,
    side: request.side,
    purpose: request.purpose,
    type: request.type,
    quantity: request.quantity,
    filled: order.filled,
    remaining: Math.max(0, request.quantity - Math.max(order.filled, order.brokerFilled)),
    state: order.state,
    accepted: order.accepted,
    ended: order.ended,
    adopted: order.adopted,
    cancelRequested: order.cancelReason !== undefined,
    parentId: request.parentId,
    request,
  };
}

/** Log fields of an order. */
export function describeOrder(order: OrderRequest): Record<string, unknown> {
  return {
    orderId: order.id,
    symbol: order.symbol,
    side: order.side,
    quantity: order.quantity,
    type: order.type,
    limitPrice: order.limitPrice,
    stopPrice: order.stopPrice,
    trailAmount: order.trailAmount,
    trailPercent: order.trailPercent,
    tif: order.tif,
    purpose: order.purpose,
    parentId: order.parentId,
    ocaGroup: order.ocaGroup,
  };
}

/** One line describing an order, for reconciliation differences. */
export function summary(order: OrderRequest): string {
  const prices = [
    order.limitPrice === undefined ? '' : ` limit ${order.limitPrice}`,
    order.stopPrice === undefined ? '' : ` stop ${order.stopPrice}`,
    order.trailAmount === undefined ? '' : ` trail ${order.trailAmount}`,
    order.trailPercent === undefined ? '' : ` trail ${order.trailPercent}%`,
  ].join('');
  const parent = order.parentId === undefined ? '' : ` child of ${order.parentId}`;
  return `${order.symbol} ${order.side} ${order.quantity} ${order.type}${prices} ${order.tif} ${order.purpose}${parent}`;
}
