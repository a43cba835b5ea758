import type { FieldReader } from '../field-reader.js';
import { ProtocolError } from '../protocol-error.js';
import { ServerVersion } from '../server-versions.js';
import type { WireContract, WireOrder, WireOrderCondition } from '../wire-types.js';
import { isBag, readContract, skipList } from './contract-fields.js';

export interface PlaceOrderRequest {
  readonly kind: 'placeOrder';
  readonly orderId: number;
  readonly contract: WireContract;
  readonly order: WireOrder;
}

const ConditionType = { Price: 1, Time: 3, Margin: 4, Execution: 5, Volume: 6, PercentChange: 7 } as const;

/**
 * PLACE_ORDER as IB's clients write it for server versions ≥ 157 (no leading message version from
 * ORDER_CONTAINER on). Every field is read in order, including the ones the gateway ignores, because later fields
 * are located only by counting.
 */
export function decodePlaceOrder(r: FieldReader, version: number): PlaceOrderRequest {
  const orderId = r.int();
  const contract = readContract(r);
  r.skip(2); // secIdType, secId
  const action = r.str().toUpperCase();
  const totalQuantity = r.decimal();
  const orderType = r.str().toUpperCase();
  const lmtPrice = r.doubleOrUndefined();
  const auxPrice = r.doubleOrUndefined();
  const tif = r.str().toUpperCase();
  const ocaGroup = r.str();
  const account = r.str();
  const openClose = r.str();
  const origin = r.int();
  const orderRef = r.str();
  const transmit = r.bool();
  const parentId = r.int();
  r.bool(); // blockOrder
  r.bool(); // sweepToFill
  const displaySize = r.intOrUndefined();
  r.int(); // triggerMethod
  const outsideRth = r.bool();
  const hidden = r.bool();
  if (isBag(contract)) {
    skipList(r, 8); // combo legs
    skipList(r, 1); // leg prices
    skipList(r, 2); // smart combo routing params
  }
  r.str(); // deprecated sharesAllocation
  r.double(); // discretionaryAmt
  const goodAfterTime = r.str();
  const goodTillDate = r.str();
  r.skip(3); // faGroup, faMethod, faPercentage
  if (version < ServerVersion.FaProfileDesupport) r.str(); // faProfile
  const modelCode = r.str();
  r.int(); // shortSaleSlot
  r.str(); // designatedLocation
  r.int(); // exemptCode
  const ocaType = r.int();
  r.str(); // rule80A
  r.str(); // settlingFirm
  const allOrNone = r.bool();
  const minQty = r.intOrUndefined();
  r.doubleOrUndefined(); // percentOffset
  r.bool(); // eTradeOnly
  r.bool(); // firmQuoteOnly
  r.doubleOrUndefined(); // nbboPriceCap
  r.intOrUndefined(); // auctionStrategy
  r.skip(5); // startingPrice, stockRefPrice, delta, stockRangeLower, stockRangeUpper
  r.bool(); // overridePercentageConstraints
  r.doubleOrUndefined(); // volatility
  r.intOrUndefined(); // volatilityType
  const deltaNeutralOrderType = r.str();
  r.doubleOrUndefined(); // deltaNeutralAuxPrice
  if (deltaNeutralOrderType !== '') {
    r.skip(4); // conId, settlingFirm, clearingAccount, clearingIntent
    r.skip(4); // openClose, shortSale, shortSaleSlot, designatedLocation
  }
  r.int(); // continuousUpdate
  r.intOrUndefined(); // referencePriceType
  const trailStopPrice = r.doubleOrUndefined();
  const trailingPercent = r.doubleOrUndefined();
  r.intOrUndefined(); // scaleInitLevelSize
  r.intOrUndefined(); // scaleSubsLevelSize
  const scalePriceIncrement = r.doubleOrUndefined();
  if (scalePriceIncrement !== undefined && scalePriceIncrement > 0) r.skip(7);
  r.skip(3); // scaleTable, activeStartTime, activeStopTime
  const hedgeType = r.str();
  if (hedgeType !== '') r.str(); // hedgeParam
  r.bool(); // optOutSmartRouting
  r.skip(2); // clearingAccount, clearingIntent
  r.bool(); // notHeld
  if (r.bool()) r.skip(3); // delta-neutral contract: conId, delta, price
  const algoStrategy = r.str();
  if (algoStrategy !== '') skipList(r, 2); // algo params
  r.str(); // algoId
  const whatIf = r.bool();
  r.str(); // orderMiscOptions
  r.bool(); // solicited
  r.skip(2); // randomizeSize, randomizePrice
  if (orderType === 'PEG BENCH') r.skip(5);
  const conditions = readConditions(r);
  r.skip(7); // adjusted order type, trigger price, limit offset, adjusted stop / stop-limit / trailing, trailing unit
  r.str(); // extOperator
  r.skip(2); // soft dollar tier name, value
  const cashQty = r.doubleOrUndefined();
  r.skip(4); // MiFID II decision maker / algo, execution trader / algo
  r.skip(4); // dontUseAutoPriceForHedge, isOmsContainer, discretionaryUpToLimitPrice, usePriceMgmtAlgo
  if (version >= ServerVersion.Duration) r.str();
  if (version >= ServerVersion.PostToAts) r.str();
  if (version >= ServerVersion.AutoCancelParent) r.str();
  if (version >= ServerVersion.AdvancedOrderReject) r.str();
  if (version >= ServerVersion.ManualOrderTime) r.str();
  if (version >= ServerVersion.PegBestPegMidOffsets) skipPegBestPegMid(r, contract, orderType);
  if (version >= ServerVersion.CustomerAccount) r.str();
  if (version >= ServerVersion.ProfessionalCustomer) r.str();
  if (version >= ServerVersion.RfqFields && version < ServerVersion.UndoRfqFields) r.skip(2);
  if (version >= ServerVersion.IncludeOvernight) r.str();
  if (version >= ServerVersion.CmeTaggingFields) r.str(); // manualOrderIndicator

  return {
    kind: 'placeOrder',
    orderId,
    contract,
    order: {
      action,
      totalQuantity,
      orderType,
      lmtPrice,
      auxPrice,
      tif,
      ocaGroup,
      account,
      openClose,
      origin,
      orderRef,
      transmit,
      parentId,
      outsideRth,
      hidden,
      displaySize,
      goodAfterTime,
      goodTillDate,
      ocaType,
      allOrNone,
      minQty,
      trailStopPrice,
      trailingPercent,
      whatIf,
      algoStrategy,
      conditions,
      cashQty,
      modelCode,
    },
  };
}

