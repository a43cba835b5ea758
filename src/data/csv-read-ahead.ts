import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { bundledWorker } from '../core/bundled-worker.js';
import type { ThreadShell } from '../core/thread-shell.js';
import { READ_AHEAD_MIN_BYTES } from './bar-thread-rules.js';
import type { BarWindow } from './bar-window.js';
import { CsvDataError, type SkippedRow } from './csv-data-error.js';
import type { ParserState } from './csv-file-parser.js';
import {
  Control,
  CONTROL_WORDS,
  Slot,
  SlotMemory,
  type FromReadAhead,
  type ReadAheadData,
  type ToReadAhead,
} from './read-ahead-protocol.js';

/** The read-ahead thread's built entry (scripts/bundle.mjs). */
const WORKER_FILE = 'csv-read-ahead-worker.cjs';
/** How long one wait for a slot lasts before the thread's health is checked. */
const WAIT_SLICE_MS = 10;
/** A thread that parses nothing for this long while a stream waits for it has stopped (a bug, or the disk). */
const STALLED_MS = 30_000;
/** Room for a slot a little larger than a chunk's rows, as for a stream's own window. */
const SLOT_SLACK = 1.25;

export interface CsvReadAheadOptions {
  /** Streams of files smaller than this in all are parsed on the calling thread (default 4 MiB). */
  readonly minBytes?: number;
  /** End the thread once every stream given it has been released (see `use`). */
  readonly endWhenUnused?: boolean;
  /** A thread started beforehand to run this one in (see ThreadShell); a thread of its own is started without. */
  readonly shell?: ThreadShell | null;
}

/**
 * A thread that parses CSV bar files ahead of the streams reading them (`CsvBarStream`), on a core the backtest's
 * own loop leaves idle: the loop then only copies parsed bars out of shared memory. A stream parses its first chunk
 * itself (the header's and first rows' errors come from opening it, as without the thread) and, once the thread is
 * up, hands its parser's state over; from then on the thread fills the stream's slots, a few chunks ahead, and the
 * stream takes them in order — the same bars, errors (after the bars before them) and skipped rows as its own parser
 * would give. A thread takes some 50–90 ms to start (openBarStreams starts one with the streams it is worth for):
 * the streams parse on their own until it is up.
 *
 * Both sides work without an event loop (the backtest is one synchronous run): slots change hands through Atomics
 * on their status words, messages go through a port read with `receiveMessageOnPort`.
 */
export class CsvReadAhead {
  private readonly control: Int32Array;
  private readonly streams = new Map<number, RemoteChunks>();
  private nextId = 0;
  /** Slots of all the streams handed over, and those freed since the thread was last woken. */
  private slots = 0;
  private freedSinceWake = 0;
  private closed = false;
  /** Streams given the thread and not released yet, handed over or not. */
  private users = 0;

  private constructor(
    private readonly port: MessagePort,
    control: SharedArrayBuffer,
    readonly minBytes: number,
    private readonly endWhenUnused: boolean,
  ) {
    this.control = new Int32Array(control);
  }

  /** Starts the thread; null on a single core (it would only take turns with the loop) or without the build. */
  static start(options: CsvReadAheadOptions = {}): CsvReadAhead | null {
    const file = bundledWorker(WORKER_FILE);
    if (availableParallelism() < 2 || file === null) {
      options.shell?.end();
      return null;
    }
    const control = new SharedArrayBuffer(CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT);
    const { port1, port2 } = new MessageChannel();
    const workerData: ReadAheadData = { control, port: port2 };
    // Streams hand the thread files they opened, which it closes: Node would warn about each, as it tracks the
    // descriptors a thread opens itself in order to close them when it ends (the thread closes its files itself).
    const worker =
      options.shell?.run(file, workerData, [port2]) ??
      new Worker(file, { workerData, transferList: [port2], trackUnmanagedFds: false });
    // The thread never holds the process open: it only serves a run that is going on.
    worker.unref();
    const readAhead = new CsvReadAhead(
      port1,
      control,
      options.minBytes ?? READ_AHEAD_MIN_BYTES,
      options.endWhenUnused ?? false,
    );
    // A thread that cannot even start (its file damaged) counts as failed; streams then parse on their own.
    worker.on('error', () => {
      readAhead.closed = true;
    });
    return readAhead;
  }

  /** A stream takes the thread (it may hand its parser over later); `unuse` when it is released. */
  use(): void {
    this.users++;
  }

  /** A stream given the thread was released: with `endWhenUnused`, the last one ends the thread. */
  unuse(): void {
    if (--this.users === 0 && this.endWhenUnused) this.close();
  }

  /** Streams handed over and not released yet. */
  get parsing(): number {
    return this.streams.size;
  }

  /** Whether the thread takes streams now. */
  get ready(): boolean {
    return !this.closed && Atomics.load(this.control, Control.Ready) === 1;
  }

  /**
   * Hands a stream's parser over: the thread goes on from `state` into `slots` slots of the returned chunks, reading
   * `fd` (which it closes) or, given -1, the file at the state's path.
   */
  adopt(state: ParserState, fd: number, slots: number): RemoteChunks {
    const id = this.nextId++;
    const capacity = Math.ceil((state.chunkBytes / Math.max(8, state.header.firstRowLength)) * SLOT_SLACK + 16);
    const memory = SlotMemory.allocate(slots, capacity);
    const chunks = new RemoteChunks(this, id, memory);
    this.streams.set(id, chunks);
    this.slots += slots;
    // Not woken for each stream: hundreds opened in a row would wake it hundreds of times (see freed). The opener
    // wakes it once they are all handed over, and a stream waiting for its first chunk does too.
    this.port.postMessage({ type: 'adopt', id, state, fd, memory: memory.memory, slots, capacity: memory.capacity });
    return chunks;
  }

