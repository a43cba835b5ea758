import type { MessagePort } from 'node:worker_threads';
import type { BarFile, TimeRangeOptions } from './bar-files.js';
import type { SkippedRow } from './csv-data-error.js';

/**
 * What the backtest's thread and the merging thread (MergedBarThread) share: a control block, a ring of time slices
 * in shared memory, and messages on their port (both sides take them with `receiveMessageOnPort`, never waiting).
 *
 * The ring holds doubles. A slice is a header `[size, time]` and then `size` bars of `[stream, open, high, low,
 * close, volume]`, `stream` being the bar's file's index in the list the thread was given. A header whose size is
 * one of the `Mark` values ends the data or sends the reader back to the ring's start. Positions count doubles
 * written and read from the start, modulo 2^30 (Int32 words); the ring's length is a power of two below that.
 */

/** Int32 words of the control block. */
export const Control = {
  /** Doubles written and published, modulo POSITION_MODULUS. */
  Written: 0,
  /** Doubles read and given back, modulo POSITION_MODULUS. */
  Read: 1,
  /** 1 while the merging thread sleeps (or is about to) on Read: only then does the reader notify. */
  WriterAsleep: 2,
  /** 1 while the backtest's thread sleeps (or is about to) on Written. */
  ReaderAsleep: 3,
  /** `Opening` until the thread has opened every file (`Opened`) or failed to (`OpenFailed`). */
  Open: 4,
  /** Set by the backtest's thread: stop, close the files and end. */
  Stop: 5,
  /** 1 after the thread failed (a bug, not bad data): its message is on the port. */
  Fatal: 6,
} as const;
export const CONTROL_WORDS = 7;

export const OpenState = { Opening: 0, Opened: 1, OpenFailed: 2 } as const;

/** Slice sizes that are no slice. */
export const Mark = {
  /** The rest of the ring is unused: the next slice is at its start. */
  Wrap: -1,
  /** The end of the data: the summary is on the port. */
  End: -2,
  /** A file failed on a row, after the bars before it: the error is on the port. */
  Failed: -3,
} as const;

/** Doubles of a slice's header and of each of its bars. */
export const SLICE_HEADER = 2;
export const BAR_RECORD = 6;

export const POSITION_MODULUS = 2 ** 30;

/** Doubles from `from` to `to`, two positions modulo POSITION_MODULUS. */
export function distance(from: number, to: number): number {
  return (to - from) & (POSITION_MODULUS - 1);
}

/** The position `n` doubles after `position`. */
export function advanced(position: number, n: number): number {
  return (position + n) & (POSITION_MODULUS - 1);
}

/** A ring of at least 1 MiB that holds four of the largest slices (every file with a bar) at once. */
export function ringLength(files: number): number {
  const largest = SLICE_HEADER + files * BAR_RECORD;
  let length = 1 << 17;
  while (length < 4 * largest) length *= 2;
  return length;
}

export interface MergedBarsOptions extends TimeRangeOptions {
  readonly skipBadRows?: boolean;
  /** Bytes of a file read at a time; by default 4 MiB shared out over the files, 4–256 KiB each. */
  readonly chunkBytes?: number;
}

/**
 * A channel to the work the merging thread does in its idle time (see IdleWork), for the protocol of that work: a
 * port (each side has an end) and a control block of IDLE_CONTROL_WORDS Int32 words that both sides share.
 */
export interface IdleChannel {
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** Int32 words of an idle channel's control block (the report's candles use three: see candle-reload-protocol). */
export const IDLE_CONTROL_WORDS = 4;

export interface MergedBarsData {
  readonly files: readonly BarFile[];
  readonly options: MergedBarsOptions;
  readonly control: SharedArrayBuffer;
  readonly ring: SharedArrayBuffer;
  readonly port: MessagePort;
  /** The thread's end of the idle channel. */
  readonly idle: IdleChannel;
}

/** From the merging thread. */
export type FromMergedBars =
  /** A file could not be opened or failed on a row (the data ends with `Mark.Failed` after its bars). */
  | { readonly type: 'failed'; readonly file: string; readonly line: number | null; readonly reason: string }
  /** Posted before `Mark.End`: each file's bars delivered and the rows left out. */
  | { readonly type: 'summary'; readonly counts: readonly number[]; readonly skipped: readonly SkippedRow[] }
  | { readonly type: 'fatal'; readonly message: string };
