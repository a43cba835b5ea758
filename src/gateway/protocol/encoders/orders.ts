import type { Instrument } from '../../market/instrument.js';
import { FieldWriter } from '../field-writer.js';
import { ServerMessageId } from '../message-ids.js';
import { ServerVersion } from '../server-versions.js';
import type { WireOrder } from '../wire-types.js';

/** Margin and commission figures of a what-if order (empty fields for a normal order). */
export interface WhatIfFigures {
  readonly initMarginBefore: number;
  readonly maintMarginBefore: number;
  readonly equityWithLoanBefore: number;
  readonly initMarginAfter: number;
  readonly maintMarginAfter: number;
  readonly equityWithLoanAfter: number;
  readonly commission: number;
}

/** An order as TWS reports it in OPEN_ORDER: the client's fields plus the ids and state TWS assigned. */
export interface OpenOrderView {
  readonly orderId: number;
  readonly clientId: number;
  readonly permId: number;
  readonly parentId: number;
  readonly instrument: Instrument;
  readonly account: string;
  readonly order: WireOrder;
  readonly status: string;
  /** Current stop of a trailing order; undefined for other types. */
  readonly trailStopPrice: number | undefined;
  readonly whatIf: WhatIfFigures | undefined;
  readonly commissionCurrency: string;
}

/**
 * OPEN_ORDER (5) for server versions ≥ 157, where the message version equals the server version. Field order
 * follows IB's order decoder; fields the gateway does not model carry their unset value.
 */
export function encodeOpenOrder(version: number, view: OpenOrderView): Buffer {
  const o = view.order;
  const w = new FieldWriter(ServerMessageId.OpenOrder).int(view.orderId);
  writeContractAndTerms(w, view);
  w.int(view.clientId).int(view.permId);
  w.bool(o.outsideRth).bool(o.hidden).double(0); // discretionaryAmt
  w.str(o.goodAfterTime).str(''); // goodAfterTime, deprecated sharesAllocation
  w.str('').str('').str(''); // faGroup, faMethod, faPercentage
  if (version < ServerVersion.FaProfileDesupport) w.str('');
  w.str(o.modelCode).str(o.goodTillDate);
  w.str('').doubleOrEmpty(undefined).str(''); // rule80A, percentOffset, settlingFirm
  w.int(0).str('').int(-1); // shortSaleSlot, designatedLocation, exemptCode
  w.int(0); // auctionStrategy
  for (let i = 0; i < 5; i++) w.doubleOrEmpty(undefined); // starting/ref price, delta, stock range
  w.intOrEmpty(o.displaySize);
  w.bool(false).bool(false).bool(o.allOrNone).intOrEmpty(o.minQty).int(o.ocaType); // block, sweep, AON, minQty
  w.bool(false).bool(false).doubleOrEmpty(undefined); // eTradeOnly, firmQuoteOnly, nbboPriceCap
  w.int(view.parentId).int(0); // triggerMethod
  w.doubleOrEmpty(undefined).int(0).str('').doubleOrEmpty(undefined); // volatility, type, delta-neutral type / aux
  w.int(0).int(0); // continuousUpdate, referencePriceType
  w.doubleOrEmpty(view.trailStopPrice).doubleOrEmpty(o.trailingPercent);
  w.doubleOrEmpty(undefined).intOrEmpty(undefined); // basisPoints, basisPointsType
  w.str('').int(0).int(0); // combo legs description, legs, order combo legs
  w.int(0); // smart combo routing params
  w.intOrEmpty(undefined).intOrEmpty(undefined).doubleOrEmpty(undefined); // scale init / subs size, increment
  w.str(''); // hedgeType
  w.bool(false); // optOutSmartRouting
  w.str('').str(''); // clearingAccount, clearingIntent
  w.bool(false); // notHeld
  w.bool(false); // delta-neutral contract
  w.str(''); // algoStrategy
  w.bool(false); // solicited
  writeOrderState(w, view);
  w.bool(false).bool(false); // randomizeSize, randomizePrice
  w.int(0); // conditions
  w.str('').doubleOrEmpty(undefined); // adjustedOrderType, triggerPrice
  w.doubleOrEmpty(view.trailStopPrice).doubleOrEmpty(undefined); // trailStopPrice, lmtPriceOffset
  w.doubleOrEmpty(undefined).doubleOrEmpty(undefined).doubleOrEmpty(undefined).int(0); // adjusted stop/limit/trail
  w.str('').str('').str(''); // soft dollar tier
  w.doubleOrEmpty(o.cashQty);
  w.bool(false).bool(false).bool(false).bool(false); // autoPriceForHedge, omsContainer, D-peg, priceMgmtAlgo
  if (version >= ServerVersion.Duration) w.intOrEmpty(undefined);
  if (version >= ServerVersion.PostToAts) w.intOrEmpty(undefined);
  if (version >= ServerVersion.AutoCancelParent) w.bool(false);
  if (version >= ServerVersion.PegBestPegMidOffsets) {
    w.intOrEmpty(undefined).intOrEmpty(undefined);
    w.doubleOrEmpty(undefined).doubleOrEmpty(undefined).doubleOrEmpty(undefined);
  }
  if (version >= ServerVersion.CustomerAccount) w.str('');
  if (version >= ServerVersion.ProfessionalCustomer) w.bool(false);
  if (version >= ServerVersion.BondAccruedInterest) w.str('');
  if (version >= ServerVersion.IncludeOvernight) w.bool(false);
  if (version >= ServerVersion.CmeTaggingFieldsInOpenOrder) w.str('').intOrEmpty(undefined);
  return w.toBuffer();
}

