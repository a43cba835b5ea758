import type { MessagePort } from 'node:worker_threads';
import type { SymbolCandlesState } from './symbol-candles.js';

/**
 * Where candle requests go and their results come back: a port (requests one way, results the other) and Int32
 * control words — POSTED, results posted so far (the serving thread adds one and notifies after each, and once more
 * as it ends); ENDED, 1 once that thread has ended (a failure to start included); REQUESTED, requests posted so far
 * (added to and notified with each, for a thread that sleeps between them).
 */
export interface CandleChannel {
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** What the candle thread is started with (its workerData). */
export interface CandleReloadData extends CandleChannel {
  /** The run's bounds and row rules, as its streams had them (open sides absent). */
  readonly start?: number | string;
  readonly end?: number | string;
  readonly skipBadRows: boolean;
}

/** A traded symbol's file, to gather into candles with a cap no lower than the report will end on. */
export interface CandleRequest {
  readonly symbol: string;
  readonly path: string;
  readonly cap: number;
}

/** The candles of a requested symbol, or why there are none (the report then reads the file itself). */
export type CandleResult =
  | { readonly symbol: string; readonly state: SymbolCandlesState }
  | { readonly symbol: string; readonly failed: string };

export const POSTED = 0;
export const ENDED = 1;
export const REQUESTED = 2;
export const CONTROL_WORDS = 3;

/** A channel's control block, zeroed. */
export function candleControl(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT);
}
