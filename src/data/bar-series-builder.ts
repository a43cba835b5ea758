import type { BarSeries } from '../domain/bar.js';
import { BarWindow } from './bar-window.js';

/** Appends bars into growable columns (a `BarWindow` never cleared) and hands them over as a `BarSeries`. */
export class BarSeriesBuilder extends BarWindow {
  constructor(
    readonly symbol: string,
    initialCapacity = 1024,
  ) {
    super(initialCapacity);
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
}
