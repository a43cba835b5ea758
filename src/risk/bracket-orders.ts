import type { OrderRequest, OrderSide } from '../domain/order.js';
import type { Signal } from '../domain/signal.js';

/*
 * Bracket children are written out as whole object literals, keys in the order the router has always given them.
 * Spreading an order into a literal that adds keys (`{ ...order, stopPrice }`) sends V8 down its slow path, a few
 * microseconds an order where a literal costs nanoseconds; an optimiser's grid places tens of thousands of brackets.
 */

/** A protective child before it is placed (`id` a draft's, no parent): a stop-loss or a take-profit limit at `price`. */
export function protectiveDraft(
  signal: Signal,
  time: number,
  side: OrderSide,
  quantity: number,
  purpose: 'stop_loss' | 'take_profit',
  price: number,
  id: number,
): OrderRequest {
  const { symbol, strategyId } = signal;
  return purpose === 'stop_loss'
    ? { id, symbol, side, quantity, type: 'STP', tif: 'GTC', purpose, strategyId, createdAt: time, stopPrice: price }
    : { id, symbol, side, quantity, type: 'LMT', tif: 'GTC', purpose, strategyId, createdAt: time, limitPrice: price };
}

/** A checked draft as placed: its own id, its entry's and the bracket's one-cancels-other group. */
export function placedChild(draft: OrderRequest, id: number, parentId: number, ocaGroup: string): OrderRequest {
  const { symbol, side, quantity, type, tif, purpose, strategyId, createdAt, stopPrice, limitPrice } = draft;
  return stopPrice !== undefined
    ? { id, symbol, side, quantity, type, tif, purpose, strategyId, createdAt, stopPrice, parentId, ocaGroup }
    : { id, symbol, side, quantity, type, tif, purpose, strategyId, createdAt, limitPrice, parentId, ocaGroup };
}
