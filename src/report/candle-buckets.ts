import { MS_PER_DAY, utcTime } from '../domain/time.js';

/** What one candle covers: `bar` (as in the data), `day`, `week` or `month`, finest first. */
export type CandlePeriod = 'bar' | 'day' | 'week' | 'month';

export const PERIODS: readonly CandlePeriod[] = ['bar', 'day', 'week', 'month'];

/** Days on which the month is worked out even within the last one's month (see PeriodKeys.set). */
const FRESH_MONTH_DAYS = 3;

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
  /** Days set so far, up to FRESH_MONTH_DAYS. */
  private days = 0;

  set(time: number): void {
    const day = Math.floor(time / MS_PER_DAY);
    if (day === this.day) return;
    this.day = day;
    this.week = Math.floor((day + 3) / 7);
    // The month is also worked out on the first few days, when V8 already keeps type feedback here: minute bars
    // change month only every several thousand bars, when the code is compiled, and the first change would throw
    // that code away (a path never seen taken).
    if (day < this.monthFirstDay || day >= this.nextMonthFirstDay || this.days < FRESH_MONTH_DAYS) {
      this.days++;
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

/** Numbers per candle: time, open, high, low, close, side by side. */
const WIDTH = 5;
const HIGH = 2;
const LOW = 3;
const CLOSE = 4;

/**
 * A bar as the candles read it: a market event, a stream standing on a bar. Passed whole rather than as five numbers,
 * which every call that is not inlined would box into fresh heap numbers (hundreds of bytes a bar).
 */
export interface CandleBar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** A field of a candle (see CandleColumns.column). */
export type CandleField = 'time' | 'open' | 'high' | 'low' | 'close';
const FIELDS: readonly CandleField[] = ['time', 'open', 'high', 'low', 'close'];

/** CandleColumns as plain data (see `state`). */
export interface CandleColumnsState {
  readonly length: number;
  readonly stored: boolean;
  readonly chunks: Float64Array[];
  readonly at: number;
  readonly lastKey: number;
}

/** Candles in a run's first chunk; each chunk after it holds twice as many, up to LAST_CHUNK. */
const FIRST_CHUNK = 32;
const LAST_CHUNK = 8192;
const NO_CHUNK = new Float64Array(0);

/**
 * Candles of one period, growable: a bar either opens a candle (a new key) or widens the last one. A candle's five
 * numbers lie side by side, so that a bar touches one place in memory, in typed-array chunks of doubling size that
 * are never copied: their memory lies outside the collected heap, where the copies a growing array of numbers makes
 * of itself would each survive a young-generation collection and, a run's worth of them, make V8 double its young
 * generation (about 16 MB more for the rest of the run). Once `unstore`d it only counts its candles, which is all that
 * choosing a period needs.
 */
export class CandleColumns {
  /** Candles so far, stored or not. */
  length = 0;
  stored = true;
  private chunks: Float64Array[] = [];
  /** The chunk of the last candle, and where in it the candle starts (before the first: a chunk is needed). */
  private last: Float64Array = NO_CHUNK;
  private at = -WIDTH;
  private lastKey = Number.NaN;

  /** Adds a bar; returns the candles stored by it (1 for a new stored candle, else 0). */
  add(key: number, bar: CandleBar): number {
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.length++;
      if (!this.stored) return 0;
      let at = this.at + WIDTH;
      if (at === this.last.length) {
        const candles = Math.min(LAST_CHUNK, FIRST_CHUNK << this.chunks.length);
        this.last = new Float64Array(candles * WIDTH);
        this.chunks.push(this.last);
        at = 0;
      }
      const d = this.last;
      d[at] = bar.time;
      d[at + 1] = bar.open;
      d[at + HIGH] = bar.high;
      d[at + LOW] = bar.low;
      d[at + CLOSE] = bar.close;
      this.at = at;
      return 1;
    }
    if (!this.stored) return 0;
    const d = this.last;
    const at = this.at;
    const high = bar.high;
    const low = bar.low;
    if (high > d[at + HIGH]!) d[at + HIGH] = high;
    if (low < d[at + LOW]!) d[at + LOW] = low;
    d[at + CLOSE] = bar.close;
    return 0;
  }

  /** Widens the last candle as bars of its key with these extremes and this last close would; not when only counted. */
  widen(high: number, low: number, close: number): void {
    if (!this.stored) return;
    const d = this.last;
    const at = this.at;
    if (high > d[at + HIGH]!) d[at + HIGH] = high;
    if (low < d[at + LOW]!) d[at + LOW] = low;
    d[at + CLOSE] = close;
  }

  /** One field of every candle. */
  column(field: CandleField): number[] {
    const f = FIELDS.indexOf(field);
    const values: number[] = [];
    if (!this.stored) return values;
    for (const chunk of this.chunks) {
      for (let at = f; at < chunk.length && values.length < this.length; at += WIDTH) values.push(chunk[at]!);
    }
    return values;
  }

  /** Lets the candles go and counts them only from here on; returns how many were stored. */
  unstore(): number {
    if (!this.stored) return 0;
    this.stored = false;
    this.chunks = [];
    this.last = NO_CHUNK;
    return this.length;
  }

  /** Everything the columns hold, as plain data (a thread's candles cross to another in it). */
  state(): CandleColumnsState {
    return { length: this.length, stored: this.stored, chunks: this.chunks, at: this.at, lastKey: this.lastKey };
  }

  /** Columns that go on from a `state()` (whose chunks they take over). */
  static fromState(state: CandleColumnsState): CandleColumns {
    const columns = new CandleColumns();
    columns.length = state.length;
    columns.stored = state.stored;
    columns.chunks = state.chunks;
    columns.last = state.chunks[state.chunks.length - 1] ?? NO_CHUNK;
    columns.at = state.at;
    columns.lastKey = state.lastKey;
    return columns;
  }

  /** A copy that goes on from here on its own (with `key` as the key of its last candle). */
  copy(key: number): CandleColumns {
    const copy = new CandleColumns();
    copy.stored = this.stored;
    copy.chunks = this.chunks.map((chunk) => chunk.slice());
    copy.last = copy.chunks[copy.chunks.length - 1] ?? NO_CHUNK;
    copy.at = this.at;
    copy.length = this.length;
    copy.lastKey = key;
    return copy;
  }
}
