import {
  OrderAction,
  OrderType as IbOrderType,
  SecType,
  TimeInForce as IbTimeInForce,
  type Contract,
  type Order,
} from '@stoqey/ib';
import { OrderSide, OrderType, type OrderPurpose, type OrderRequest, type TimeInForce } from '../../domain/order.js';

/** What an order needs besides itself to become an IB Order. */
export interface IbOrderContext {
  /** The account the order is booked to (ibkr.account_id): with several managed accounts TWS needs it. */
  readonly account: string;
  /** The contract's minimum price increment (contract details' minTick). */
  readonly minTick: number;
  /** False on all but the last order of a bracket: TWS stages them until the last one arrives. */
  readonly transmit: boolean;
}

const IB_TYPES: Readonly<Record<OrderType, IbOrderType>> = {
  [OrderType.Market]: IbOrderType.MKT,
  [OrderType.Limit]: IbOrderType.LMT,
  [OrderType.Stop]: IbOrderType.STP,
  [OrderType.StopLimit]: IbOrderType.STP_LMT,
  [OrderType.TrailingStop]: IbOrderType.TRAIL,
};

const DOMAIN_TYPES: ReadonlyMap<string, OrderType> = new Map(
  Object.entries(IB_TYPES).map(([domain, ib]) => [ib as string, domain as OrderType]),
);

const IB_TIF: Readonly<Record<TimeInForce, IbTimeInForce>> = { DAY: IbTimeInForce.DAY, GTC: IbTimeInForce.GTC };

/** One-cancels-other with block: the other orders of the group are cancelled, and overfills are prevented. */
export const OCA_CANCEL_WITH_BLOCK = 1;
/**
 * One-cancels-other with block where a partial execution reduces the others proportionately instead (a bracket's
 * stop keeps covering the shares a partly filled take-profit left); a complete one cancels them.
 */
export const OCA_REDUCE_WITH_BLOCK = 2;

/** Default price increment of US stocks at or above USD 1. */
export const DEFAULT_MIN_TICK = 0.01;
const SUB_DOLLAR_TICK = 0.0001;

/**
 * The price grid an order price must sit on. US stocks quote in cents at or above USD 1 and in hundredths of a
 * cent below it (Reg NMS rule 612), while contract details report the cent; a contract with a coarser tick keeps it.
 */
export function tickFor(price: number, minTick = DEFAULT_MIN_TICK): number {
  const tick = minTick > 0 && Number.isFinite(minTick) ? minTick : DEFAULT_MIN_TICK;
  return price < 1 && tick <= DEFAULT_MIN_TICK ? Math.min(tick, SUB_DOLLAR_TICK) : tick;
}

/** The nearest price on the grid; TWS rejects off-tick prices (error 110) rather than rounding them. */
export function roundToTick(price: number, minTick = DEFAULT_MIN_TICK): number {
  const tick = tickFor(price, minTick);
  const ticks = Math.round(price / tick + 1e-9);
  // Dividing by the inverse of a decimal tick gives the double nearest the decimal price (0.01 × 1234 does not).
  const inverse = Math.round(1 / tick);
  return Math.abs(inverse * tick - 1) < 1e-12 ? ticks / inverse : ticks * tick;
}

const REF_PREFIX = 'ets';
const PURPOSES: ReadonlySet<string> = new Set<OrderPurpose>(['entry', 'exit', 'stop_loss', 'take_profit']);

/**
 * The orderRef IB keeps with an order for its lifetime (and echoes in openOrder and executions): `ets:<purpose>`
 * or `ets:<purpose>:<strategyId>`. After a restart it is the only place the purpose of an adopted order survives.
 */
export function orderRefOf(purpose: OrderPurpose, strategyId?: string): string {
  return strategyId === undefined || strategyId === ''
    ? `${REF_PREFIX}:${purpose}`
    : `${REF_PREFIX}:${purpose}:${strategyId}`;
}

