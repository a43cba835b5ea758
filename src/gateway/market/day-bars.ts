import { lowerBound } from '../../data/slice-bar-series.js';
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

  /** Memory of the columns. */
  get byteLength(): number {
    return 6 * this.time.byteLength;
  }

  /** Index of the bar starting at `time`, or −1. Contiguous days resolve arithmetically. */
  indexAt(time: number): number {
    if (this.length === 0) return -1;
    const first = this.time[0]!;
    const guess = (time - first) / BAR_MS;
    if (Number.isInteger(guess) && guess >= 0 && guess < this.length && this.time[guess] === time) return guess;
    const at = this.countBefore(time);
    return at < this.length && this.time[at] === time ? at : -1;
  }

  /** Number of bars starting before `time` (the index of the first bar at or after it). */
  countBefore(time: number): number {
    return lowerBound(this.time, this.length, time);
  }
}
