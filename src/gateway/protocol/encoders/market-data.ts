import { FieldWriter, formatDouble, frameFields } from '../field-writer.js';
import { ServerMessageId } from '../message-ids.js';

/** One bar as the historical-data messages carry it; volume, WAP and count are -1 for quote-based data. */
export interface WireBar {
  readonly date: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly wap: number;
  readonly count: number;
}

/** HISTORICAL_DATA (17) without the per-message version (server ≥ SYNT_REALTIME_BARS), with start/end dates. */
export function encodeHistoricalData(reqId: number, start: string, end: string, bars: readonly WireBar[]): Buffer {
  const w = new FieldWriter(ServerMessageId.HistoricalData).int(reqId).str(start).str(end).int(bars.length);
  for (const bar of bars) {
    w.str(bar.date).double(bar.open).double(bar.high).double(bar.low).double(bar.close);
    w.decimal(bar.volume).decimal(bar.wap).int(bar.count);
  }
  return w.toBuffer();
}

/** HISTORICAL_DATA_UPDATE (90): the bar being built for a keepUpToDate request (note: close before high/low). */
export function encodeHistoricalDataUpdate(reqId: number, bar: WireBar): Buffer {
  return new FieldWriter(ServerMessageId.HistoricalDataUpdate)
    .int(reqId)
    .int(bar.count)
    .str(bar.date)
    .double(bar.open)
    .double(bar.close)
    .double(bar.high)
    .double(bar.low)
    .decimal(bar.wap)
    .decimal(bar.volume)
    .toBuffer();
}

/**
 * REAL_TIME_BARS (50). Formatted field by field without an intermediate writer: this is the message the gateway
 * sends most often.
 */
export function encodeRealTimeBar(
  reqId: number,
  epochSeconds: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
  wap: number,
  count: number,
): Buffer {
  return frameFields([
    '50',
    '3',
    String(reqId),
    String(epochSeconds),
    formatDouble(open),
    formatDouble(high),
    formatDouble(low),
    formatDouble(close),
    formatDouble(volume),
    formatDouble(wap),
    String(count),
  ]);
}

export function encodeHeadTimestamp(reqId: number, timestamp: string): Buffer {
  return new FieldWriter(ServerMessageId.HeadTimestamp).int(reqId).str(timestamp).toBuffer();
}

/** TICK_PRICE (1), message version 6: price with its size (for bid, ask and last) and the attribute mask. */
export function encodeTickPrice(
  reqId: number,
  tickType: number,
  price: number,
  size: number,
  attrMask: number,
): Buffer {
  return new FieldWriter(ServerMessageId.TickPrice)
    .int(6)
    .int(reqId)
    .int(tickType)
    .double(price)
    .decimal(size)
    .int(attrMask)
    .toBuffer();
}

/** TICK_SIZE (2), message version 6. */
export function encodeTickSize(reqId: number, tickType: number, size: number): Buffer {
  return new FieldWriter(ServerMessageId.TickSize).int(6).int(reqId).int(tickType).decimal(size).toBuffer();
}

/** TICK_REQ_PARAMS (81): minimum tick, BBO exchange and snapshot permissions of a market data request. */
export function encodeTickReqParams(reqId: number, minTick: number, bboExchange: string): Buffer {
  return new FieldWriter(ServerMessageId.TickReqParams).int(reqId).double(minTick).str(bboExchange).int(3).toBuffer();
}

export function encodeTickSnapshotEnd(reqId: number): Buffer {
  return new FieldWriter(ServerMessageId.TickSnapshotEnd).int(1).int(reqId).toBuffer();
}
