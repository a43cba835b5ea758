import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { bundledWorker } from '../core/bundled-worker.js';
import type { ThreadShell } from '../core/thread-shell.js';
import type { BarFile } from './bar-files.js';
import { CsvDataError, type SkippedRow } from './csv-data-error.js';
import {
  advanced,
  BAR_RECORD,
  Control,
  CONTROL_WORDS,
  IDLE_CONTROL_WORDS,
  Mark,
  OpenState,
  POSITION_MODULUS,
  ringLength,
  SLICE_HEADER,
  type FromMergedBars,
  type IdleChannel,
  type MergedBarsData,
  type MergedBarsOptions,
} from './merged-bars-protocol.js';

/** The merging thread's built entry (scripts/bundle.mjs). */
const WORKER_FILE = 'merged-bars-worker.cjs';
/** How long one wait lasts before the thread's health is checked. */
const WAIT_SLICE_MS = 10;
/** A thread that writes nothing for this long while it is waited for has stopped (a bug, or the disk). */
const STALLED_MS = 30_000;

/** What the thread said at the end of the data. */
interface Summary {
  readonly counts: readonly number[];
  readonly skipped: readonly SkippedRow[];
}

/**
 * Many bar files read, parsed and merged by time on a second thread, handed over as time slices through a ring in
 * shared memory. With hundreds of files the backtest's own thread would spend a third of its time opening files,
 * parsing them and stepping their streams (each stream's window its own fresh memory, touched once per bar); here
 * it reads each slice once, in order, from memory the thread reuses. The slices are the ones `BarStreamTimeline`
 * makes of `openBarStreams`' streams — the thread runs exactly that — and so are the errors: a file that cannot be
 * opened fails `open()`, a bad row fails `next()` once the bars before it have been read.
 *
 * Both sides work without an event loop (the backtest is one synchronous run): positions in the ring change hands
 * through Atomics on the control block, messages go through a port read with `receiveMessageOnPort`.
 */
export class MergedBarsThread {
  /** Time of the current slice; NaN before the first `next()` and after the end. */
  time = Number.NaN;
  /** Bars in the current slice. */
  size = 0;
  /** Seconds this thread's caller spent waiting for slices (and for the files to open). */
  waitSeconds = 0;
  readonly ring: Float64Array;
  private readonly control: Int32Array;
  /** Where the current slice starts in `ring`. */
  private at = 0;
  private read = 0;
  /** Doubles read since the position was last given back. */
  private unreturned = 0;
  private available = 0;
  private ended = false;
  private failure: CsvDataError | null = null;
  private summary: Summary | null = null;
  private closed = false;
  /** Holds on the thread besides its feed's (see `hold`). */
  private holds = 0;
  private stopped = false;

  private constructor(
    readonly files: readonly BarFile[],
    readonly options: MergedBarsOptions,
    private readonly port: MessagePort,
    control: SharedArrayBuffer,
    ring: SharedArrayBuffer,
    /** This side's end of the channel to the thread's idle work (the report's candles: see MergedFeed). */
    readonly idle: IdleChannel,
  ) {
    this.control = new Int32Array(control);
    this.ring = new Float64Array(ring);
  }

  /**
   * Starts the thread on `files`, which it begins to open at once; null on a single core (it would only take turns
   * with the loop) or without the build. `ringDoubles`: the ring's length, a power of two that holds the largest
   * slice (tests use small rings, which wrap often); `shell`: a thread started beforehand to run this one in (see
   * ThreadShell).
   */
  static start(
    files: readonly BarFile[],
    options: MergedBarsOptions = {},
    ringDoubles = ringLength(files.length),
    shell: ThreadShell | null = null,
  ): MergedBarsThread | null {
    const largest = SLICE_HEADER + files.length * BAR_RECORD;
    if (ringDoubles < largest || !Number.isInteger(Math.log2(ringDoubles)) || ringDoubles >= POSITION_MODULUS) {
      throw new RangeError(`a ring of ${ringDoubles} doubles: not a power of two that holds ${largest}`);
    }
    const file = bundledWorker(WORKER_FILE);
    if (availableParallelism() < 2 || file === null) {
      shell?.end();
      return null;
    }
    const control = new SharedArrayBuffer(CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT);
    const ring = new SharedArrayBuffer(ringDoubles * Float64Array.BYTES_PER_ELEMENT);
    const { port1, port2 } = new MessageChannel();
    const idle = new MessageChannel();
    const idleControl = new SharedArrayBuffer(IDLE_CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT);
    const workerData: MergedBarsData = {
      files,
      options,
      control,
      ring,
      port: port2,
      idle: { control: idleControl, port: idle.port2 },
    };
    const transferList = [port2, idle.port2];
    const worker = shell?.run(file, workerData, transferList) ?? new Worker(file, { workerData, transferList });
    // The thread never holds the process open: it only serves a run that is going on.
    worker.unref();
    const thread = new MergedBarsThread(files, options, port1, control, ring, {
      control: idleControl,
      port: idle.port1,
    });
    // A thread that cannot even start (its file damaged) is found when it is waited for.
    worker.on('error', () => {
      Atomics.store(thread.control, Control.Fatal, 1);
    });
    return thread;
  }

