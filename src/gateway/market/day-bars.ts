import { BAR_MS } from './exchange-calendar.js';

/** A symbol's five-second bars of one trading day, in columns (times in exchange time, bar start). */
export class DayBars {
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  length = 0;

  constructor(
    readonly symbol: string,
    readonly day: number,
    capacity: number,
  ) {
    this.time = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
  }

  /** Index of the bar starting at `time`, or −1. Contiguous days resolve arithmetically. */
  indexAt(time: number): number {
    if (this.length === 0) return -1;
    const first = this.time[0]!;
    const guess = (time - first) / BAR_MS;
    if (Number.isInteger(guess) && guess >= 0 && guess < this.length && this.time[guess] === time) return guess;
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.time[mid]!;
      if (t < time) lo = mid + 1;
      else if (t > time) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  /** Number of bars starting before `time` (the index of the first bar at or after it). */
  countBefore(time: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.time[mid]! < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Approximate memory of the columns, for cache accounting. */
  get bytes(): number {
    return this.time.byteLength * 6;
  }
}
