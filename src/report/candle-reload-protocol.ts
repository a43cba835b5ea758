import type { MessagePort } from 'node:worker_threads';
import type { SymbolCandlesState } from './symbol-candles.js';

/** What the candle thread is started with (its workerData). */
export interface CandleReloadData {
  /**
   * Int32 words: POSTED, results posted so far (the thread adds one and notifies after each, and once more as it
   * ends); ENDED, 1 once the thread has ended (a failure to start included).
   */
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
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
export const CONTROL_WORDS = 2;
