import { OrderSide, OrderType, type OrderPurpose, type OrderRequest } from '../../domain/order.js';
import type { Instrument } from '../market/instrument.js';
import type { WireOrder } from '../protocol/wire-types.js';

/** An order refused before it reaches the book, with the TWS error code and text to answer. */
export interface OrderRefusal {
  readonly code: number;
  readonly message: string;
}

export type Mapped =
  { readonly ok: true; readonly request: OrderRequest } | { readonly ok: false; readonly refusal: OrderRefusal };

const SUPPORTED_TYPES: ReadonlySet<string> = new Set(Object.values(OrderType));

export function rejected(reason: string): OrderRefusal {
  return { code: 201, message: `Order rejected - reason:${reason}` };
}

function onTick(price: number, tick: number): boolean {
  const ticks = price / (price >= 1 ? tick : 0.0001);
  return Math.abs(ticks - Math.round(ticks)) < 1e-6;
}

/**
 * Translates a client's order into the book's domain order, checking what TWS checks before accepting it: the
 * action, a whole positive quantity, a supported type and time in force, the prices the type needs, prices on
 * the contract's tick, no conditions or cash quantity.
 */
export function mapOrder(
  wire: WireOrder,
  instrument: Instrument,
  permId: number,
  parentPermId: number | undefined,
  time: number,
  clientId: number,
): Mapped {
  const fail = (refusal: OrderRefusal): Mapped => ({ ok: false, refusal });
  if (instrument.secType !== 'STK') return fail(rejected(`${instrument.symbol} is an index and cannot be traded`));
  const action = wire.action === 'SSHORT' ? 'SELL' : wire.action;
  if (action !== OrderSide.Buy && action !== OrderSide.Sell) return fail(rejected(`Invalid action ${wire.action}`));
  if (!(wire.totalQuantity > 0)) return fail(rejected('Order quantity must be greater than zero'));
  if (!Number.isInteger(wire.totalQuantity)) {
    return fail(rejected(`Fractional quantity ${wire.totalQuantity} is not allowed: stocks trade in whole shares`));
  }
  if (!SUPPORTED_TYPES.has(wire.orderType)) {
    return fail({
      code: 387,
      message: `Unsupported order type ${wire.orderType} for this exchange and security type.`,
    });
  }
  const tif = wire.tif === '' ? 'DAY' : wire.tif;
  if (tif !== 'DAY' && tif !== 'GTC') return fail(rejected(`Time in force ${tif} is not supported (DAY, GTC)`));
  if (wire.conditions.length > 0) return fail(rejected('Conditional orders are not supported'));
  if (wire.cashQty !== undefined) return fail(rejected('Cash quantity orders are not supported'));
  const type = wire.orderType as OrderType;
  let limitPrice: number | undefined;
  let stopPrice: number | undefined;
  let trailAmount: number | undefined;
  let trailPercent: number | undefined;
  switch (type) {
    case OrderType.Market:
      break;
    case OrderType.Limit:
      limitPrice = wire.lmtPrice;
      if (!(limitPrice !== undefined && limitPrice > 0)) return fail(rejected('A limit order needs a limit price'));
      break;
    case OrderType.Stop:
      stopPrice = wire.auxPrice;
      if (!(stopPrice !== undefined && stopPrice > 0)) return fail(rejected('A stop order needs a stop price'));
      break;
    case OrderType.StopLimit:
      limitPrice = wire.lmtPrice;
      stopPrice = wire.auxPrice;
      if (!(limitPrice !== undefined && limitPrice > 0 && stopPrice !== undefined && stopPrice > 0)) {
        return fail(rejected('A stop-limit order needs a stop price and a limit price'));
      }
      break;
    case OrderType.TrailingStop:
      if (wire.trailingPercent !== undefined) {
        trailPercent = wire.trailingPercent;
        if (!(trailPercent > 0 && trailPercent < 100))
          return fail(rejected('Trailing percent must be between 0 and 100'));
      } else {
        trailAmount = wire.auxPrice;
        if (!(trailAmount !== undefined && trailAmount > 0)) {
          return fail(rejected('A trailing stop needs a trailing amount or a trailing percent'));
        }
      }
      stopPrice = wire.trailStopPrice !== undefined && wire.trailStopPrice > 0 ? wire.trailStopPrice : undefined;
      break;
  }
  for (const price of [limitPrice, stopPrice, trailAmount]) {
    if (price !== undefined && !onTick(price, instrument.minTick)) {
      return fail({
        code: 110,
        message: 'The price does not conform to the minimum price variation for this contract.',
      });
    }
  }
  const request: OrderRequest = {
    id: permId,
    symbol: instrument.symbol,
    side: action,
    quantity: wire.totalQuantity,
    type,
    tif,
    purpose: purposeOf(type, parentPermId !== undefined),
    createdAt: time,
    ...(limitPrice === undefined ? {} : { limitPrice }),
    ...(stopPrice === undefined ? {} : { stopPrice }),
    ...(trailAmount === undefined ? {} : { trailAmount }),
    ...(trailPercent === undefined ? {} : { trailPercent }),
    ...(parentPermId === undefined ? {} : { parentId: parentPermId }),
    // OCA group names are the client's own: two clients using the same name do not cancel each other. Types 2
    // and 3 reduce the others by a partial execution, 1 (and the default 0) cancels them.
    ...(wire.ocaGroup === ''
      ? {}
      : { ocaGroup: `${clientId}/${wire.ocaGroup}`, ocaType: wire.ocaType >= 2 ? 'reduce' : 'cancel' }),
  };
  return { ok: true, request };
}

function purposeOf(type: OrderType, child: boolean): OrderPurpose {
  if (!child) return 'entry';
  return type === OrderType.Limit ? 'take_profit' : type === OrderType.Market ? 'exit' : 'stop_loss';
}

/** The price an order would trade at for buying-power checks: its limit, else the worse of stop and market. */
export function referencePrice(request: OrderRequest, market: number): number {
  if (request.limitPrice !== undefined) return request.limitPrice;
  if (request.stopPrice !== undefined) {
    return request.side === OrderSide.Buy ? Math.max(request.stopPrice, market) : Math.min(request.stopPrice, market);
  }
  return market;
}