/**
 * The fields OPEN_ORDER and COMPLETED_ORDER both start with (IB's decoders read them with the same calls): the
 * contract, then the order's action, quantity, type, prices, time in force, OCA group, account, open/close,
 * origin and order ref.
 */
export function writeContractAndTerms(w: FieldWriter, view: OpenOrderView): void {
  const o = view.order;
  const c = view.instrument;
  w.int(c.conId).str(c.symbol).str(c.secType).str('').double(0).str('');
  w.str('')
    .str(c.exchange)
    .str(c.currency)
    .str(c.symbol)
    .str(c.secType === 'STK' ? 'NMS' : c.symbol);
  w.str(o.action).decimal(o.totalQuantity).str(o.orderType);
  w.doubleOrEmpty(o.lmtPrice).doubleOrEmpty(o.auxPrice);
  w.str(o.tif)
    .str(o.ocaGroup)
    .str(view.account)
    .str(o.openClose === '' ? 'O' : o.openClose)
    .int(o.origin);
  w.str(o.orderRef);
}

function writeOrderState(w: FieldWriter, view: OpenOrderView): void {
  const f = view.whatIf;
  w.bool(f !== undefined).str(view.status);
  const text = (value: number | undefined): string => (value === undefined ? '' : value.toFixed(2));
  // WHAT_IF_EXT_FIELDS (142) is below every supported version: the before/change figures are always present.
  w.str(text(f?.initMarginBefore)).str(text(f?.maintMarginBefore)).str(text(f?.equityWithLoanBefore));
  w.str(text(f && f.initMarginAfter - f.initMarginBefore));
  w.str(text(f && f.maintMarginAfter - f.maintMarginBefore));
  w.str(text(f && f.equityWithLoanAfter - f.equityWithLoanBefore));
  w.str(text(f?.initMarginAfter)).str(text(f?.maintMarginAfter)).str(text(f?.equityWithLoanAfter));
  w.doubleOrEmpty(f?.commission).doubleOrEmpty(f?.commission).doubleOrEmpty(f?.commission);
  w.str(f ? view.commissionCurrency : '').str(''); // commission currency, warning text
}

export function encodeOpenOrderEnd(): Buffer {
  return new FieldWriter(ServerMessageId.OpenOrderEnd).int(1).toBuffer();
}

export interface OrderStatusView {
  readonly orderId: number;
  readonly status: string;
  readonly filled: number;
  readonly remaining: number;
  readonly avgFillPrice: number;
  readonly permId: number;
  readonly parentId: number;
  readonly lastFillPrice: number;
  readonly clientId: number;
  readonly whyHeld: string;
}

/** ORDER_STATUS (3) without a message version (server ≥ MARKET_CAP_PRICE), mktCapPrice last. */
export function encodeOrderStatus(s: OrderStatusView): Buffer {
  return new FieldWriter(ServerMessageId.OrderStatus)
    .int(s.orderId)
    .str(s.status)
    .decimal(s.filled)
    .decimal(s.remaining)
    .double(s.avgFillPrice)
    .int(s.permId)
    .int(s.parentId)
    .double(s.lastFillPrice)
    .int(s.clientId)
    .str(s.whyHeld)
    .double(0)
    .toBuffer();
}