function readConditions(r: FieldReader): WireOrderCondition[] {
  const count = r.int();
  const conditions: WireOrderCondition[] = [];
  for (let i = 0; i < count; i++) {
    const type = r.int();
    const conjunction = r.str();
    switch (type) {
      case ConditionType.Execution:
        r.skip(3); // secType, exchange, symbol
        break;
      case ConditionType.Time:
      case ConditionType.Margin:
        r.skip(2); // isMore, value
        break;
      case ConditionType.Volume:
      case ConditionType.PercentChange:
        r.skip(4); // isMore, value, conId, exchange
        break;
      case ConditionType.Price:
        r.skip(5); // isMore, value, conId, exchange, triggerMethod
        break;
      default:
        throw new ProtocolError(`PlaceOrder: unknown order condition type ${type}`);
    }
    conditions.push({ type, conjunction });
  }
  if (count > 0) r.skip(2); // conditionsIgnoreRth, conditionsCancelOrder
  return conditions;
}

function skipPegBestPegMid(r: FieldReader, contract: WireContract, orderType: string): void {
  if (contract.exchange === 'IBKRATS') r.str(); // minTradeQty
  let midOffsets = orderType === 'PEG MID';
  if (orderType === 'PEG BEST') {
    r.str(); // minCompeteSize
    // Java writes COMPETE_AGAINST_BEST_OFFSET_UP_TO_MID (+infinity) when the mid offsets follow.
    midOffsets = /^\+?inf/i.test(r.str());
  }
  if (midOffsets) r.skip(2);
}
