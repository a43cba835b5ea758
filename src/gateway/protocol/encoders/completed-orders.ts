import { FieldWriter } from '../field-writer.js';
import { ServerMessageId } from '../message-ids.js';
import { ServerVersion } from '../server-versions.js';
import { writeContractAndTerms, type OpenOrderView } from './orders.js';

/** A finished order as reqCompletedOrders reports it. */
export interface CompletedOrderView extends OpenOrderView {
  readonly filledQuantity: number;
  /** "yyyyMMdd HH:mm:ss zone" of the fill or cancel. */
  readonly completedTime: string;
  /** TWS's text, e.g. "Filled Size: 100 Avg Price: 120.5" or "Cancelled by Trader". */
  readonly completedStatus: string;
  readonly parentPermId: number;
}

/**
 * COMPLETED_ORDER (101), laid out as IB's decoders read it: the order fields without the open-order-only ones
 * (order id, client id, what-if state), the deprecated FA profile below FA_PROFILE_DESUPPORT, and the completion
 * fields at the end.
 */
export function encodeCompletedOrder(version: number, view: CompletedOrderView): Buffer {
  const o = view.order;
  const w = new FieldWriter(ServerMessageId.CompletedOrder);
  writeContractAndTerms(w, view);
  w.int(view.permId).bool(o.outsideRth).bool(o.hidden).double(0).str(o.goodAfterTime);
  w.str('').str('').str(''); // faGroup, faMethod, faPercentage
  if (version < ServerVersion.FaProfileDesupport) w.str('');
  w.str(o.modelCode).str(o.goodTillDate).str('').doubleOrEmpty(undefined).str(''); // rule80A, percentOffset, firm
  w.int(0).str('').int(-1); // shortSaleSlot, designatedLocation, exemptCode
  for (let i = 0; i < 5; i++) w.doubleOrEmpty(undefined); // starting/ref price, delta, stock range
  w.intOrEmpty(o.displaySize).bool(false).bool(o.allOrNone).intOrEmpty(o.minQty).int(o.ocaType);
  w.int(0); // triggerMethod
  w.doubleOrEmpty(undefined).int(0).str('').doubleOrEmpty(undefined).int(0).int(0); // volatility params
  w.doubleOrEmpty(view.trailStopPrice).doubleOrEmpty(o.trailingPercent);
  w.str('').int(0).int(0).int(0); // combo legs description, legs, order legs, smart routing params
  w.intOrEmpty(undefined).intOrEmpty(undefined).doubleOrEmpty(undefined); // scale order
  w.str('').str('').str('').bool(false).bool(false).str(''); // hedge, clearing, notHeld, delta neutral, algo
  w.bool(false).str(view.status); // solicited, status
  w.bool(false).bool(false).int(0); // randomize size / price, conditions
  w.doubleOrEmpty(view.trailStopPrice).doubleOrEmpty(undefined); // trailStopPrice, lmtPriceOffset
  w.doubleOrEmpty(o.cashQty).bool(false).bool(false); // cashQty, dontUseAutoPriceForHedge, isOmsContainer
  w.str('').decimal(view.filledQuantity).int(0).bool(false); // autoCancelDate, filled, refFuturesConId, parent
  w.str('').bool(false).bool(false).int(view.parentPermId); // shareholder, imbalanceOnly, routeToBbo, parentPermId
  w.str(view.completedTime).str(view.completedStatus);
  if (version >= ServerVersion.PegBestPegMidOffsets) {
    w.intOrEmpty(undefined).intOrEmpty(undefined);
    w.doubleOrEmpty(undefined).doubleOrEmpty(undefined).doubleOrEmpty(undefined);
  }
  if (version >= ServerVersion.CustomerAccount) w.str('');
  if (version >= ServerVersion.ProfessionalCustomer) w.bool(false);
  return w.toBuffer();
}

export function encodeCompletedOrdersEnd(): Buffer {
  return new FieldWriter(ServerMessageId.CompletedOrdersEnd).toBuffer();
}
