import type { BarSink } from './bar-sink.js';

/**
 * Bars in columns that grow (doubling) when full. A stream parses a chunk of its file into its window, reads the
 * bars out and clears it for the next chunk, so the columns grow only when a chunk holds more bars than ever
 * before; `BarSeriesBuilder` never clears its window.
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

  clear(): void {
    this.length = 0;
  }

  /** Appends a parsed row (see `BarSink`; the indexes are literals for the reason given in csv-field-reader.ts). */
  pushRow(row: Float64Array): void {
    if (this.length === this.time.length) this.grow();
    const i = this.length++;
    this.time[i] = row[0]!;
    this.open[i] = row[1]!;
    this.high[i] = row[2]!;
    this.low[i] = row[3]!;
    this.close[i] = row[4]!;
    this.volume[i] = row[5]!;
  }

  protected grow(): void {
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
