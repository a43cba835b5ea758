import { TimeSliceQueue } from './time-slice-queue.js';

/** What the timeline needs of a stream (a `CsvBarStream`): a forward-only cursor over strictly increasing times. */
export interface BarCursor {
  readonly done: boolean;
  /** Time of the current bar. */
  readonly time: number;
  advance(): void;
}

/**
 * `BarTimeline` over streams: walks several streams in time order, one time slice (all current bars sharing the
 * earliest timestamp) per `next()`, members in the order of the `streams` array. The caller reads the k-th member's
 * bar from `streams[streamAt(k)]`; the members stay on that bar until the following `next()`, which first advances
 * them and then gathers the new slice. An error a stream raises while advancing comes out of `next()`, after which
 * the timeline cannot go on. No allocation after construction.
 *
 * ```ts
 * const timeline = new BarStreamTimeline(streams);
 * while (timeline.next()) {
 *   for (let k = 0; k < timeline.size; k++) handle(streams[timeline.streamAt(k)]);
 * }
 * ```
 */
export class BarStreamTimeline {
  /** Timestamp of the current slice; NaN before the first `next()` and after the end. */
  time = Number.NaN;
  /** Number of bars in the current slice. */
  size = 0;
  /** Bars in all slices so far, the current one included. */
  bars = 0;
  private readonly queue: TimeSliceQueue;
  /** The only stream, when there is exactly one: it needs no merging. */
  private readonly single: BarCursor | null;

  constructor(readonly streams: readonly BarCursor[]) {
    this.queue = new TimeSliceQueue(streams.length);
    this.single = streams.length === 1 ? streams[0]! : null;
    for (let s = 0; s < streams.length; s++) {
      const stream = streams[s]!;
      if (!stream.done) this.queue.enqueue(s, stream.time);
    }
  }

  /** Moves the current slice's streams on and gathers the next slice; false when every stream is done. */
  next(): boolean {
    if (this.single !== null) return this.nextOfSingle(this.single);
    const queue = this.queue;
    const { members } = queue;
    const streams = this.streams;
    queue.beginBatch();
    for (let k = 0; k < this.size; k++) {
      const s = members[k]!;
      const stream = streams[s]!;
      stream.advance();
      if (!stream.done) queue.enqueue(s, stream.time);
    }
    if (!queue.take()) return this.end();
    this.time = queue.time;
    this.size = queue.size;
    this.bars += queue.size;
    return true;
  }

  /** Position in the `streams` array of the k-th member of the current slice (0 ≤ k < size). */
  streamAt(k: number): number {
    return this.queue.members[k]!;
  }

  private nextOfSingle(stream: BarCursor): boolean {
    if (this.size === 1) stream.advance();
    if (stream.done) return this.end();
    // members[0] is 0 from construction: streamAt(0) needs nothing more.
    this.time = stream.time;
    this.size = 1;
    this.bars++;
    return true;
  }

  private end(): false {
    this.time = Number.NaN;
    this.size = 0;
    return false;
  }
}
