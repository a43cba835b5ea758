import type { BarSeries } from '../domain/bar.js';

const NONE = -1;
/** Above this size a slice assembled from several groups is sorted natively rather than by insertion. */
const INSERTION_SORT_LIMIT = 32;

/**
 * Walks several series in time order, one time slice (all bars sharing a timestamp) per `next()`. Inside a slice
 * the bars come in the order of the `series` array, so a run is deterministic whatever the calendars.
 *
 * A k-way merge over *groups*: a group is a linked list of series whose next bars share a timestamp, and a binary
 * heap orders the groups by that timestamp. Series on a common calendar travel together from one group to the next,
 * so aligned daily data costs a few array operations per bar and one heap operation per slice, where a heap of
 * series would pay O(log k) unpredictable branches per bar. Several groups may hold the same timestamp (a series
 * rejoining after a gap); they are merged and put back in series order when their slice comes up. No allocation
 * after construction.
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
  /** Per series: index of its next bar, one past its bar in the current slice. */
  private readonly cursor: Int32Array;
  /** Next series in the same group, per series. */
  private readonly link: Int32Array;
  private readonly groupHead: Int32Array;
  private readonly groupTime: Float64Array;
  private readonly freeGroups: Int32Array;
  private freeCount = 0;
  /** Min-heap of group ids by time. Every group holds at least one series, so k slots suffice. */
  private readonly heap: Int32Array;
  private heapSize = 0;
  private readonly members: Int32Array;

  constructor(readonly series: readonly BarSeries[]) {
    const k = series.length;
    this.times = series.map((s) => s.time);
    this.lengths = Int32Array.from(series, (s) => s.length);
    this.cursor = new Int32Array(k);
    this.link = new Int32Array(k);
    this.groupHead = new Int32Array(k);
    this.groupTime = new Float64Array(k);
    this.freeGroups = new Int32Array(k);
    this.heap = new Int32Array(k);
    this.members = new Int32Array(k);
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
    const k = this.series.length;
    this.heapSize = 0;
    this.freeCount = k;
    for (let g = 0; g < k; g++) this.freeGroups[g] = k - 1 - g;
    this.time = Number.NaN;
    this.size = 0;
    let count = 0;
    for (let s = 0; s < k; s++) {
      if (this.lengths[s]! > 0) this.members[count++] = s;
    }
    // Queue every non-empty series at its first bar (cursor −1 + 1 = 0), as if they had all just been consumed.
    this.cursor.fill(-1);
    this.advance(count);
  }

  /** Moves to the next time slice; false when every series is exhausted. */
  next(): boolean {
    if (this.heapSize === 0) {
      this.size = 0;
      this.time = Number.NaN;
      return false;
    }
    const { heap, groupTime, groupHead, link, members } = this;
    const t = groupTime[heap[0]!]!;
    const first = this.popGroup();
    this.freeGroups[this.freeCount++] = first;
    this.time = t;
    if (this.heapSize === 0 || groupTime[heap[0]!] !== t) {
      // The common case, one group: already in series order, gathered and moved on in a single pass.
      this.size = this.advanceGroup(first);
      return true;
    }
    let size = 0;
    for (let s = groupHead[first]!; s !== NONE; s = link[s]!) members[size++] = s;
    while (this.heapSize > 0 && groupTime[heap[0]!] === t) {
      const g = this.popGroup();
      for (let s = groupHead[g]!; s !== NONE; s = link[s]!) members[size++] = s;
      this.freeGroups[this.freeCount++] = g;
    }
    this.sortMembers(size);
    this.size = size;
    this.advance(size);
    return true;
  }

  /** Position in the `series` array of the k-th bar of the current slice (0 ≤ k < size). */
  seriesAt(k: number): number {
    return this.members[k]!;
  }

  /** Index inside its series of the k-th bar of the current slice. */
  indexAt(k: number): number {
    return this.cursor[this.members[k]!]! - 1;
  }

  /**
   * Moves the first `count` members (in series order) past their current bar and queues each at the time of its
   * next bar: consecutive members with equal next times share one new group, kept in series order.
   */
  private advance(count: number): void {
    const { members, cursor, lengths, times, link, groupHead } = this;
    let lastTime = Number.NaN;
    let tail = NONE;
    for (let k = 0; k < count; k++) {
      const s = members[k]!;
      const index = cursor[s]! + 1;
      cursor[s] = index;
      if (index >= lengths[s]!) continue;
      const nextTime = times[s]![index]!;
      link[s] = NONE;
      if (nextTime === lastTime) {
        link[tail] = s;
      } else {
        groupHead[this.pushGroup(nextTime)] = s;
        lastTime = nextTime;
      }
      tail = s;
    }
  }

  /** `advance` for the members of one group, read from its list as they are recorded; returns their count. */
  private advanceGroup(g: number): number {
    const { members, cursor, lengths, times, link, groupHead } = this;
    let lastTime = Number.NaN;
    let tail = NONE;
    let count = 0;
    let s = groupHead[g]!;
    while (s !== NONE) {
      const following = link[s]!;
      members[count++] = s;
      const index = cursor[s]! + 1;
      cursor[s] = index;
      if (index < lengths[s]!) {
        const nextTime = times[s]![index]!;
        link[s] = NONE;
        if (nextTime === lastTime) {
          link[tail] = s;
        } else {
          groupHead[this.pushGroup(nextTime)] = s;
          lastTime = nextTime;
        }
        tail = s;
      }
      s = following;
    }
    return count;
  }

  private pushGroup(t: number): number {
    const g = this.freeGroups[--this.freeCount]!;
    this.groupTime[g] = t;
    const heap = this.heap;
    let at = this.heapSize++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const pg = heap[parent]!;
      if (this.groupTime[pg]! <= t) break;
      heap[at] = pg;
      at = parent;
    }
    heap[at] = g;
    return g;
  }

  private popGroup(): number {
    const heap = this.heap;
    const top = heap[0]!;
    const n = --this.heapSize;
    if (n === 0) return top;
    const g = heap[n]!;
    const t = this.groupTime[g]!;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= n) break;
      let ct = this.groupTime[heap[child]!]!;
      const right = child + 1;
      if (right < n) {
        const rt = this.groupTime[heap[right]!]!;
        if (rt < ct) {
          child = right;
          ct = rt;
        }
      }
      if (t <= ct) break;
      heap[at] = heap[child]!;
      at = child;
    }
    heap[at] = g;
    return top;
  }

  /** Restores series order in a slice gathered from several groups (uneven calendars). */
  private sortMembers(size: number): void {
    const members = this.members;
    if (size > INSERTION_SORT_LIMIT) {
      members.subarray(0, size).sort();
      return;
    }
    for (let i = 1; i < size; i++) {
      const s = members[i]!;
      let j = i - 1;
      while (j >= 0 && members[j]! > s) {
        members[j + 1] = members[j]!;
        j--;
      }
      members[j + 1] = s;
    }
  }
}