/** Purpose and strategy from an orderRef written by `orderRefOf`; undefined for anyone else's ref. */
export function parseOrderRef(
  ref: string | undefined,
): { readonly purpose: OrderPurpose; readonly strategyId?: string } | undefined {
  if (ref === undefined) return undefined;
  const first = ref.indexOf(':');
  if (first < 0 || ref.slice(0, first) !== REF_PREFIX) return undefined;
  const second = ref.indexOf(':', first + 1);
  const purpose = second < 0 ? ref.slice(first + 1) : ref.slice(first + 1, second);
  if (!PURPOSES.has(purpose)) return undefined;
  // Strategy ids may contain colons themselves: everything after the second colon is the id.
  const strategyId = second < 0 ? '' : ref.slice(second + 1);
  return strategyId === '' ? { purpose: purpose as OrderPurpose } : { purpose: purpose as OrderPurpose, strategyId };
}

/**
 * The IB Order for a domain order. Prices go onto the contract's tick; outsideRth is off as the strategies trade the
 * regular session only; children carry their parent's id and the OCA group with "cancel the rest with block".
 */
export function toIbOrder(request: OrderRequest, context: IbOrderContext): Order {
  const tick = context.minTick;
  const order: Order = {
    orderId: request.id,
    action: request.side === OrderSide.Buy ? OrderAction.BUY : OrderAction.SELL,
    totalQuantity: request.quantity,
    orderType: IB_TYPES[request.type],
    tif: IB_TIF[request.tif],
    account: context.account,
    transmit: context.transmit,
    parentId: request.parentId ?? 0,
    orderRef: orderRefOf(request.purpose, request.strategyId),
    outsideRth: false,
  };
  switch (request.type) {
    case OrderType.Market:
      break;
    case OrderType.Limit:
      order.lmtPrice = roundToTick(request.limitPrice!, tick);
      break;
    case OrderType.Stop:
      order.auxPrice = roundToTick(request.stopPrice!, tick);
      break;
    case OrderType.StopLimit:
      order.lmtPrice = roundToTick(request.limitPrice!, tick);
      order.auxPrice = roundToTick(request.stopPrice!, tick);
      break;
    case OrderType.TrailingStop:
      if (request.trailPercent !== undefined) order.trailingPercent = request.trailPercent;
      // The trailing amount is a price distance, so it lives on the same grid as prices.
      else order.auxPrice = roundToTick(request.trailAmount!, tick);
      if (request.stopPrice !== undefined) order.trailStopPrice = roundToTick(request.stopPrice, tick);
      break;
  }
  if (request.ocaGroup !== undefined) {
    order.ocaGroup = request.ocaGroup;
    order.ocaType = request.ocaType === 'cancel' ? OCA_CANCEL_WITH_BLOCK : OCA_REDUCE_WITH_BLOCK;
  }
  return order;
}

/** IB's order statuses as this system acts on them. */
export const IbOrderState = {
  /** Sent, not yet acknowledged as working (PendingSubmit, ApiPending). */
  Submitting: 'submitting',
  /** Accepted and working at TWS or the exchange, held bracket children included (PreSubmitted, Submitted). */
  Working: 'working',
  /** A cancel is on its way; the order can still fill (PendingCancel). */
  Cancelling: 'cancelling',
  /** Ended without further fills (Cancelled, ApiCancelled). */
  Cancelled: 'cancelled',
  /** Completely filled (Filled); the fills themselves come from executions. */
  Filled: 'filled',
  /** Rejected or otherwise no longer working (Inactive). */
  Inactive: 'inactive',
} as const;
export type IbOrderState = (typeof IbOrderState)[keyof typeof IbOrderState];

