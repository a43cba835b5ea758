import type { BarSeries } from '../domain/bar.js';

const NONE = -1;
/** Above this size an out-of-order slice is sorted natively rather than by insertion. */
const INSERTION_SORT_LIMIT = 32;

/**
 * Walks several series in time order, one time slice (all bars sharing a timestamp) per `next()`. Inside a slice
 * the bars come in the order of the `series` array, so a run is deterministic whatever the calendars.
 *
 * A k-way merge over *groups*: each pending timestamp owns a linked list of the series whose next bar has that
 * time, and a binary heap orders the distinct timestamps. Series that share a calendar move together from one group
 * to the next, so aligned daily data costs a few operations per bar and one heap operation per slice (a plain heap
 * of series would pay O(log k) unpredictable branches per bar). No allocation after construction except the map
 * entry of a new timestamp that is not the one just used.
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
  private readonly cursor: Int32Array;
  /** Next series in the same group, per series. */
  private readonly link: Int32Array;
  private readonly groupHead: Int32Array;
  private readonly groupTail: Int32Array;
  private readonly groupTime: Float64Array;
  private readonly groupSorted: Uint8Array;
  private readonly freeGroups: Int32Array;
  private freeCount = 0;
  private readonly groupByTime = new Map<number, number>();
  /** Min-heap of group ids by time; group times are distinct, so no tie-breaking is needed. */
  private readonly heap: Int32Array;
  private heapSize = 0;
  private readonly members: Int32Array;
  private lastTime = Number.NaN;
  private lastGroup = NONE;

  constructor(readonly series: readonly BarSeries[]) {
    const k = series.length;
    this.times = series.map((s) => s.time);
    this.lengths = Int32Array.from(series, (s) => s.length);
    this.cursor = new Int32Array(k);
    this.link = new Int32Array(k);
    this.groupHead = new Int32Array(k);
    this.groupTail = new Int32Array(k);
    this.groupTime = new Float64Array(k);
    this.groupSorted = new Uint8Array(k);
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
    this.cursor.fill(0);
    this.groupByTime.clear();
    this.heapSize = 0;
    this.freeCount = k;
    for (let g = 0; g < k; g++) this.freeGroups[g] = k - 1 - g;
    this.time = Number.NaN;
    this.size = 0;
    this.lastTime = Number.NaN;
    this.lastGroup = NONE;
    for (let s = 0; s < k; s++) {
      if (this.lengths[s]! > 0) this.enqueue(s, this.times[s]![0]!);
    }
  }

  /** Moves to the next time slice; false when every series is exhausted. */
  next(): boolean {
    if (this.heapSize === 0) {
      this.size = 0;
      this.time = Number.NaN;
      return false;
    }
    const g = this.popGroup();
    const t = this.groupTime[g]!;
    const sorted = this.groupSorted[g] === 1;
    let s = this.groupHead[g]!;
    this.groupByTime.delete(t);
    this.freeGroups[this.freeCount++] = g;
    if (this.lastGroup === g) this.lastGroup = NONE;

    // One pass: record each member and move it on to the group of its next bar's time. The receiving group's tail
    // is kept in a local while consecutive members go to the same group (the common case of shared calendars).
    const { link, cursor, lengths, times, members, groupHead, groupTail, groupSorted } = this;
    let lastTime = this.lastTime;
    let lastGroup = this.lastGroup;
    let tail = lastGroup === NONE ? NONE : groupTail[lastGroup]!;
    let size = 0;
    while (s !== NONE) {
      const following = link[s]!;
      const index = cursor[s]! + 1;
      members[size++] = s;
      cursor[s] = index;
      if (index < lengths[s]!) {
        const nextTime = times[s]![index]!;
        if (nextTime !== lastTime || lastGroup === NONE) {
          if (lastGroup !== NONE) groupTail[lastGroup] = tail;
          lastGroup = this.groupByTime.get(nextTime) ?? this.newGroup(nextTime);
          lastTime = nextTime;
          tail = groupTail[lastGroup]!;
        }
        link[s] = NONE;
        if (tail === NONE) {
          groupHead[lastGroup] = s;
        } else {
          link[tail] = s;
          if (s < tail) groupSorted[lastGroup] = 0;
        }
        tail = s;
      }
      s = following;
    }
    if (lastGroup !== NONE) groupTail[lastGroup] = tail;
    this.lastTime = lastTime;
    this.lastGroup = lastGroup;
    if (!sorted) this.sortMembers(size);
    this.size = size;
    this.time = t;
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

  /** Appends series `s` to the group of time `t`, creating the group when it is new. */
  private enqueue(s: number, t: number): void {
    let g: number;
    if (t === this.lastTime && this.lastGroup !== NONE) {
      g = this.lastGroup;
    } else {
      g = this.groupByTime.get(t) ?? this.newGroup(t);
      this.lastTime = t;
      this.lastGroup = g;
    }
    const tail = this.groupTail[g]!;
    this.link[s] = NONE;
    if (tail === NONE) {
      this.groupHead[g] = s;
    } else {
      this.link[tail] = s;
      if (s < tail) this.groupSorted[g] = 0;
    }
    this.groupTail[g] = s;
  }

  private newGroup(t: number): number {
    const g = this.freeGroups[--this.freeCount]!;
    this.groupHead[g] = NONE;
    this.groupTail[g] = NONE;
    this.groupTime[g] = t;
    this.groupSorted[g] = 1;
    this.groupByTime.set(t, g);
    // Sift up.
    const heap = this.heap;
    let at = this.heapSize++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const pg = heap[parent]!;
      if (this.groupTime[pg]! < t) break;
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

  /** Restores series order in a slice whose series joined its group out of order (uneven calendars). */
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
