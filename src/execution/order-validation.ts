import { OrderSide, OrderType, type OrderRequest, type TimeInForce } from '../domain/order.js';
import { assertNever } from '../domain/events.js';

const SIDES: ReadonlySet<string> = new Set(Object.values(OrderSide));
const TYPES: ReadonlySet<string> = new Set(Object.values(OrderType));
const TIME_IN_FORCE: ReadonlySet<string> = new Set<TimeInForce>(['DAY', 'GTC']);

function isPositivePrice(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value) && value > 0;
}

function priceProblem(order: OrderRequest): string | undefined {
  switch (order.type) {
    case OrderType.Market:
      return undefined;
    case OrderType.Limit:
      return isPositivePrice(order.limitPrice) ? undefined : 'LMT needs a positive limitPrice';
    case OrderType.Stop:
      return isPositivePrice(order.stopPrice) ? undefined : 'STP needs a positive stopPrice';
    case OrderType.StopLimit:
      return isPositivePrice(order.stopPrice) && isPositivePrice(order.limitPrice)
        ? undefined
        : 'STP LMT needs a positive stopPrice and a positive limitPrice';
    case OrderType.TrailingStop: {
      const hasAmount = order.trailAmount !== undefined;
      const hasPercent = order.trailPercent !== undefined;
      if (hasAmount === hasPercent) return 'TRAIL needs exactly one of trailAmount and trailPercent';
      if (hasAmount && !isPositivePrice(order.trailAmount)) return 'TRAIL needs a positive trailAmount';
      const pct = order.trailPercent;
      if (pct !== undefined && !(Number.isFinite(pct) && pct > 0 && pct < 100)) {
        return 'TRAIL needs a trailPercent above 0 and below 100';
      }
      if (order.stopPrice !== undefined && !isPositivePrice(order.stopPrice)) {
        return 'TRAIL initial stopPrice must be positive';
      }
      return undefined;
    }
    default:
      return assertNever(order.type);
  }
}

/**
 * Why an order cannot work, or undefined when it can. Checks the order on its own; whether its id is free and its
 * parent is working is for the book or venue to decide.
 */
export function validateOrder(order: OrderRequest): string | undefined {
  const problem = orderProblem(order);
  return problem === undefined ? undefined : `order ${order.id}: ${problem}`;
}

function orderProblem(order: OrderRequest): string | undefined {
  if (!Number.isSafeInteger(order.id) || order.id < 0) return 'id must be a whole number ≥ 0';
  if (order.symbol.length === 0) return 'symbol is empty';
  // Orders also arrive decoded from the wire, where the types are only a promise.
  if (!SIDES.has(order.side)) {
    return `side must be BUY or SELL, not ${order.side}`;
  }
  if (!Number.isSafeInteger(order.quantity) || order.quantity <= 0) {
    return `quantity must be a whole number of shares > 0, not ${order.quantity}`;
  }
  if (!TYPES.has(order.type)) return `unknown order type ${order.type}`;
  if (!TIME_IN_FORCE.has(order.tif)) {
    return `time in force must be DAY or GTC, not ${order.tif}`;
  }
  if (order.parentId !== undefined) {
    if (!Number.isSafeInteger(order.parentId) || order.parentId < 0) return 'parentId must be a whole number ≥ 0';
    if (order.parentId === order.id) return 'an order cannot be its own parent';
  }
  if (order.ocaGroup?.length === 0) return 'ocaGroup is empty';
  return priceProblem(order);
}
