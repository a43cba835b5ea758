import { isBag, readContract, skipList } from './decoders/contract-fields.js';
import { decodePlaceOrder, type PlaceOrderRequest } from './decoders/place-order.js';
import { FieldReader, parseWireInt } from './field-reader.js';
import { ClientMessageId, clientMessageName } from './message-ids.js';
import { ProtocolError } from './protocol-error.js';
import { ServerVersion } from './server-versions.js';
import type { WireContract, WireExecutionFilter } from './wire-types.js';

export type { PlaceOrderRequest } from './decoders/place-order.js';

/** A decoded client message the gateway acts on. */
export type ClientRequest =
  | { readonly kind: 'startApi'; readonly clientId: number; readonly optionalCapabilities: string }
  | { readonly kind: 'reqIds'; readonly numIds: number }
  | { readonly kind: 'reqCurrentTime' }
  | { readonly kind: 'reqManagedAccounts' }
  | { readonly kind: 'reqMarketDataType'; readonly marketDataType: number }
  | { readonly kind: 'reqContractDetails'; readonly reqId: number; readonly contract: WireContract }
  | {
      readonly kind: 'reqHistoricalData';
      readonly reqId: number;
      readonly contract: WireContract;
      readonly endDateTime: string;
      readonly barSize: string;
      readonly duration: string;
      readonly useRth: boolean;
      readonly whatToShow: string;
      readonly formatDate: number;
      readonly keepUpToDate: boolean;
    }
  | { readonly kind: 'cancelHistoricalData'; readonly reqId: number }
  | {
      readonly kind: 'reqHeadTimestamp';
      readonly reqId: number;
      readonly contract: WireContract;
      readonly useRth: boolean;
      readonly whatToShow: string;
      readonly formatDate: number;
    }
  | { readonly kind: 'cancelHeadTimestamp'; readonly reqId: number }
  | {
      readonly kind: 'reqRealTimeBars';
      readonly reqId: number;
      readonly contract: WireContract;
      readonly barSize: number;
      readonly whatToShow: string;
      readonly useRth: boolean;
    }
  | { readonly kind: 'cancelRealTimeBars'; readonly reqId: number }
  | { readonly kind: 'reqMktData'; readonly reqId: number; readonly contract: WireContract; readonly snapshot: boolean }
  | { readonly kind: 'cancelMktData'; readonly reqId: number }
  | { readonly kind: 'reqAccountUpdates'; readonly subscribe: boolean; readonly account: string }
  | { readonly kind: 'reqAccountSummary'; readonly reqId: number; readonly group: string; readonly tags: string }
  | { readonly kind: 'cancelAccountSummary'; readonly reqId: number }
  | { readonly kind: 'reqPositions' }
  | { readonly kind: 'cancelPositions' }
  | { readonly kind: 'reqPositionsMulti'; readonly reqId: number; readonly account: string; readonly modelCode: string }
  | { readonly kind: 'cancelPositionsMulti'; readonly reqId: number }
  | {
      readonly kind: 'reqAccountUpdatesMulti';
      readonly reqId: number;
      readonly account: string;
      readonly modelCode: string;
      /** Only the cash ledger and the net liquidation value. */
      readonly ledgerAndNlv: boolean;
    }
  | { readonly kind: 'cancelAccountUpdatesMulti'; readonly reqId: number }
  | PlaceOrderRequest
  | { readonly kind: 'cancelOrder'; readonly orderId: number }
  | { readonly kind: 'reqOpenOrders' }
  | { readonly kind: 'reqAllOpenOrders' }
  | { readonly kind: 'reqAutoOpenOrders'; readonly autoBind: boolean }
  | { readonly kind: 'reqGlobalCancel' }
  | { readonly kind: 'reqExecutions'; readonly reqId: number; readonly filter: WireExecutionFilter }
  | { readonly kind: 'reqCompletedOrders'; readonly apiOnly: boolean }
  | { readonly kind: 'reqMarketRule'; readonly marketRuleId: number }
  | { readonly kind: 'reqUserInfo'; readonly reqId: number }
  /** A message TWS knows but the gateway does not serve; `reqId` is the request it must answer, if any. */
  | { readonly kind: 'unsupported'; readonly msgId: number; readonly name: string; readonly reqId: number | undefined }
  /** A cancel or setting the gateway accepts without doing anything. */
  | { readonly kind: 'ignored'; readonly msgId: number; readonly name: string }
  | { readonly kind: 'unknown'; readonly msgId: number };

