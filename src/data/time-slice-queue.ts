const NONE = -1;
/** Above this size a slice assembled from several groups is sorted natively rather than by insertion. */
const INSERTION_SORT_LIMIT = 32;

/**
 * The k-way merge behind `BarTimeline` and `BarStreamTimeline`: members (positions 0…k-1 of the merged series or
 * streams) wait in the queue keyed by the time of their next bar, and `take()` hands out the earliest time slice
 * with its members in position order.
 *
 * Waiting members form *groups*: a linked list of members whose next bars share a timestamp, and a binary heap
 * orders the groups by that timestamp. Members on a common calendar travel together from one group to the next, so
 * aligned daily data costs a few array operations per bar and one heap operation per slice, where a heap of members
 * would pay O(log k) unpredictable branches per bar. Several groups may hold the same timestamp (a member rejoining
 * after a gap); they are merged and put back in position order when their slice is taken. No allocation after
 * construction.
 */
export class TimeSliceQueue {
  /** Time of the slice last taken; NaN before the first and after the end. */
  time = Number.NaN;
  /** Number of members in the slice last taken. */
  size = 0;
  /** Members of the slice last taken, in position order, at [0, size). */
  readonly members: Int32Array;
  /** Next member in the same group, per member. */
  private readonly link: Int32Array;
  private readonly groupHead: Int32Array;
  private readonly groupTime: Float64Array;
  private readonly freeGroups: Int32Array;
  private freeCount = 0;
  /** Min-heap of group ids by time. Every group holds at least one member, so k slots suffice. */
  private readonly heap: Int32Array;
  private heapSize = 0;
  /** Time and last member of the group the current batch appends to. */
  private batchTime = Number.NaN;
  private batchTail = NONE;

  constructor(readonly capacity: number) {
    this.members = new Int32Array(capacity);
    this.link = new Int32Array(capacity);
    this.groupHead = new Int32Array(capacity);
    this.groupTime = new Float64Array(capacity);
    this.freeGroups = new Int32Array(capacity);
    this.heap = new Int32Array(capacity);
    this.clear();
  }

  /** Empties the queue. */
  clear(): void {
    const k = this.capacity;
    this.heapSize = 0;
    this.freeCount = k;
    for (let g = 0; g < k; g++) this.freeGroups[g] = k - 1 - g;
    this.time = Number.NaN;
    this.size = 0;
    this.beginBatch();
  }

  /** Starts a batch of `enqueue` calls, which must come in increasing member order. */
  beginBatch(): void {
    this.batchTime = Number.NaN;
    this.batchTail = NONE;
  }

  /**
   * Queues a member (not queued yet) at the time of its next bar. Consecutive calls of a batch with equal times
   * share one group, which therefore stays in member order.
   */
  enqueue(member: number, time: number): void {
    this.link[member] = NONE;
    if (time === this.batchTime) {
      this.link[this.batchTail] = member;
    } else {
      this.groupHead[this.pushGroup(time)] = member;
      this.batchTime = time;
    }
    this.batchTail = member;
  }

  /**
   * Removes the earliest slice from the queue into `members`/`size`/`time`; false when the queue is empty. The
   * members are no longer queued: the caller enqueues each again at its following bar (in a new batch).
   */
  take(): boolean {
    if (this.heapSize === 0) {
      this.size = 0;
      this.time = Number.NaN;
      return false;
    }
    const { heap, groupTime, groupHead, link, members } = this;
    const t = groupTime[heap[0]!]!;
    const first = this.popGroup();
    let size = 0;
    for (let s = groupHead[first]!; s !== NONE; s = link[s]!) members[size++] = s;
    this.freeGroups[this.freeCount++] = first;
    if (this.heapSize > 0 && groupTime[heap[0]!] === t) {
      // Uneven calendars: other groups at the same time join, and the slice is put back in member order.
      while (this.heapSize > 0 && groupTime[heap[0]!] === t) {
        const g = this.popGroup();
        for (let s = groupHead[g]!; s !== NONE; s = link[s]!) members[size++] = s;
        this.freeGroups[this.freeCount++] = g;
      }
      sortMembers(members, size);
    }
    this.time = t;
    this.size = size;
    return true;
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
}

function sortMembers(members: Int32Array, size: number): void {
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
