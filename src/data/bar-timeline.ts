import type { BarSeries } from '../domain/bar.js';
import { TimeSliceQueue } from './time-slice-queue.js';

/**
 * Walks several series in time order, one time slice (all bars sharing a timestamp) per `next()`. Inside a slice
 * the bars come in the order of the `series` array, so a run is deterministic whatever the calendars. The merge is
 * a `TimeSliceQueue`; no allocation after construction.
 *
 * ```ts
 * const timeline = new BarTimeline(series);
 * while (timeline.next()) {
 *   for (let k = 0; k < timeline.size; k++) handle(series[timeline.seriesAt(k)], timeline.indexAt(k));
 * }
 * ```
 */
export class BarTimeline {
  /** Timestamp of the current slice; NaN before the first `next()` and after the end. */
  time = Number.NaN;
  /** Number of bars in the current slice. */
  size = 0;
  private readonly times: readonly Float64Array[];
  private readonly lengths: Int32Array;
  /** Per series: index of its queued bar, which is one past its bar in the current slice. */
  private readonly cursor: Int32Array;
  private readonly queue: TimeSliceQueue;
  /** A single series needs no merging: its times, walked by `cursor[0]` alone. */
  private readonly singleTimes: Float64Array | null;

  constructor(readonly series: readonly BarSeries[]) {
    const k = series.length;
    this.times = series.map((s) => s.time);
    this.lengths = Int32Array.from(series, (s) => s.length);
    this.cursor = new Int32Array(k);
    this.queue = new TimeSliceQueue(k);
    this.singleTimes = k === 1 ? this.times[0]! : null;
    this.reset();
  }

  /** Total number of bars over all series. */
  get barCount(): number {
    let total = 0;
    for (const length of this.lengths) total += length;
    return total;
  }

  /** Starts again from the first slice. */
  reset(): void {
    const queue = this.queue;
    queue.clear();
    this.time = Number.NaN;
    this.size = 0;
    for (let s = 0; s < this.series.length; s++) {
      this.cursor[s] = 0;
      if (this.lengths[s]! > 0) queue.enqueue(s, this.times[s]![0]!);
    }
  }

  /** Moves to the next time slice; false when every series is exhausted. */
  next(): boolean {
    if (this.singleTimes !== null) return this.nextOfSingle(this.singleTimes);
    const queue = this.queue;
    if (!queue.take()) {
      this.size = 0;
      this.time = Number.NaN;
      return false;
    }
    const size = queue.size;
    this.time = queue.time;
    this.size = size;
    // The slice's series are queued again at their following bars right away; `indexAt` looks one back.
    const { members } = queue;
    const { cursor, lengths, times } = this;
    queue.beginBatch();
    for (let k = 0; k < size; k++) {
      const s = members[k]!;
      const following = cursor[s]! + 1;
      cursor[s] = following;
      if (following < lengths[s]!) queue.enqueue(s, times[s]![following]!);
    }
    return true;
  }

  private nextOfSingle(times: Float64Array): boolean {
    const index = this.cursor[0]!;
    if (index >= this.lengths[0]!) {
      this.size = 0;
      this.time = Number.NaN;
      return false;
    }
    // The queue's members[0] stays 0, so `seriesAt(0)` needs nothing more.
    this.cursor[0] = index + 1;
    this.time = times[index]!;
    this.size = 1;
    return true;
  }

  /** Position in the `series` array of the k-th bar of the current slice (0 ≤ k < size). */
  seriesAt(k: number): number {
    return this.queue.members[k]!;
  }

  /** Index inside its series of the k-th bar of the current slice. */
  indexAt(k: number): number {
    return this.cursor[this.queue.members[k]!]! - 1;
  }
}
