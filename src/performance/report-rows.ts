import type { OrderEvent } from '../domain/events.js';
import type { Fill } from '../domain/fill.js';
import type { OrderRequest } from '../domain/order.js';
import { formatTime } from '../domain/time.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import type { AsciiFileWriter } from './ascii-file-writer.js';
import { formatDecimal } from './decimal-format.js';
import { csvField } from './csv-field.js';
import { decimalField, textField } from './report-writer.js';

/**
 * One row at a time, for files written while a live session runs; the same bytes as the backtest's batch writers
 * (formatDecimal is what AsciiFileWriter reproduces), so live and backtest result files compare line by line.
 */
const COMMA = 44;
const NEWLINE = 10;

export const ORDERS_HEADER =
  'time,order_id,symbol,side,quantity,type,limit_price,stop_price,tif,parent_id,purpose,strategy';

export function fillRow(f: Fill): string {
  return [
    formatTime(f.time),
    csvField(f.symbol),
    f.side,
    formatDecimal(f.quantity),
    formatDecimal(f.price),
    formatDecimal(f.commission),
    f.orderId,
    csvField(f.execId),
    f.purpose,
  ].join(',');
}

export function tradeRow(t: TradeRecord): string {
  return [
    csvField(t.symbol),
    formatTime(t.entryTime),
    formatDecimal(t.entryPrice),
    formatTime(t.exitTime),
    formatDecimal(t.exitPrice),
    formatDecimal(t.quantity),
    formatDecimal(t.pnl),
    formatDecimal(t.commission),
  ].join(',');
}

function price(x: number | undefined): string {
  return x === undefined ? '' : formatDecimal(x);
}

function orderRow(o: OrderRequest): string {
  return [
    formatTime(o.createdAt),
    o.id,
    csvField(o.symbol),
    o.side,
    formatDecimal(o.quantity),
    o.type,
    price(o.limitPrice),
    price(o.stopPrice ?? o.trailAmount),
    o.tif,
    o.parentId ?? '',
    o.purpose,
    csvField(o.strategyId ?? ''),
  ].join(',');
}

/** orderRow through a byte writer: the same characters. */
function writeOrderRow(out: AsciiFileWriter, o: OrderRequest): void {
  out.time(o.createdAt);
  out.byte(COMMA);
  decimalField(out, o.id);
  textField(out, o.symbol);
  textField(out, o.side);
  decimalField(out, o.quantity);
  textField(out, o.type);
  if (o.limitPrice !== undefined) out.decimal(o.limitPrice);
  out.byte(COMMA);
  const stop = o.stopPrice ?? o.trailAmount;
  if (stop !== undefined) out.decimal(stop);
  out.byte(COMMA);
  textField(out, o.tif);
  if (o.parentId !== undefined) out.decimal(o.parentId);
  out.byte(COMMA);
  textField(out, o.purpose);
  out.field(o.strategyId ?? '');
  out.byte(NEWLINE);
}

/** The rows of an order event (the order, then its bracket children) through a byte writer. */
export function writeOrderRows(out: AsciiFileWriter, event: OrderEvent): void {
  writeOrderRow(out, event.order);
  for (const child of event.children) writeOrderRow(out, child);
}

/** The rows of an order event: the order, then its bracket children. */
export function orderRows(event: OrderEvent): string[] {
  return [orderRow(event.order), ...event.children.map(orderRow)];
}