/** Where the request id sits in a served-nowhere message (after the message id and, for most, a version). */
const UNSUPPORTED_REQ_ID_INDEX: Partial<Record<number, number | null>> = {
  [ClientMessageId.ReqMktDepth]: 2,
  [ClientMessageId.ReqNewsBulletins]: null,
  [ClientMessageId.ReqFa]: null,
  [ClientMessageId.ReplaceFa]: null,
  [ClientMessageId.ExerciseOptions]: 2,
  [ClientMessageId.ReqScannerSubscription]: 1,
  [ClientMessageId.ReqScannerParameters]: null,
  [ClientMessageId.ReqFundamentalData]: 2,
  [ClientMessageId.ReqCalcImpliedVolat]: 2,
  [ClientMessageId.ReqCalcOptionPrice]: 2,
  [ClientMessageId.VerifyRequest]: null,
  [ClientMessageId.VerifyMessage]: null,
  [ClientMessageId.QueryDisplayGroups]: 2,
  [ClientMessageId.SubscribeToGroupEvents]: 2,
  [ClientMessageId.UpdateDisplayGroup]: 2,
  [ClientMessageId.VerifyAndAuthRequest]: null,
  [ClientMessageId.VerifyAndAuthMessage]: null,
  [ClientMessageId.ReqSecDefOptParams]: 1,
  [ClientMessageId.ReqSoftDollarTiers]: 1,
  [ClientMessageId.ReqFamilyCodes]: null,
  [ClientMessageId.ReqMatchingSymbols]: 1,
  [ClientMessageId.ReqMktDepthExchanges]: null,
  [ClientMessageId.ReqSmartComponents]: 1,
  [ClientMessageId.ReqNewsArticle]: 1,
  [ClientMessageId.ReqNewsProviders]: null,
  [ClientMessageId.ReqHistoricalNews]: 1,
  [ClientMessageId.ReqHistogramData]: 1,
  [ClientMessageId.ReqPnl]: 1,
  [ClientMessageId.ReqPnlSingle]: 1,
  [ClientMessageId.ReqHistoricalTicks]: 1,
  [ClientMessageId.ReqTickByTickData]: 1,
  [ClientMessageId.ReqWshMetaData]: 1,
  [ClientMessageId.ReqWshEventData]: 1,
};

/** Cancels and settings of features the gateway does not serve: nothing to answer. */
const IGNORED: ReadonlySet<number> = new Set([
  ClientMessageId.CancelMktDepth,
  ClientMessageId.CancelNewsBulletins,
  ClientMessageId.SetServerLogLevel,
  ClientMessageId.CancelScannerSubscription,
  ClientMessageId.CancelFundamentalData,
  ClientMessageId.CancelCalcImpliedVolat,
  ClientMessageId.CancelCalcOptionPrice,
  ClientMessageId.UnsubscribeFromGroupEvents,
  ClientMessageId.CancelHistogramData,
  ClientMessageId.CancelPnl,
  ClientMessageId.CancelPnlSingle,
  ClientMessageId.CancelTickByTickData,
  ClientMessageId.CancelWshMetaData,
  ClientMessageId.CancelWshEventData,
]);

/** Field index of the request or order id per message, for answering a message that cannot be decoded. */
const REQUEST_ID_INDEX: Partial<Record<number, number>> = {
  [ClientMessageId.PlaceOrder]: 1,
  [ClientMessageId.ReqHistoricalData]: 1,
  [ClientMessageId.ReqHeadTimestamp]: 1,
  [ClientMessageId.CancelHeadTimestamp]: 1,
  [ClientMessageId.ReqContractData]: 2,
  [ClientMessageId.ReqRealTimeBars]: 2,
  [ClientMessageId.CancelRealTimeBars]: 2,
  [ClientMessageId.CancelHistoricalData]: 2,
  [ClientMessageId.ReqMktData]: 2,
  [ClientMessageId.CancelMktData]: 2,
  [ClientMessageId.ReqAccountSummary]: 2,
  [ClientMessageId.CancelAccountSummary]: 2,
  [ClientMessageId.ReqExecutions]: 2,
  [ClientMessageId.ReqUserInfo]: 1,
  [ClientMessageId.ReqPositionsMulti]: 2,
  [ClientMessageId.CancelPositionsMulti]: 2,
  [ClientMessageId.ReqAccountUpdatesMulti]: 2,
  [ClientMessageId.CancelAccountUpdatesMulti]: 2,
};

