import type { MessagePort } from 'node:worker_threads';
import { BarWindow } from './bar-window.js';
import type { SkippedRow } from './csv-data-error.js';
import type { ParserState } from './csv-file-parser.js';

/**
 * What the backtest's thread and the CSV read-ahead thread share: a control block, a stream's slots of parsed bars in
 * shared memory, and the messages on their port (both sides take them with `receiveMessageOnPort`, never waiting).
 */

/** Int32 words of the control block. */
export const Control = {
  /** 1 once the read-ahead thread takes streams. */
  Ready: 0,
  /** Bumped (and notified) by the backtest's thread whenever it frees a slot or posts a message. */
  Wake: 1,
  /** 1 after the read-ahead thread failed (a bug, not bad data): its message is on the port. */
  Fatal: 2,
  /** Chunks parsed so far: a thread that stops making progress while it is waited for has stopped. */
  Progress: 3,
  /** 1 while the read-ahead thread sleeps (or is about to) on Wake: only then does a wake need a notify. */
  Asleep: 4,
} as const;
export const CONTROL_WORDS = 5;

/** A slot's status: the backtest's thread empties it, the read-ahead thread fills it. */
export const Slot = {
  Empty: 0,
  /** Bars; more follow in the next slot. */
  Bars: 1,
  /** The stream's last bars (maybe none): the end of its data. */
  End: 2,
  /** The bars before a row the stream fails on (maybe none); the error is on the port. */
  Failed: 3,
} as const;

/** Words per slot: status, number of bars. */
const SLOT_WORDS = 2;

/**
 * A stream's slots in one SharedArrayBuffer: their status words first, then a window of `capacity` bars each. The
 * read-ahead thread writes a slot's bars and its length, then stores its status (Atomics: the bars are visible to
 * whoever sees the status); the backtest's thread reads the bars and stores Empty when done with them.
 */
export class SlotMemory {
  readonly words: Int32Array;
  readonly windows: BarWindow[] = [];

  /** `capacity`: bars a slot holds, a whole number. */
  constructor(
    readonly memory: SharedArrayBuffer,
    readonly slots: number,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity)) throw new RangeError(`a slot's capacity must be a whole number, not ${capacity}`);
    this.words = new Int32Array(memory, 0, slots * SLOT_WORDS);
    const first = headerBytes(slots);
    for (let k = 0; k < slots; k++) {
      this.windows.push(new BarWindow(capacity, memory, first + k * BarWindow.bytes(capacity)));
    }
  }

  static allocate(slots: number, capacity: number): SlotMemory {
    return new SlotMemory(
      new SharedArrayBuffer(headerBytes(slots) + slots * BarWindow.bytes(capacity)),
      slots,
      capacity,
    );
  }

  status(k: number): number {
    return Atomics.load(this.words, k * SLOT_WORDS);
  }

  length(k: number): number {
    return this.words[k * SLOT_WORDS + 1]!;
  }

  /** Publishes slot k (its window holds `length` bars): from here on it is the backtest thread's. */
  fill(k: number, length: number, status: number): void {
    this.words[k * SLOT_WORDS + 1] = length;
    Atomics.store(this.words, k * SLOT_WORDS, status);
    Atomics.notify(this.words, k * SLOT_WORDS);
  }

  /** Hands slot k back to the read-ahead thread. */
  empty(k: number): void {
    Atomics.store(this.words, k * SLOT_WORDS, Slot.Empty);
  }

  /** Waits up to `ms` for slot k to be filled; returns its status. */
  wait(k: number, ms: number): number {
    Atomics.wait(this.words, k * SLOT_WORDS, Slot.Empty, ms);
    return this.status(k);
  }
}

/** The status words, rounded up to whole doubles so that the windows' columns are aligned. */
function headerBytes(slots: number): number {
  return Math.ceil((slots * SLOT_WORDS * Int32Array.BYTES_PER_ELEMENT) / 8) * 8;
}

/** From the backtest's thread. */
export type ToReadAhead =
  | {
      readonly type: 'adopt';
      readonly id: number;
      readonly state: ParserState;
      /**
       * The stream's open file, now the thread's to read and close (descriptors belong to the process: the file
       * read stays the one the stream opened, whatever happens to its path); -1 to open it by its path.
       */
      readonly fd: number;
      readonly memory: SharedArrayBuffer;
      readonly slots: number;
      readonly capacity: number;
    }
  | { readonly type: 'release'; readonly id: number }
  /** Close every file and end the thread. */
  | { readonly type: 'stop' };

/** From the read-ahead thread. */
export type FromReadAhead =
  | { readonly type: 'skipped'; readonly id: number; readonly rows: readonly SkippedRow[] }
  | {
      readonly type: 'failed';
      readonly id: number;
      readonly file: string;
      readonly line: number | null;
      readonly reason: string;
    }
  | { readonly type: 'fatal'; readonly message: string };

export interface ReadAheadData {
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}
