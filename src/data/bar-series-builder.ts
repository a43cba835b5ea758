import type { BarSeries } from '../domain/bar.js';
import type { BarSink } from './bar-sink.js';

/** Appends bars into growable columns and hands them over as a `BarSeries` trimmed to length. */
export class BarSeriesBuilder implements BarSink {
  private time: Float64Array;
  private open: Float64Array;
  private high: Float64Array;
  private low: Float64Array;
  private close: Float64Array;
  private volume: Float64Array;
  private count = 0;

  constructor(
    readonly symbol: string,
    initialCapacity = 1024,
  ) {
    const capacity = Math.max(16, Math.ceil(initialCapacity));
    this.time = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Time of the last bar pushed; NaN when empty. */
  get lastTime(): number {
    return this.count === 0 ? Number.NaN : this.time[this.count - 1]!;
  }

  push(time: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.count === this.time.length) this.grow();
    const i = this.count++;
    this.time[i] = time;
    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    this.volume[i] = volume;
  }

  /** The bars pushed so far; the builder should not be used afterwards. */
  build(): BarSeries {
    const n = this.count;
    // Copy only when the slack is worth giving back; a small tail stays as unused capacity.
    const exact = this.time.length - n <= this.time.length >>> 4;
    const cut = (a: Float64Array): Float64Array => (exact ? a.subarray(0, n) : a.slice(0, n));
    return {
      symbol: this.symbol,
      length: n,
      time: cut(this.time),
      open: cut(this.open),
      high: cut(this.high),
      low: cut(this.low),
      close: cut(this.close),
      volume: cut(this.volume),
    };
  }

  /** `push` of a parsed row (see `BarSink`; the indexes are literals for the reason given in csv-field-reader.ts). */
  pushRow(row: Float64Array): void {
    if (this.count === this.time.length) this.grow();
    const i = this.count++;
    this.time[i] = row[0]!;
    this.open[i] = row[1]!;
    this.high[i] = row[2]!;
    this.low[i] = row[3]!;
    this.close[i] = row[4]!;
    this.volume[i] = row[5]!;
  }

  private grow(): void {
    const capacity = this.time.length * 2;
    const widen = (a: Float64Array): Float64Array => {
      const next = new Float64Array(capacity);
      next.set(a);
      return next;
    };
    this.time = widen(this.time);
    this.open = widen(this.open);
    this.high = widen(this.high);
    this.low = widen(this.low);
    this.close = widen(this.close);
    this.volume = widen(this.volume);
  }
}