/** The int at `index` of a message's raw fields; undefined when there is none there. */
function integerAt(fields: readonly string[], index: number | null | undefined): number | undefined {
  const text = index === undefined || index === null ? undefined : fields[index];
  return text === undefined ? undefined : parseWireInt(text);
}

/** The request (or order) id a message is about, best effort from its raw fields; −1 when there is none. */
export function requestIdOf(fields: readonly string[], version: number): number {
  const msgId = parseWireInt(fields[0] ?? '') ?? -1;
  let index: number | null | undefined = REQUEST_ID_INDEX[msgId];
  if (msgId === ClientMessageId.CancelOrder) index = version < ServerVersion.CmeTaggingFields ? 2 : 1;
  index ??= UNSUPPORTED_REQ_ID_INDEX[msgId];
  return integerAt(fields, index) ?? -1;
}

/**
 * Decodes one client message (its fields, the message id first) as the negotiated server version defines it.
 * Throws ProtocolError when a field is missing or malformed.
 */
export function decodeRequest(fields: readonly string[], version: number): ClientRequest {
  const idText = fields[0] ?? '';
  const msgId = parseWireInt(idText);
  if (msgId === undefined || msgId < 0) {
    throw new ProtocolError(`message id ${JSON.stringify(idText)} is not a number`);
  }
  const name = clientMessageName(msgId);
  if (name === undefined) return { kind: 'unknown', msgId };
  const r = new FieldReader(fields, name);
  r.skip(1);
  return decodeKnown(msgId, name, r, fields, version);
}

