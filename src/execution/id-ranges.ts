import { upperBound } from '../data/slice-bar-series.js';

/**
 * A set of whole numbers held as sorted, disjoint runs [start, end]: ids handed out in sequence make one run, so
 * memory grows with the gaps between the ids used rather than with their number. A venue that refuses a reused id
 * over millions of orders would otherwise keep a hash table of all of them, rebuilt ever larger as it grows.
 */
export class IdRanges {
  /** Starts and (inclusive) ends of the runs, in increasing order, none touching another. */
  private starts: number[] = [];
  private ends: number[] = [];

  has(id: number): boolean {
    const last = this.ends.length - 1;
    // ids usually come in sequence: the last run answers most questions
    if (last < 0 || id > this.ends[last]!) return false;
    const k = this.runAtOrBefore(id);
    return k >= 0 && id <= this.ends[k]!;
  }

  /** Adds a safe whole number. */
  add(id: number): void {
    const last = this.ends.length - 1;
    if (last >= 0 && id === this.ends[last]! + 1) {
      this.ends[last] = id;
      return;
    }
    if (last < 0 || id > this.ends[last]! + 1) {
      this.starts.push(id);
      this.ends.push(id);
      return;
    }
    const k = this.runAtOrBefore(id);
    if (k >= 0 && id <= this.ends[k]!) return;
    const joinsBefore = k >= 0 && this.ends[k]! + 1 === id;
    const joinsAfter = k + 1 < this.starts.length && this.starts[k + 1]! - 1 === id;
    if (joinsBefore && joinsAfter) {
      this.ends[k] = this.ends[k + 1]!;
      this.starts.splice(k + 1, 1);
      this.ends.splice(k + 1, 1);
    } else if (joinsBefore) {
      this.ends[k] = id;
    } else if (joinsAfter) {
      this.starts[k + 1] = id;
    } else {
      this.starts.splice(k + 1, 0, id);
      this.ends.splice(k + 1, 0, id);
    }
  }

  /** The number of runs (for tests: ids in sequence are one). */
  get runs(): number {
    return this.starts.length;
  }

  /** The index of the last run starting at or before `id`, or -1. */
  private runAtOrBefore(id: number): number {
    return upperBound(this.starts, this.starts.length, id) - 1;
  }
}