const STATES: ReadonlyMap<string, IbOrderState> = new Map([
  ['PendingSubmit', IbOrderState.Submitting],
  ['ApiPending', IbOrderState.Submitting],
  ['PreSubmitted', IbOrderState.Working],
  ['Submitted', IbOrderState.Working],
  ['PendingCancel', IbOrderState.Cancelling],
  ['ApiCancelled', IbOrderState.Cancelled],
  ['Cancelled', IbOrderState.Cancelled],
  ['Filled', IbOrderState.Filled],
  ['Inactive', IbOrderState.Inactive],
]);

/** Our state for an IB status string; undefined for statuses without a meaning here ("Unknown", new ones). */
export function orderStateOf(status: string | undefined): IbOrderState | undefined {
  return status === undefined ? undefined : STATES.get(status);
}

/** States in which the order is still at the broker (reqOpenOrders lists it). */
export function isOpenState(state: IbOrderState | undefined): boolean {
  return state === IbOrderState.Submitting || state === IbOrderState.Working || state === IbOrderState.Cancelling;
}

/** IB sends Double.MAX_VALUE (decoded as a huge number or undefined) for a price it does not set. */
function usablePrice(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 && value < 1e300 ? value : undefined;
}

/**
 * Rebuilds the domain order of an order found at the broker (reqOpenOrders after a restart or a reconnection), so
 * that the router knows the protective orders of positions held from an earlier session. Undefined for order
 * types this system does not place; `quantity` is what the rebuilt order should still count as open.
 */
export function requestFromIbOrder(
  orderId: number,
  symbol: string,
  order: Order,
  quantity: number,
  createdAt: number,
): OrderRequest | undefined {
  const type = DOMAIN_TYPES.get(order.orderType);
  if (type === undefined) return undefined;
  const side = order.action === OrderAction.BUY ? OrderSide.Buy : OrderSide.Sell;
  const parentId = order.parentId !== undefined && order.parentId > 0 ? order.parentId : undefined;
  const ref = parseOrderRef(order.orderRef);
  const purpose = ref?.purpose ?? guessPurpose(type, side, parentId !== undefined);
  const fields: {
    limitPrice?: number;
    stopPrice?: number;
    trailAmount?: number;
    trailPercent?: number;
  } = {};
  switch (type) {
    case OrderType.Market:
      break;
    case OrderType.Limit:
      fields.limitPrice = usablePrice(order.lmtPrice);
      break;
    case OrderType.Stop:
      fields.stopPrice = usablePrice(order.auxPrice);
      break;
    case OrderType.StopLimit:
      fields.limitPrice = usablePrice(order.lmtPrice);
      fields.stopPrice = usablePrice(order.auxPrice);
      break;
    case OrderType.TrailingStop: {
      const percent = usablePrice(order.trailingPercent);
      if (percent !== undefined) fields.trailPercent = percent;
      else fields.trailAmount = usablePrice(order.auxPrice);
      fields.stopPrice = usablePrice(order.trailStopPrice);
      break;
    }
  }
  const request: OrderRequest = {
    id: orderId,
    symbol,
    side,
    quantity,
    type,
    tif: order.tif === IbTimeInForce.GTC ? 'GTC' : 'DAY',
    purpose,
    createdAt,
    ...(fields.limitPrice === undefined ? {} : { limitPrice: fields.limitPrice }),
    ...(fields.stopPrice === undefined ? {} : { stopPrice: fields.stopPrice }),
    ...(fields.trailAmount === undefined ? {} : { trailAmount: fields.trailAmount }),
    ...(fields.trailPercent === undefined ? {} : { trailPercent: fields.trailPercent }),
    ...(parentId === undefined ? {} : { parentId }),
    ...(order.ocaGroup === undefined || order.ocaGroup === '' ? {} : { ocaGroup: order.ocaGroup }),
    ...(ref?.strategyId === undefined ? {} : { strategyId: ref.strategyId }),
  };
  return request;
}

/**
 * The purpose of an order without our orderRef (placed by hand in TWS under this client id, or by an older
 * version): stops protect, a child limit takes profit; otherwise buys enter and sells exit, as the system is long
 * only.
 */
