import type { OrderEvent } from '../domain/events.js';
import type { Fill } from '../domain/fill.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import type { RiskEvent } from '../risk/risk-events.js';
import { AsciiFileWriter } from './ascii-file-writer.js';
import { RISK_EVENTS_HEADER, writeRiskEventRow } from './risk-events-csv.js';
import { FILLS_HEADER, TRADES_HEADER, writeFillRow, writeTradeRow } from './report-writer.js';
import { ORDERS_HEADER, writeOrderRows } from './report-rows.js';

/** A few rows per trade: a small buffer each, flushed when full. */
const CHUNK_BYTES = 64 << 10;

export interface RecordFiles {
  readonly trades: string;
  readonly fills: string;
  readonly orders: string;
  readonly riskEvents: string;
}

/**
 * Streams trades.csv, fills.csv, orders.csv and risk_events.csv while a backtest runs, in the bytes the batch writers
 * produce, so that a run keeps none of its trades, fills, orders or risk events in memory whatever their number.
 */
export class RecordCsvWriter {
  private readonly tradesOut: AsciiFileWriter;
  private readonly fillsOut: AsciiFileWriter;
  private readonly ordersOut: AsciiFileWriter;
  private readonly riskOut: AsciiFileWriter;

  constructor(readonly files: RecordFiles) {
    this.tradesOut = new AsciiFileWriter(files.trades, 0, CHUNK_BYTES);
    this.fillsOut = new AsciiFileWriter(files.fills, 0, CHUNK_BYTES);
    this.ordersOut = new AsciiFileWriter(files.orders, 0, CHUNK_BYTES);
    this.riskOut = new AsciiFileWriter(files.riskEvents, 0, CHUNK_BYTES);
    this.tradesOut.text(`${TRADES_HEADER}\n`);
    this.fillsOut.text(`${FILLS_HEADER}\n`);
    this.ordersOut.text(`${ORDERS_HEADER}\n`);
    this.riskOut.text(`${RISK_EVENTS_HEADER}\n`);
  }

  trade(trade: TradeRecord): void {
    writeTradeRow(this.tradesOut, trade);
  }

  fill(fill: Fill): void {
    writeFillRow(this.fillsOut, fill);
  }

  order(event: OrderEvent): void {
    writeOrderRows(this.ordersOut, event);
  }

  riskEvent(event: RiskEvent): void {
    writeRiskEventRow(this.riskOut, event);
  }

  /** Flushes and closes all four, each even when another fails; safe to call again. */
  close(): void {
    let failure: Error | undefined;
    for (const out of [this.tradesOut, this.fillsOut, this.ordersOut, this.riskOut]) {
      try {
        out.close();
      } catch (error) {
        failure ??= error as Error;
      }
    }
    if (failure !== undefined) throw failure;
  }
}
