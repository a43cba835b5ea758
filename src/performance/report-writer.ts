import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrderEvent } from '../domain/events.js';
import type { Fill } from '../domain/fill.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import { AsciiFileWriter } from './ascii-file-writer.js';
import { EQUITY_HEADER, writeEquityRow } from './equity-csv-writer.js';
import type { EquityColumns } from './equity-curve.js';
import type { PerformanceMetrics } from './metrics.js';
import { ORDERS_HEADER, writeOrderRows } from './report-rows.js';
import type { RiskCounts } from '../risk/risk-engine.js';
import type { RiskEvent } from '../risk/risk-events.js';
import { writeRiskEventsCsv } from './risk-events-csv.js';

const COMMA = 44;
const NEWLINE = 10;

export const TRADES_HEADER = 'symbol,entry_time,entry_price,exit_time,exit_price,quantity,pnl,commission';
export const FILLS_HEADER = 'time,symbol,side,quantity,price,commission,order_id,exec_id,purpose';

/** A number and the comma after it. */
export function decimalField(out: AsciiFileWriter, x: number): void {
  out.decimal(x);
  out.byte(COMMA);
}

/**
 * A text field (quoted when CSV needs it, as csvField does) and the comma after it. Rows are written field by field,
 * ids through `decimal`: a row built as a string would make a string of each id, which V8's number-to-string cache
 * keeps alive until the young generation's collections have copied it into the old one, where a long run's orders
 * and fills then pile up as garbage.
 */
export function textField(out: AsciiFileWriter, text: string): void {
  out.field(text);
  out.byte(COMMA);
}

/** A time and a price, each with its comma. */
function timeAndPrice(out: AsciiFileWriter, time: number, price: number): void {
  out.time(time);
  out.byte(COMMA);
  decimalField(out, price);
}

/** One trades.csv row. */
export function writeTradeRow(out: AsciiFileWriter, t: TradeRecord): void {
  out.field(t.symbol);
  out.byte(COMMA);
  timeAndPrice(out, t.entryTime, t.entryPrice);
  timeAndPrice(out, t.exitTime, t.exitPrice);
  decimalField(out, t.quantity);
  decimalField(out, t.pnl);
  out.decimal(t.commission);
  out.byte(NEWLINE);
}

/** One fills.csv row. */
export function writeFillRow(out: AsciiFileWriter, f: Fill): void {
  out.time(f.time);
  out.byte(COMMA);
  textField(out, f.symbol);
  textField(out, f.side);
  decimalField(out, f.quantity);
  decimalField(out, f.price);
  decimalField(out, f.commission);
  decimalField(out, f.orderId);
  textField(out, f.execId);
  out.text(f.purpose);
  out.byte(NEWLINE);
}

function writeAll<T>(path: string, header: string, rows: readonly T[], row: (out: AsciiFileWriter, x: T) => void) {
  const out = new AsciiFileWriter(path, 0);
  try {
    out.text(`${header}\n`);
    for (const x of rows) row(out, x);
  } finally {
    out.close();
  }
}

export function writeTradesCsv(path: string, trades: readonly TradeRecord[]): void {
  writeAll(path, TRADES_HEADER, trades, writeTradeRow);
}

export function writeFillsCsv(path: string, fills: readonly Fill[]): void {
  writeAll(path, FILLS_HEADER, fills, writeFillRow);
}

/** Writes account rows (daily.csv) in the format of equity.csv. */
export function writeEquityCsv(path: string, rows: EquityColumns): void {
  const out = new AsciiFileWriter(path, 2);
  try {
    out.text(`${EQUITY_HEADER}\n`);
    for (let i = 0; i < rows.length; i++)
      writeEquityRow(out, rows.time[i]!, rows.cash[i]!, rows.settledCash[i]!, rows.positionsValue[i]!);
  } finally {
    out.close();
  }
}

/** metrics.json: the performance figures, then the risk engine's events counted by rule. */
export function writeMetricsJson(
  path: string,
  metrics: PerformanceMetrics,
  riskCounts: RiskCounts = { rejected: {}, state_changes: {}, notices: {} },
): void {
  writeFileSync(path, `${JSON.stringify({ ...metrics, risk_events: riskCounts }, null, 2)}\n`);
}

export interface ReportInput {
  /** The daily snapshots (daily.csv); equity.csv is streamed during the run by an EquityCsvWriter. */
  readonly daily: EquityColumns;
  readonly trades: readonly TradeRecord[];
  readonly fills: readonly Fill[];
  readonly orders: readonly OrderEvent[];
  readonly metrics: PerformanceMetrics;
  /** The risk engine's events (none: risk_events.csv has its header alone). */
  readonly riskEvents?: readonly RiskEvent[];
  readonly riskCounts?: RiskCounts;
}

export interface ReportFiles {
  readonly trades: string;
  readonly fills: string;
  readonly orders: string;
  readonly equity: string;
  readonly daily: string;
  readonly metrics: string;
  readonly riskEvents: string;
}

export function reportFiles(directory: string): ReportFiles {
  return {
    trades: join(directory, 'trades.csv'),
    fills: join(directory, 'fills.csv'),
    orders: join(directory, 'orders.csv'),
    equity: join(directory, 'equity.csv'),
    daily: join(directory, 'daily.csv'),
    metrics: join(directory, 'metrics.json'),
    riskEvents: join(directory, 'risk_events.csv'),
  };
}

/** orders.csv: every order sent, bracket children after their parent. */
export function writeOrdersCsv(path: string, orders: readonly OrderEvent[]): void {
  writeAll(path, ORDERS_HEADER, orders, writeOrderRows);
}

/** Writes trades.csv, fills.csv, orders.csv, daily.csv, risk_events.csv and metrics.json into `directory` (created if missing). */
export function writeReport(directory: string, input: ReportInput): ReportFiles {
  mkdirSync(directory, { recursive: true });
  const files = reportFiles(directory);
  writeTradesCsv(files.trades, input.trades);
  writeFillsCsv(files.fills, input.fills);
  writeOrdersCsv(files.orders, input.orders);
  writeEquityCsv(files.daily, input.daily);
  writeRiskEventsCsv(files.riskEvents, input.riskEvents ?? []);
  writeMetricsJson(files.metrics, input.metrics, input.riskCounts);
  return files;
}
