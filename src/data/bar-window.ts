import type { BarSink } from './bar-sink.js';

const COLUMNS = 6;

function windowCapacity(capacity: number): number {
  return Math.max(16, Math.ceil(capacity));
}

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

  /**
   * Columns of `capacity` bars (at least 16), in an allocation of their own or, given `memory`, in that memory from
   * `byteOffset` on (`BarWindow.bytes(capacity)` bytes): the read-ahead thread's windows live in shared memory.
   */
  constructor(capacity: number, memory?: ArrayBufferLike, byteOffset = 0) {
    const size = windowCapacity(capacity);
    // The six columns share one allocation: hundreds of streams each make a window, and a backing store apiece cost
    // six allocations (and six times the bookkeeping of memory outside the heap) per stream.
    const columns = memory ?? new ArrayBuffer(BarWindow.bytes(size));
    const column = (k: number): Float64Array =>
      new Float64Array(columns, byteOffset + k * size * Float64Array.BYTES_PER_ELEMENT, size);
    this.time = column(0);
    this.open = column(1);
    this.high = column(2);
    this.low = column(3);
    this.close = column(4);
    this.volume = column(5);
  }

  /** Bytes of the columns of a window of `capacity` bars. */
  static bytes(capacity: number): number {
    return windowCapacity(capacity) * COLUMNS * Float64Array.BYTES_PER_ELEMENT;
  }

  clear(): void {
    this.length = 0;
  }

  /** Copies bars `from` to `to` (exclusive) of `source` over this window's bars (which must have room). */
  copyFrom(source: BarWindow, from: number, to: number): void {
    this.time.set(source.time.subarray(from, to));
    this.open.set(source.open.subarray(from, to));
    this.high.set(source.high.subarray(from, to));
    this.low.set(source.low.subarray(from, to));
    this.close.set(source.close.subarray(from, to));
    this.volume.set(source.volume.subarray(from, to));
    this.length = to - from;
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
