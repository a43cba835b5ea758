import type { Bar } from '../domain/bar.js';

const FIELDS = 6;
const TIME = 0;
const OPEN = 1;
const HIGH = 2;
const LOW = 3;
const CLOSE = 4;
const VOLUME = 5;

/**
 * The last `capacity` bars of one symbol on a ring buffer; `ago` 0 is the latest bar. A bar's six fields sit next
 * to each other, so recording a bar touches one cache line, which matters with hundreds of symbols interleaved.
 */
export class BarHistory {
  private readonly data: Float64Array;
  private head = -1;
  private seen = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`history capacity ${capacity} must be an integer ≥ 1`);
    }
    this.data = new Float64Array(capacity * FIELDS);
  }

  /** Bars available (at most `capacity`). */
  get length(): number {
    return this.seen < this.capacity ? this.seen : this.capacity;
  }

  /** Bars pushed since creation. */
  get count(): number {
    return this.seen;
  }

  push(bar: Bar): void {
    const i = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.head = i;
    const at = i * FIELDS;
    const data = this.data;
    data[at + TIME] = bar.time;
    data[at + OPEN] = bar.open;
    data[at + HIGH] = bar.high;
    data[at + LOW] = bar.low;
    data[at + CLOSE] = bar.close;
    data[at + VOLUME] = bar.volume;
    this.seen++;
  }

  time(ago = 0): number {
    return this.read(TIME, ago);
  }

  open(ago = 0): number {
    return this.read(OPEN, ago);
  }

  high(ago = 0): number {
    return this.read(HIGH, ago);
  }

  low(ago = 0): number {
    return this.read(LOW, ago);
  }

  close(ago = 0): number {
    return this.read(CLOSE, ago);
  }

  volume(ago = 0): number {
    return this.read(VOLUME, ago);
  }

  /** NaN when `ago` reaches past the bars kept. */
  private read(field: number, ago: number): number {
    if (!(ago >= 0 && ago < this.length)) return Number.NaN;
    const i = this.head - ago;
    return this.data[(i < 0 ? i + this.capacity : i) * FIELDS + field]!;
  }
}
