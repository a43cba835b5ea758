import type { Instrument } from '../../market/instrument.js';
import { FieldWriter } from '../field-writer.js';
import { ServerMessageId } from '../message-ids.js';
import { ServerVersion } from '../server-versions.js';

/** Trading-session texts of contract details, e.g. "20240105:0930-20240105:1600;20240106:CLOSED". */
export interface SessionTexts {
  readonly timeZoneId: string;
  readonly tradingHours: string;
  readonly liquidHours: string;
}

const STOCK_ORDER_TYPES =
  'ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,COND,CONDORDER,DAY,DEACT,DEACTDIS,GAT,GTC,GTD,GTT,HID,LIT,LMT,MIT,MKT,MTL,NGCOMB,NONALGO,OCA,PEGBENCH,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF';

/** CONTRACT_DATA (10) for a stock or index, laid out as the negotiated version requires. */
export function encodeContractData(
  version: number,
  reqId: number,
  instrument: Instrument,
  sessions: SessionTexts,
): Buffer {
  const isStock = instrument.secType === 'STK';
  const w = new FieldWriter(ServerMessageId.ContractData);
  if (version < ServerVersion.SizeRules) w.int(8);
  w.int(reqId).str(instrument.symbol).str(instrument.secType);
  w.str(''); // lastTradeDateOrContractMonth
  if (version >= ServerVersion.LastTradeDate) w.str('');
  w.double(0).str(''); // strike, right
  w.str(instrument.exchange).str(instrument.currency).str(instrument.symbol);
  w.str(isStock ? 'NMS' : instrument.symbol); // marketName
  w.str(isStock ? 'NMS' : instrument.symbol); // tradingClass
  w.int(instrument.conId).double(instrument.minTick);
  if (version >= ServerVersion.MdSizeMultiplier && version < ServerVersion.SizeRules) w.int(1);
  w.str(''); // multiplier
  w.str(isStock ? STOCK_ORDER_TYPES : '');
  w.str(isStock ? `SMART,${instrument.primaryExchange}` : instrument.exchange); // validExchanges
  w.int(1); // priceMagnifier
  w.int(0); // underConId
  w.str(instrument.longName).str(instrument.primaryExchange);
  w.str(''); // contractMonth
  w.str(instrument.industry).str(instrument.category).str(instrument.subcategory);
  w.str(sessions.timeZoneId).str(sessions.tradingHours).str(sessions.liquidHours);
  w.str('').int(0); // evRule, evMultiplier
  w.int(0); // secIdList count
  w.int(isStock ? 1 : 0); // aggGroup
  w.str('').str(''); // underSymbol, underSecType
  w.str(isStock ? `${instrument.marketRuleId},${instrument.marketRuleId}` : String(instrument.marketRuleId));
  w.str(''); // realExpirationDate
  w.str(instrument.stockType);
  if (version >= ServerVersion.FractionalSizeSupport && version < ServerVersion.SizeRules) w.decimal(1);
  if (version >= ServerVersion.SizeRules) w.decimal(1).decimal(1).decimal(100); // minSize, increments
  if (version >= ServerVersion.IneligibilityReasons) w.int(0);
  return w.toBuffer();
}

export function encodeContractDataEnd(reqId: number): Buffer {
  return new FieldWriter(ServerMessageId.ContractDataEnd).int(1).int(reqId).toBuffer();
}