  /**
   * Ends the thread (a run that is done with its streams): it closes the files it holds and returns as soon as it
   * reads this, within a chunk's parsing.
   */
  close(): void {
    if (this.closed) return;
    this.post({ type: 'stop' });
    this.closed = true;
    this.port.close();
  }

  /** @internal The thread lets go of a stream's file and slots. */
  release(id: number): void {
    const stream = this.streams.get(id);
    if (stream === undefined) return;
    this.streams.delete(id);
    this.slots -= stream.slots;
    if (!this.closed) this.post({ type: 'release', id });
  }

  /**
   * @internal A slot was freed. The thread, asleep once every slot is full, is woken when half of them are free:
   * waking a sleeping thread costs the waker about 0.1 ms here (a system call, and on a virtual machine a signal
   * between its virtual CPUs), and a wake for every chunk took a third of what the thread saved the loop.
   */
  freed(): void {
    if (++this.freedSinceWake >= this.slots / 2) this.wake();
  }

  /**
   * Tells the thread that slots are free or a message waits. Bumping Wake is enough for a thread that is awake (it
   * compares Wake before it sleeps); one that sleeps is notified, once.
   */
  wake(): void {
    this.freedSinceWake = 0;
    Atomics.add(this.control, Control.Wake, 1);
    // A count of 0 or 1 rather than an `if`: a wake first taken in compiled code deoptimises it (see the merging
    // thread's publish).
    Atomics.notify(this.control, Control.Wake, Atomics.compareExchange(this.control, Control.Asleep, 1, 0));
  }

  /** @internal Hands the thread's messages to their streams. */
  drain(): void {
    for (;;) {
      const received = receiveMessageOnPort(this.port);
      if (received === undefined) return;
      const message = received.message as FromReadAhead;
      if (message.type === 'fatal') throw new Error(`the CSV read-ahead thread failed: ${message.message}`);
      this.streams.get(message.id)?.receive(message);
    }
  }

  /** @internal Waits for slot k of `memory` to be filled; throws when the thread has failed or stopped. */
  waitFor(memory: SlotMemory, k: number): number {
    // The thread may be asleep with fewer than half the slots free: it is needed now.
    this.wake();
    let progress = Atomics.load(this.control, Control.Progress);
    let since = performance.now();
    for (;;) {
      const status = memory.wait(k, WAIT_SLICE_MS);
      if (status !== Slot.Empty) return status;
      if (Atomics.load(this.control, Control.Fatal) === 1) this.drain();
      const now = Atomics.load(this.control, Control.Progress);
      if (now !== progress) {
        progress = now;
        since = performance.now();
      } else if (performance.now() - since > STALLED_MS) {
        throw new Error(`the CSV read-ahead thread has parsed nothing for ${STALLED_MS / 1000} s`);
      }
    }
  }

  private post(message: ToReadAhead): void {
    this.port.postMessage(message);
    this.wake();
  }
}

/**
 * A stream's chunks as the read-ahead thread parses them: windows of bars taken in order, then the end or the
 * stream's error.
 */
export class RemoteChunks {
  /** Rows the thread left out with `skipBadRows` (as far as it has read). */
  readonly skipped: SkippedRow[] = [];
  /** The slot whose bars the stream is reading; -1 when none. */
  private current = -1;
  private next = 0;
  private ended = false;
  /** The error of the row the thread stopped at, from its message: raised once the slot that ends with it is taken. */
  private reported: CsvDataError | null = null;
  private failure: CsvDataError | null = null;
  private released = false;

  constructor(
    private readonly readAhead: CsvReadAhead,
    private readonly id: number,
    private readonly memory: SlotMemory,
  ) {}

  get slots(): number {
    return this.memory.slots;
  }

  /**
   * The next chunk's bars (at least one), or null at the end of the data. Throws the stream's `CsvDataError` once
   * the bars before the failing row have been taken. The window is valid until the next call.
   */
  take(): BarWindow | null {
    if (this.released) throw new Error('a stream read after its release');
    for (;;) {
      this.free();
      if (this.failure !== null) throw this.failure;
      if (this.ended) return null;
      const k = this.next;
      const memory = this.memory;
      let status = memory.status(k);
      if (status === Slot.Empty) status = this.readAhead.waitFor(memory, k);
      // Skipped rows and a failure are posted before their slot's status is stored: they are on the port now.
      this.readAhead.drain();
      this.current = k;
      this.next = k + 1 === memory.slots ? 0 : k + 1;
      if (status === Slot.End) this.ended = true;
      else if (status === Slot.Failed) {
        if (this.reported === null) throw new Error('the CSV read-ahead thread failed a stream without saying why');
        this.failure = this.reported;
      }
      const window = memory.windows[k]!;
      window.length = memory.length(k);
      if (window.length > 0) return window;
    }
  }

  /** Lets the thread drop the stream (its file, its slots). Safe to call again. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.free();
    this.readAhead.release(this.id);
  }

  /** @internal A message of the thread about this stream. */
  receive(message: Exclude<FromReadAhead, { type: 'fatal' }>): void {
    if (message.type === 'skipped') this.skipped.push(...message.rows);
    else this.reported = new CsvDataError(message.file, message.line, message.reason);
  }

  private free(): void {
    if (this.current < 0) return;
    this.memory.empty(this.current);
    this.current = -1;
    this.readAhead.freed();
  }
}
