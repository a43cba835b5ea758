import type { BarSeries } from '../domain/bar.js';
import type { BarSink } from './bar-sink.js';

/** Appends bars into growable columns and hands them over as a `BarSeries`. */
export class BarSeriesBuilder implements BarSink {
  private time: Float64Array;
  private open: Float64Array;
  private high: Float64Array;
  private low: Float64Array;
  private close: Float64Array;
  private volume: Float64Array;
  private length = 0;

  constructor(
    readonly symbol: string,
    initialCapacity = 1024,
  ) {
    const size = Math.max(16, Math.ceil(initialCapacity));
    this.time = new Float64Array(size);
    this.open = new Float64Array(size);
    this.high = new Float64Array(size);
    this.low = new Float64Array(size);
    this.close = new Float64Array(size);
    this.volume = new Float64Array(size);
  }

  push(time: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.length === this.time.length) this.grow();
    const i = this.length++;
    this.time[i] = time;
    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    this.volume[i] = volume;
  }

  /** Appends a parsed row (see `BarSink`; the indexes are literals for the reason given in csv-field-reader.ts). */
  pushRow(row: Float64Array): void {
    this.push(row[0]!, row[1]!, row[2]!, row[3]!, row[4]!, row[5]!);
  }

  /** The bars pushed so far, trimmed to length; the builder should not be used afterwards. */
  build(): BarSeries {
    const n = this.length;
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

  private grow(): void {
    const size = this.time.length * 2;
    const widen = (column: Float64Array): Float64Array => {
      const wider = new Float64Array(size);
      wider.set(column.subarray(0, this.length));
      return wider;
    };
    this.time = widen(this.time);
    this.open = widen(this.open);
    this.high = widen(this.high);
    this.low = widen(this.low);
    this.close = widen(this.close);
    this.volume = widen(this.volume);
  }
}