function decodeKnown(
  msgId: number,
  name: string,
  r: FieldReader,
  fields: readonly string[],
  version: number,
): ClientRequest {
  switch (msgId) {
    case ClientMessageId.StartApi: {
      r.int(); // version
      // TWS needs a client id: an empty field is not client 0.
      const clientId = r.requiredInt();
      const optionalCapabilities = r.remaining > 0 ? r.str() : '';
      return { kind: 'startApi', clientId, optionalCapabilities };
    }
    case ClientMessageId.ReqIds:
      r.int();
      return { kind: 'reqIds', numIds: r.int() };
    case ClientMessageId.ReqCurrentTime:
      return { kind: 'reqCurrentTime' };
    case ClientMessageId.ReqManagedAccts:
      return { kind: 'reqManagedAccounts' };
    case ClientMessageId.ReqMarketDataType:
      r.int();
      return { kind: 'reqMarketDataType', marketDataType: r.int() };
    case ClientMessageId.ReqContractData: {
      r.int(); // version
      const reqId = r.int();
      const contract = readContract(r);
      r.bool(); // includeExpired
      r.skip(2); // secIdType, secId
      if (version >= ServerVersion.BondIssuerId) r.str(); // issuerId
      return { kind: 'reqContractDetails', reqId, contract };
    }
    case ClientMessageId.ReqHistoricalData:
      return decodeHistoricalData(r);
    case ClientMessageId.CancelHistoricalData:
      r.int();
      return { kind: 'cancelHistoricalData', reqId: r.int() };
    case ClientMessageId.ReqHeadTimestamp: {
      const reqId = r.int();
      const contract = readContract(r);
      r.bool(); // includeExpired
      const useRth = r.bool();
      const whatToShow = r.str();
      const formatDate = r.int();
      return { kind: 'reqHeadTimestamp', reqId, contract, useRth, whatToShow, formatDate };
    }
    case ClientMessageId.CancelHeadTimestamp:
      return { kind: 'cancelHeadTimestamp', reqId: r.int() };
    case ClientMessageId.ReqRealTimeBars: {
      r.int(); // version
      const reqId = r.int();
      const contract = readContract(r);
      const barSize = r.int();
      const whatToShow = r.str();
      const useRth = r.bool();
      return { kind: 'reqRealTimeBars', reqId, contract, barSize, whatToShow, useRth };
    }
    case ClientMessageId.CancelRealTimeBars:
      r.int();
      return { kind: 'cancelRealTimeBars', reqId: r.int() };
    case ClientMessageId.ReqMktData: {
      r.int(); // version
      const reqId = r.int();
      const contract = readContract(r);
      if (isBag(contract)) skipList(r, 4); // combo legs
      if (r.bool()) r.skip(3); // delta-neutral contract
      r.str(); // genericTickList
      const snapshot = r.bool();
      return { kind: 'reqMktData', reqId, contract, snapshot };
    }
    case ClientMessageId.CancelMktData:
      r.int();
      return { kind: 'cancelMktData', reqId: r.int() };
    case ClientMessageId.ReqAccountData: {
      r.int();
      const subscribe = r.bool();
      const account = r.remaining > 0 ? r.str() : '';
      return { kind: 'reqAccountUpdates', subscribe, account };
    }
    case ClientMessageId.ReqAccountSummary: {
      r.int();
      const reqId = r.int();
      const group = r.str();
      const tags = r.str();
      return { kind: 'reqAccountSummary', reqId, group, tags };
    }
    case ClientMessageId.CancelAccountSummary:
      r.int();
      return { kind: 'cancelAccountSummary', reqId: r.int() };
    case ClientMessageId.ReqPositions:
      return { kind: 'reqPositions' };
    case ClientMessageId.CancelPositions:
      return { kind: 'cancelPositions' };
    case ClientMessageId.ReqPositionsMulti: {
      r.int(); // version
      const reqId = r.int();
      const account = r.str();
      const modelCode = r.str();
      return { kind: 'reqPositionsMulti', reqId, account, modelCode };
    }
    case ClientMessageId.CancelPositionsMulti:
      r.int();
      return { kind: 'cancelPositionsMulti', reqId: r.int() };
    case ClientMessageId.ReqAccountUpdatesMulti: {
      r.int(); // version
      const reqId = r.int();
      const account = r.str();
      const modelCode = r.str();
      const ledgerAndNlv = r.bool();
      return { kind: 'reqAccountUpdatesMulti', reqId, account, modelCode, ledgerAndNlv };
    }
    case ClientMessageId.CancelAccountUpdatesMulti:
      r.int();
      return { kind: 'cancelAccountUpdatesMulti', reqId: r.int() };
    case ClientMessageId.PlaceOrder:
      return decodePlaceOrder(r, version);
    case ClientMessageId.CancelOrder: {
      if (version < ServerVersion.CmeTaggingFields) r.int(); // version
      return { kind: 'cancelOrder', orderId: r.int() };
    }
    case ClientMessageId.ReqOpenOrders:
      return { kind: 'reqOpenOrders' };
    case ClientMessageId.ReqAllOpenOrders:
      return { kind: 'reqAllOpenOrders' };
    case ClientMessageId.ReqAutoOpenOrders:
      r.int();
      return { kind: 'reqAutoOpenOrders', autoBind: r.bool() };
    case ClientMessageId.ReqGlobalCancel:
      return { kind: 'reqGlobalCancel' };
    case ClientMessageId.ReqExecutions:
      return decodeExecutions(r);
    case ClientMessageId.ReqCompletedOrders:
      return { kind: 'reqCompletedOrders', apiOnly: r.bool() };
    case ClientMessageId.ReqMarketRule:
      return { kind: 'reqMarketRule', marketRuleId: r.int() };
    case ClientMessageId.ReqUserInfo:
      return { kind: 'reqUserInfo', reqId: r.int() };
    default: {
      if (IGNORED.has(msgId)) return { kind: 'ignored', msgId, name };
      return { kind: 'unsupported', msgId, name, reqId: integerAt(fields, UNSUPPORTED_REQ_ID_INDEX[msgId]) };
    }
  }
}

function decodeHistoricalData(r: FieldReader): ClientRequest {
  const reqId = r.int();
  const contract = readContract(r);
  r.bool(); // includeExpired
  const endDateTime = r.str();
  const barSize = r.str();
  const duration = r.str();
  const useRth = r.bool();
  const whatToShow = r.str();
  const formatDate = r.int();
  if (isBag(contract)) skipList(r, 4); // combo legs
  const keepUpToDate = r.bool();
  return {
    kind: 'reqHistoricalData',
    reqId,
    contract,
    endDateTime,
    barSize,
    duration,
    useRth,
    whatToShow,
    formatDate,
    keepUpToDate,
  };
}

function decodeExecutions(r: FieldReader): ClientRequest {
  r.int(); // version
  const reqId = r.int();
  const filter: WireExecutionFilter = {
    clientId: r.int(),
    account: r.str(),
    time: r.str(),
    symbol: r.str(),
    secType: r.str(),
    exchange: r.str(),
    side: r.str(),
  };
  return { kind: 'reqExecutions', reqId, filter };
}
