import type { Instrument } from '../../market/instrument.js';
import { FieldWriter } from '../field-writer.js';
import { ServerMessageId } from '../message-ids.js';

export function encodeAccountValue(key: string, value: string, currency: string, account: string): Buffer {
  return new FieldWriter(ServerMessageId.AccountValue).int(2).str(key).str(value).str(currency).str(account).toBuffer();
}

export interface PortfolioLine {
  readonly instrument: Instrument;
  readonly position: number;
  readonly marketPrice: number;
  readonly marketValue: number;
  readonly averageCost: number;
  readonly unrealizedPnl: number;
  readonly realizedPnl: number;
}

/** PORTFOLIO_VALUE (7), message version 8. */
export function encodePortfolioValue(line: PortfolioLine, account: string): Buffer {
  const c = line.instrument;
  return new FieldWriter(ServerMessageId.PortfolioValue)
    .int(8)
    .int(c.conId)
    .str(c.symbol)
    .str(c.secType)
    .str('')
    .double(0)
    .str('')
    .str('') // multiplier
    .str(c.primaryExchange)
    .str(c.currency)
    .str(c.symbol)
    .str('NMS')
    .decimal(line.position)
    .double(line.marketPrice)
    .double(line.marketValue)
    .double(line.averageCost)
    .double(line.unrealizedPnl)
    .double(line.realizedPnl)
    .str(account)
    .toBuffer();
}

/** ACCT_UPDATE_TIME (8): "HH:mm" of the last update. */
export function encodeAccountUpdateTime(hhmm: string): Buffer {
  return new FieldWriter(ServerMessageId.AccountUpdateTime).int(1).str(hhmm).toBuffer();
}

export function encodeAccountDownloadEnd(account: string): Buffer {
  return new FieldWriter(ServerMessageId.AccountDownloadEnd).int(1).str(account).toBuffer();
}

/** The contract of a position line: conId through tradingClass, the listing exchange as the exchange. */
function positionContract(w: FieldWriter, instrument: Instrument): FieldWriter {
  return w
    .int(instrument.conId)
    .str(instrument.symbol)
    .str(instrument.secType)
    .str('')
    .double(0)
    .str('')
    .str('') // multiplier
    .str(instrument.exchange === 'SMART' ? instrument.primaryExchange : instrument.exchange)
    .str(instrument.currency)
    .str(instrument.symbol)
    .str('NMS');
}

/** POSITION (61), message version 3. */
export function encodePosition(account: string, instrument: Instrument, position: number, averageCost: number): Buffer {
  const w = new FieldWriter(ServerMessageId.Position).int(3).str(account);
  return positionContract(w, instrument).decimal(position).double(averageCost).toBuffer();
}

export function encodePositionEnd(): Buffer {
  return new FieldWriter(ServerMessageId.PositionEnd).int(1).toBuffer();
}

export function encodeAccountSummary(
  reqId: number,
  account: string,
  tag: string,
  value: string,
  currency: string,
): Buffer {
  return new FieldWriter(ServerMessageId.AccountSummary)
    .int(1)
    .int(reqId)
    .str(account)
    .str(tag)
    .str(value)
    .str(currency)
    .toBuffer();
}

export function encodeAccountSummaryEnd(reqId: number): Buffer {
  return new FieldWriter(ServerMessageId.AccountSummaryEnd).int(1).int(reqId).toBuffer();
}

/** POSITION_MULTI (71), message version 1: a position of reqPositionsMulti, with the model code last. */
export function encodePositionMulti(
  reqId: number,
  account: string,
  modelCode: string,
  instrument: Instrument,
  position: number,
  averageCost: number,
): Buffer {
  const w = new FieldWriter(ServerMessageId.PositionMulti).int(1).int(reqId).str(account);
  return positionContract(w, instrument).decimal(position).double(averageCost).str(modelCode).toBuffer();
}

export function encodePositionMultiEnd(reqId: number): Buffer {
  return new FieldWriter(ServerMessageId.PositionMultiEnd).int(1).int(reqId).toBuffer();
}

/** ACCOUNT_UPDATE_MULTI (73), message version 1: one account value of reqAccountUpdatesMulti. */
export function encodeAccountUpdateMulti(
  reqId: number,
  account: string,
  modelCode: string,
  key: string,
  value: string,
  currency: string,
): Buffer {
  return new FieldWriter(ServerMessageId.AccountUpdateMulti)
    .int(1)
    .int(reqId)
    .str(account)
    .str(modelCode)
    .str(key)
    .str(value)
    .str(currency)
    .toBuffer();
}

export function encodeAccountUpdateMultiEnd(reqId: number): Buffer {
  return new FieldWriter(ServerMessageId.AccountUpdateMultiEnd).int(1).int(reqId).toBuffer();
}
