import { BarWindow } from '../data/bar-window.js';
import { CsvBarStream, DEFAULT_CHUNK_BYTES } from '../data/csv-bar-stream.js';
import { PeriodKeys } from './candle-buckets.js';
import {
  ENDED,
  POSTED,
  type CandleReloadData,
  type CandleRequest,
  type CandleResult,
} from './candle-reload-protocol.js';
import { SymbolCandles } from './symbol-candles.js';

/**
 * The serving side of a candle channel, in the thread that gathers the candles (the candle thread, or the merging
 * thread in its idle time): `answer` reads a requested symbol's file as the report would at the end of the run, into
 * the symbol's candles at every period, and posts them back (or why not).
 */
export function candleResponder(data: CandleReloadData): (request: CandleRequest) => void {
  const control = new Int32Array(data.control);
  // However the thread ends, a report waiting for it learns at once, and reads the files itself.
  process.on('exit', () => {
    Atomics.store(control, ENDED, 1);
    signal(control);
  });
  // Files are read one after another: one buffer and one window serve them all (see sequentialBarReader).
  const shared = { readBuffer: Buffer.allocUnsafe(DEFAULT_CHUNK_BYTES), window: new BarWindow(0) };
  const rules = {
    ...(data.start !== undefined && { start: data.start }),
    ...(data.end !== undefined && { end: data.end }),
    skipBadRows: data.skipBadRows,
  };

  const candles = (request: CandleRequest): SymbolCandles => {
    const chart = new SymbolCandles(request.symbol);
    const keys = new PeriodKeys();
    const stream = new CsvBarStream(request.path, request.symbol, { ...rules, ...shared });
    try {
      while (!stream.done) {
        keys.set(stream.time);
        chart.add(keys, stream, request.cap);
        stream.advance();
      }
    } finally {
      stream.release();
    }
    return chart;
  };

  return (request) => {
    let result: CandleResult;
    let transfer: ArrayBuffer[] = [];
    try {
      const state = candles(request).state();
      result = { symbol: request.symbol, state };
      const columns = [state.bar, state.day, state.week, state.month];
      transfer = columns.flatMap((column) => column?.chunks.map((chunk) => chunk.buffer as ArrayBuffer) ?? []);
    } catch (error) {
      result = { symbol: request.symbol, failed: error instanceof Error ? error.message : String(error) };
    }
    data.port.postMessage(result, transfer);
    signal(control);
  };
}

/** Wakes a waiting report with one more posting. */
function signal(control: Int32Array): void {
  Atomics.add(control, POSTED, 1);
  Atomics.notify(control, POSTED);
}