export function guessPurpose(type: OrderType, side: OrderSide, child: boolean): OrderPurpose {
  if (type === OrderType.Stop || type === OrderType.StopLimit || type === OrderType.TrailingStop) return 'stop_loss';
  if (child && type === OrderType.Limit) return 'take_profit';
  return side === OrderSide.Buy ? 'entry' : 'exit';
}

/** What an error message with an order's id means for that order. */
export const OrderMessageKind = {
  /** 202: the order was cancelled. */
  Cancelled: 'cancelled',
  /** Refused for good: the order is not (or no longer) working. */
  Rejected: 'rejected',
  /** A warning or a failed cancel: the order's state does not change. */
  Notice: 'notice',
} as const;
export type OrderMessageKind = (typeof OrderMessageKind)[keyof typeof OrderMessageKind];

const ORDER_CANCELLED = 202;

/**
 * Codes that refuse an order whatever state it is in: 103 duplicate id, 104 cannot modify a filled order, 105 the
 * modification does not match, 110 price off the tick grid, 200 no security definition, 201 rejected (margin,
 * precautionary settings, …), 203 security not available to the account, 321 request validation failed, 387
 * unsupported order type.
 */
const HARD_REJECTIONS: ReadonlySet<number> = new Set([103, 104, 105, 110, 200, 201, 203, 321, 387]);

/**
 * Codes that come with an order id and change nothing: 161/10147/10148/135 a cancel that could not be done (the
 * order is already gone or ending), 399 order message warnings ("will not be placed until …"), 404 held while shares
 * are located, 10349 TIF set by a preset, and the 2100–2199 warnings (2109 outsideRth ignored, 2137 cross side …).
 */
const NOTICES: ReadonlySet<number> = new Set([135, 161, 399, 404, 10147, 10148, 10349]);

/**
 * Classifies an error that carries one of our order ids. Unknown codes reject an order that TWS has not yet
 * acknowledged as working (it will not get any further); for a working order only the hard rejections end it,
 * since IB also sends codes of its own for orders that keep working, and a dead order says so with Inactive or
 * Cancelled.
 */
export function orderMessageKind(code: number, working: boolean): OrderMessageKind {
  if (code === ORDER_CANCELLED) return OrderMessageKind.Cancelled;
  if (HARD_REJECTIONS.has(code)) return OrderMessageKind.Rejected;
  if (NOTICES.has(code) || (code >= 2100 && code < 2200)) return OrderMessageKind.Notice;
  return working ? OrderMessageKind.Notice : OrderMessageKind.Rejected;
}

/** The fields of a contract orders name: a qualified contract's plain spec or a library Contract. */
export interface IbContractFields {
  readonly conId?: number;
  readonly symbol?: string;
  readonly secType?: string;
  readonly exchange?: string;
  readonly primaryExch?: string;
  readonly currency?: string;
  readonly localSymbol?: string;
  readonly tradingClass?: string;
}

/** The IB contract of a symbol and its price increment (contract details' minTick). */
export interface IbTradableContract {
  readonly contract: IbContractFields;
  readonly minTick: number;
}

const SEC_TYPES: ReadonlyMap<string, SecType> = new Map(Object.values(SecType).map((t) => [t as string, t]));

/** The library's Contract of plain fields; the security type must be one of IB's. */
export function ibContractOf(fields: IbContractFields): Contract {
  const secType = fields.secType === undefined ? undefined : SEC_TYPES.get(fields.secType);
  if (fields.secType !== undefined && secType === undefined) {
    throw new RangeError(`${fields.symbol ?? '?'}: unknown security type ${fields.secType}`);
  }
  const { conId, symbol, exchange, primaryExch, currency, localSymbol, tradingClass } = fields;
  return { conId, symbol, secType, exchange, primaryExch, currency, localSymbol, tradingClass };
}
