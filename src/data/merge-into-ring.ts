import type { MessagePort } from 'node:worker_threads';
import { BarStreamTimeline } from './bar-stream-timeline.js';
import type { CsvBarStream } from './csv-bar-stream.js';
import { CsvDataError } from './csv-data-error.js';
import {
  advanced,
  BAR_RECORD,
  Control,
  distance,
  Mark,
  OpenState,
  SLICE_HEADER,
  type FromMergedBars,
  type MergedBarsData,
} from './merged-bars-protocol.js';
import { openStreamsOf } from './open-bar-streams.js';

/**
 * Work the merging thread does while it waits for the reader to free room in the ring, and once the data has ended
 * until it is stopped (the entry's: the report's candles of the traded symbols, see MergedBarsThread's `idle`).
 */
export interface IdleWork {
  /** Does one piece of work if some is waiting; false when none was. */
  step(): boolean;
  /** Sleeps until work may be waiting, for `ms` at most. */
  sleep(ms: number): void;
}

/**
 * Doubles written before they are published even though the reader is not waiting: a store and a check per slice
 * of one bar would cost more than the bar, and the reader, once waiting, is served at the next slice.
 */
const PUBLISH_EVERY = 1024;
/**
 * Bytes of a file read at a time, shared out over the files. Every file's first chunk is parsed before the first
 * slice can go out; the first reads are staggered (see openStreamsOf), half a chunk on average, so that the files
 * of many symbols in step do not all come to the end of a chunk at the same bar.
 */
const CHUNK_BYTES_IN_ALL = 4 << 20;
const MIN_CHUNK_BYTES = 4 << 10;
const MAX_CHUNK_BYTES = 256 << 10;
/** How long one sleep lasts before the Stop word is looked at again. */
const SLEEP_MS = 50;

/**
 * The merging thread's work (see MergedBarsThread): opens the files, merges their bars by time exactly as the
 * backtest's own streams would be (BarStreamTimeline) and writes the slices into the ring, doing `idle`'s work while
 * the ring is full and after the end, until it is told to stop.
 */
export function runMergingThread(data: MergedBarsData, idle: IdleWork): void {
  const control = new Int32Array(data.control);
  const port = data.port;
  try {
    run(data, control, idle);
  } catch (error) {
    post(port, { type: 'fatal', message: error instanceof Error ? error.message : String(error) });
    Atomics.store(control, Control.Fatal, 1);
    Atomics.notify(control, Control.Written);
    Atomics.notify(control, Control.Open);
  }
  // The messages posted stay readable while this thread lives: it ends when the reader is done with it.
  while (!stopped(control)) if (!idle.step()) idle.sleep(SLEEP_MS);
}

function post(port: MessagePort, message: FromMergedBars): void {
  port.postMessage(message);
}

function stopped(control: Int32Array): boolean {
  return Atomics.load(control, Control.Stop) === 1;
}

class RingWriter {
  private readonly length: number;
  private written = 0;
  private published = 0;
  /** The reader's position as last seen. */
  private read = 0;

  constructor(
    private readonly ring: Float64Array,
    private readonly control: Int32Array,
    private readonly idle: IdleWork,
  ) {
    this.length = ring.length;
  }

  /** Writes the current slice of `timeline`; false when told to stop while waiting for room. */
  slice(timeline: BarStreamTimeline, streams: readonly CsvBarStream[]): boolean {
    const size = timeline.size;
    const at = this.reserve(SLICE_HEADER + size * BAR_RECORD);
    if (at < 0) return false;
    const ring = this.ring;
    ring[at] = size;
    ring[at + 1] = timeline.time;
    let q = at + SLICE_HEADER;
    for (let k = 0; k < size; k++) {
      const s = timeline.streamAt(k);
      const stream = streams[s]!;
      ring[q] = s;
      ring[q + 1] = stream.open;
      ring[q + 2] = stream.high;
      ring[q + 3] = stream.low;
      ring[q + 4] = stream.close;
      ring[q + 5] = stream.volume;
      q += BAR_RECORD;
    }
    this.written = advanced(this.written, SLICE_HEADER + size * BAR_RECORD);
    if (
      distance(this.published, this.written) >= PUBLISH_EVERY ||
      Atomics.load(this.control, Control.ReaderAsleep) === 1
    ) {
      this.publish();
    }
    return true;
  }

