import { MS_PER_DAY, utcTime } from '../domain/time.js';

/** What one candle covers: `bar` (as in the data), `day`, `week` or `month`, finest first. */
export type CandlePeriod = 'bar' | 'day' | 'week' | 'month';

export const PERIODS: readonly CandlePeriod[] = ['bar', 'day', 'week', 'month'];

/**
 * The day, week and month a time falls into. Weeks begin on Monday (1970-01-01 was a Thursday). The month is looked
 * up on a calendar only when the day leaves the month of the time before: a series of bars makes a Date a month
 * rather than one a bar.
 */
export class PeriodKeys {
  day = Number.NaN;
  week = Number.NaN;
  month = Number.NaN;
  private monthFirstDay = Number.POSITIVE_INFINITY;
  private nextMonthFirstDay = Number.NEGATIVE_INFINITY;

  set(time: number): void {
    const day = Math.floor(time / MS_PER_DAY);
    if (day === this.day) return;
    this.day = day;
    this.week = Math.floor((day + 3) / 7);
    if (day < this.monthFirstDay || day >= this.nextMonthFirstDay) {
      const d = new Date(time);
      const year = d.getUTCFullYear();
      const month = d.getUTCMonth();
      this.month = year * 12 + month;
      this.monthFirstDay = Math.floor(utcTime(year, month) / MS_PER_DAY);
      this.nextMonthFirstDay = Math.floor(utcTime(year, month + 1) / MS_PER_DAY);
    }
  }
}

/** A column twice as long with the same values first (columns grow by doubling). */
export function doubled<T extends Float64Array | Int32Array>(column: T): T {
  const wider = new (column.constructor as new (length: number) => T)(column.length * 2);
  wider.set(column);
  return wider;
}

const EMPTY = new Float64Array(0);

/**
 * Candles of one period in growable columns: a bar either opens a candle (a new key) or widens the last one. Once
 * `unstore`d it only counts its candles, which is all that choosing a period needs.
 */
export class CandleColumns {
  /** Candles so far, stored or not. */
  length = 0;
  stored = true;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  private lastKey = Number.NaN;

  constructor(capacity = 64) {
    this.time = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
  }

  /** Adds a bar; returns the candles stored by it (1 for a new stored candle, else 0). */
  add(key: number, time: number, open: number, high: number, low: number, close: number): number {
    if (key !== this.lastKey) {
      this.lastKey = key;
      const i = this.length++;
      if (!this.stored) return 0;
      if (i === this.time.length) this.grow();
      this.time[i] = time;
      this.open[i] = open;
      this.high[i] = high;
      this.low[i] = low;
      this.close[i] = close;
      return 1;
    }
    if (!this.stored) return 0;
    const k = this.length - 1;
    if (high > this.high[k]!) this.high[k] = high;
    if (low < this.low[k]!) this.low[k] = low;
    this.close[k] = close;
    return 0;
  }

  /** Lets the candles go and counts them only from here on; returns how many were stored. */
  unstore(): number {
    if (!this.stored) return 0;
    this.stored = false;
    this.time = this.open = this.high = this.low = this.close = EMPTY;
    return this.length;
  }

  /** A copy that goes on from here on its own (with `key` as the key of its last candle). */
  copy(key: number): CandleColumns {
    const copy = new CandleColumns(this.stored ? Math.max(64, this.length * 2) : 0);
    if (this.stored) {
      copy.time.set(this.time.subarray(0, this.length));
      copy.open.set(this.open.subarray(0, this.length));
      copy.high.set(this.high.subarray(0, this.length));
      copy.low.set(this.low.subarray(0, this.length));
      copy.close.set(this.close.subarray(0, this.length));
    } else {
      copy.unstore();
    }
    copy.length = this.length;
    copy.lastKey = key;
    return copy;
  }

  private grow(): void {
    this.time = doubled(this.time);
    this.open = doubled(this.open);
    this.high = doubled(this.high);
    this.low = doubled(this.low);
    this.close = doubled(this.close);
  }
}
