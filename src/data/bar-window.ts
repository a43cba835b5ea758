import type { BarSink } from './bar-sink.js';

/**
 * A small run of bars in reused columns: a stream parses a chunk of its file into the window, reads the bars out and
 * clears it for the next chunk. The columns grow (doubling) only when a chunk holds more bars than ever before.
 */
export class BarWindow implements BarSink {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length = 0;

  constructor(capacity: number) {
    const size = Math.max(16, Math.ceil(capacity));
    this.time = new Float64Array(size);
    this.open = new Float64Array(size);
    this.high = new Float64Array(size);
    this.low = new Float64Array(size);
    this.close = new Float64Array(size);
    this.volume = new Float64Array(size);
  }

  get capacity(): number {
    return this.time.length;
  }

  clear(): void {
    this.length = 0;
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
