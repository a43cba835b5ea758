import type { BarSink } from './bar-sink.js';

/** Numbers per bar: time, open, high, low, close, volume, in that order (the roles' order in csv-header.ts). */
export const BAR_FIELDS = 6;

function windowCapacity(capacity: number): number {
  return Math.max(16, Math.ceil(capacity));
}

/**
 * Bars one after another in one array, six numbers each, that grows (doubling) when full. A stream parses a chunk
 * of its file into its window, reads the bars out and clears it for the next chunk, so it grows only when a chunk
 * holds more bars than ever before. A bar's numbers sit side by side, so that reading one touches one or two cache
 * lines rather than one per field: with hundreds of streams read in turn, nothing of a stream stays in the cache
 * from one bar of it to its next (simulated on 500 files, 1 MiB of L2: stepping the streams missed 20 times a bar
 * with six columns, 4 times this way).
 */
export class BarWindow implements BarSink {
  /** Bar i's fields at [i * BAR_FIELDS, (i + 1) * BAR_FIELDS). */
  rows: Float64Array;
  length = 0;

  /**
   * Room for `capacity` bars (at least 16), in an allocation of its own or, given `memory`, in that memory from
   * `byteOffset` on (`BarWindow.bytes(capacity)` bytes): the read-ahead thread's windows live in shared memory.
   */
  constructor(capacity: number, memory?: ArrayBufferLike, byteOffset = 0) {
    const size = windowCapacity(capacity) * BAR_FIELDS;
    this.rows = memory === undefined ? new Float64Array(size) : new Float64Array(memory, byteOffset, size);
  }

  /** Bytes of a window of `capacity` bars. */
  static bytes(capacity: number): number {
    return windowCapacity(capacity) * BAR_FIELDS * Float64Array.BYTES_PER_ELEMENT;
  }

  clear(): void {
    this.length = 0;
  }

  /** Copies bars `from` to `to` (exclusive) of `source` over this window's bars (which must have room). */
  copyFrom(source: BarWindow, from: number, to: number): void {
    this.rows.set(source.rows.subarray(from * BAR_FIELDS, to * BAR_FIELDS));
    this.length = to - from;
  }

  /** Appends a parsed row (see `BarSink`; the indexes are literals for the reason given in csv-field-reader.ts). */
  pushRow(row: Float64Array): void {
    let at = this.length * BAR_FIELDS;
    if (at === this.rows.length) this.grow();
    this.length++;
    const rows = this.rows;
    rows[at++] = row[0]!;
    rows[at++] = row[1]!;
    rows[at++] = row[2]!;
    rows[at++] = row[3]!;
    rows[at++] = row[4]!;
    rows[at] = row[5]!;
  }

  private grow(): void {
    const wider = new Float64Array(this.rows.length * 2);
    wider.set(this.rows);
    this.rows = wider;
  }
}
