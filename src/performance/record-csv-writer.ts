import type { OrderEvent } from '../domain/events.js';
import type { Fill } from '../domain/fill.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import { AsciiFileWriter } from './ascii-file-writer.js';
import { FILLS_HEADER, TRADES_HEADER, writeFillRow, writeTradeRow } from './report-writer.js';
import { ORDERS_HEADER, writeOrderRows } from './report-rows.js';

/** A few rows per trade: a small buffer each, flushed when full. */
const CHUNK_BYTES = 64 << 10;

export interface RecordFiles {
  readonly trades: string;
  readonly fills: string;
  readonly orders: string;
}

/**
 * Streams trades.csv, fills.csv and orders.csv while a backtest runs, in the bytes the batch writers produce, so
 * that a run keeps none of its trades, fills or orders in memory whatever their number.
 */
export class RecordCsvWriter {
  private readonly tradesOut: AsciiFileWriter;
  private readonly fillsOut: AsciiFileWriter;
  private readonly ordersOut: AsciiFileWriter;

  constructor(readonly files: RecordFiles) {
    this.tradesOut = new AsciiFileWriter(files.trades, 0, CHUNK_BYTES);
    this.fillsOut = new AsciiFileWriter(files.fills, 0, CHUNK_BYTES);
    this.ordersOut = new AsciiFileWriter(files.orders, 0, CHUNK_BYTES);
    this.tradesOut.text(`${TRADES_HEADER}\n`);
    this.fillsOut.text(`${FILLS_HEADER}\n`);
    this.ordersOut.text(`${ORDERS_HEADER}\n`);
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

  /** Flushes and closes all three; safe to call again. */
  close(): void {
    try {
      this.tradesOut.close();
    } finally {
      try {
        this.fillsOut.close();
      } finally {
        this.ordersOut.close();
      }
    }
  }
}