  /** Whether this thread reads these files with these options (the ones a run asks for). */
  serves(files: readonly BarFile[], options: MergedBarsOptions): boolean {
    return (
      files.length === this.files.length &&
      files.every((file, i) => file.path === this.files[i]!.path && file.symbol === this.files[i]!.symbol) &&
      options.start === this.options.start &&
      options.end === this.options.end &&
      (options.skipBadRows ?? false) === (this.options.skipBadRows ?? false)
    );
  }

  /** Waits until every file is open; throws the `CsvDataError` of the first that cannot be (as openBarStreams). */
  open(): void {
    const started = performance.now();
    let state: number;
    while ((state = Atomics.load(this.control, Control.Open)) === OpenState.Opening) {
      this.check(started, STALLED_MS + 10 * this.files.length);
      Atomics.wait(this.control, Control.Open, OpenState.Opening, WAIT_SLICE_MS);
    }
    this.waitSeconds += (performance.now() - started) / 1000;
    if (state === OpenState.OpenFailed) {
      throw this.drain() ?? new Error('the merging thread failed to open the files without saying why');
    }
  }

  /**
   * Moves to the next slice; false at the end of the data. Throws the `CsvDataError` of a file's bad row once the
   * slices before it have been read, and again on every later call.
   */
  next(): boolean {
    if (this.failure !== null) throw this.failure;
    if (this.ended) return false;
    const ring = this.ring;
    if (this.size > 0) this.consume(SLICE_HEADER + this.size * BAR_RECORD);
    for (;;) {
      if (this.read === this.available) this.waitForSlices();
      const at = this.read & (ring.length - 1);
      const size = ring[at]!;
      if (size > 0) {
        this.at = at;
        this.size = size;
        this.time = ring[at + 1]!;
        return true;
      }
      if (size === Mark.Wrap) {
        this.consume(ring.length - at);
        continue;
      }
      this.time = Number.NaN;
      this.size = 0;
      const failure = this.drain();
      if (size === Mark.End) {
        this.ended = true;
        return false;
      }
      throw failure ?? new Error('the merging thread failed a file without saying why');
    }
  }

  /** Where the k-th bar of the current slice starts in `ring`: `[stream, open, high, low, close, volume]`. */
  barAt(k: number): number {
    return this.at + SLICE_HEADER + k * BAR_RECORD;
  }

  /** Each file's bars delivered, once the end of the data has been read; null before. */
  get counts(): readonly number[] | null {
    return this.summary?.counts ?? null;
  }

  /** Rows left out with `skipBadRows`, once the end of the data has been read. */
  get skipped(): readonly SkippedRow[] {
    return this.summary?.skipped ?? [];
  }

  /**
   * Ends the thread: it closes its files and returns as soon as it sees this, or, while something else holds it
   * (see `hold`), once that lets go. Safe to call again.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopUnlessHeld();
  }

  /**
   * Keeps the thread for its idle work past the end of the data and `close` (the report takes its candles after the
   * run); the function returned lets go, once.
   */
  hold(): () => void {
    this.holds++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.holds--;
      this.stopUnlessHeld();
    };
  }

  private stopUnlessHeld(): void {
    if (!this.closed || this.holds > 0 || this.stopped) return;
    this.stopped = true;
    Atomics.store(this.control, Control.Stop, 1);
    Atomics.notify(this.control, Control.Read);
    Atomics.notify(this.control, Control.Stop);
    this.port.close();
    this.idle.port.close();
  }

  private consume(n: number): void {
    this.read = advanced(this.read, n);
    this.unreturned += n;
    // The room read is given back in eighths of the ring: a store and a check per slice would cost more than a bar.
    if (this.unreturned >= this.ring.length >> 3) this.giveBack();
  }

  private giveBack(): void {
    this.unreturned = 0;
    Atomics.store(this.control, Control.Read, this.read);
    // A count of 0 or 1 rather than an `if` (see the merging thread's publish).
    Atomics.notify(this.control, Control.Read, Atomics.load(this.control, Control.WriterAsleep));
  }

  private waitForSlices(): void {
    this.giveBack();
    this.available = Atomics.load(this.control, Control.Written);
    if (this.available !== this.read) return;
    const started = performance.now();
    Atomics.store(this.control, Control.ReaderAsleep, 1);
    try {
      for (;;) {
        Atomics.wait(this.control, Control.Written, this.read, WAIT_SLICE_MS);
        this.available = Atomics.load(this.control, Control.Written);
        if (this.available !== this.read) return;
        this.check(started, STALLED_MS);
      }
    } finally {
      Atomics.store(this.control, Control.ReaderAsleep, 0);
      this.waitSeconds += (performance.now() - started) / 1000;
    }
  }

  /** Throws when the thread has failed, or has done nothing since `since` for `limitMs`. */
  private check(since: number, limitMs: number): void {
    if (Atomics.load(this.control, Control.Fatal) === 1) {
      this.drain();
      throw new Error('the merging thread failed to start');
    }
    if (performance.now() - since > limitMs) {
      throw new Error(`the merging thread has delivered nothing for ${Math.round(limitMs / 1000)} s`);
    }
  }

  /** Takes the thread's messages; returns the failure they told of, if any. */
  private drain(): CsvDataError | null {
    for (;;) {
      const received = receiveMessageOnPort(this.port);
      if (received === undefined) return this.failure;
      const message = received.message as FromMergedBars;
      if (message.type === 'fatal') throw new Error(`the merging thread failed: ${message.message}`);
      if (message.type === 'failed') this.failure = new CsvDataError(message.file, message.line, message.reason);
      else this.summary = message;
    }
  }
}