  /** Ends the data with `mark` and publishes everything. */
  mark(mark: number): void {
    const at = this.reserve(SLICE_HEADER);
    if (at < 0) return;
    this.ring[at] = mark;
    this.written = advanced(this.written, SLICE_HEADER);
    this.publish();
  }

  /**
   * Where `n` contiguous doubles can go (a Wrap mark first when they do not fit before the ring's end), once they
   * are free; -1 when told to stop meanwhile.
   */
  private reserve(n: number): number {
    const length = this.length;
    const at = this.written & (length - 1);
    if (at + n <= length) return this.room(n) ? at : -1;
    if (!this.room(length - at)) return -1;
    this.ring[at] = Mark.Wrap;
    this.written = advanced(this.written, length - at);
    return this.room(n) ? 0 : -1;
  }

  /** Waits until `n` doubles are free, doing idle work meanwhile; false when told to stop meanwhile. */
  private room(n: number): boolean {
    const control = this.control;
    for (;;) {
      if (this.length - distance(this.read, this.written) >= n) return true;
      this.read = Atomics.load(control, Control.Read);
      if (this.length - distance(this.read, this.written) >= n) return true;
      // Everything written goes to the reader before this thread waits: the reader may be waiting for it.
      this.publish();
      if (!this.idle.step()) {
        Atomics.store(control, Control.WriterAsleep, 1);
        Atomics.wait(control, Control.Read, this.read, SLEEP_MS);
        Atomics.store(control, Control.WriterAsleep, 0);
      }
      if (stopped(control)) return false;
    }
  }

  private publish(): void {
    if (this.published === this.written) return;
    this.published = this.written;
    const control = this.control;
    Atomics.store(control, Control.Written, this.written);
    // A sleeping reader is woken, a waking one not (a count of 0). Not behind an `if`: V8 compiles `slice` before the
    // reader has ever slept, and the first wake from that code then deoptimised it, again at every later wake (under
    // --trace-deopt, up to 567 times in a run of 500 files).
    Atomics.notify(control, Control.Written, Atomics.load(control, Control.ReaderAsleep));
  }
}

function failed(port: MessagePort, error: CsvDataError): void {
  post(port, { type: 'failed', file: error.file, line: error.line, reason: error.reason });
}

function opened(control: Int32Array, state: number): void {
  Atomics.store(control, Control.Open, state);
  Atomics.notify(control, Control.Open);
}

function merge(data: MergedBarsData, control: Int32Array, idle: IdleWork, streams: readonly CsvBarStream[]): void {
  const port = data.port;
  const writer = new RingWriter(new Float64Array(data.ring), control, idle);
  const timeline = new BarStreamTimeline(streams);
  for (;;) {
    let more: boolean;
    try {
      more = timeline.next();
    } catch (error) {
      if (!(error instanceof CsvDataError)) throw error;
      failed(port, error);
      writer.mark(Mark.Failed);
      return;
    }
    if (!more) break;
    if (!writer.slice(timeline, streams)) return;
  }
  post(port, {
    type: 'summary',
    counts: streams.map((stream) => stream.count),
    skipped: streams.flatMap((stream) => stream.skipped),
  });
  writer.mark(Mark.End);
}

function run(data: MergedBarsData, control: Int32Array, idle: IdleWork): void {
  const { files, options } = data;
  let streams: CsvBarStream[];
  try {
    const shared = Math.floor(CHUNK_BYTES_IN_ALL / files.length);
    const chunkBytes = options.chunkBytes ?? Math.min(MAX_CHUNK_BYTES, Math.max(MIN_CHUNK_BYTES, shared));
    streams = openStreamsOf(files, { ...options, chunkBytes, staggered: true });
  } catch (error) {
    if (!(error instanceof CsvDataError)) throw error;
    failed(data.port, error);
    opened(control, OpenState.OpenFailed);
    return;
  }
  opened(control, OpenState.Opened);
  try {
    merge(data, control, idle, streams);
  } finally {
    for (const stream of streams) stream.release();
  }
}
