import { dayNumber } from '../domain/time.js';

/** Account rows as columns (views of the curve's storage, valid until the next append). */
export interface EquityColumns {
  readonly length: number;
  readonly time: Float64Array;
  readonly cash: Float64Array;
  readonly settledCash: Float64Array;
  readonly positionsValue: Float64Array;
}

/** Time and equity per row: what the metrics need. */
export interface EquitySeries {
  readonly length: number;
  readonly time: Float64Array;
  readonly equity: Float64Array;
}

/** Equity (cash + positions value) of every row beside the rows' times. */
export function equitySeries(rows: EquityColumns): EquitySeries {
  const equity = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) equity[i] = rows.cash[i]! + rows.positionsValue[i]!;
  return { length: rows.length, time: rows.time, equity };
}

/** The account figures recorded per row; the portfolio provides them as O(1) getters. */
export interface CurveSource {
  readonly cash: number;
  readonly settledCash: number;
  readonly positionsValue: number;
  readonly openPositionCount: number;
}

/**
 * Account rows in time order, in growable columns: the daily snapshots of a run. A row with the time of the last
 * one replaces it; a row going back in time is a bug in the caller.
 */
export class EquityCurve {
  private count = 0;
  private time: Float64Array;
  private cash: Float64Array;
  private settled: Float64Array;
  private value: Float64Array;

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(16, Math.ceil(initialCapacity));
    this.time = new Float64Array(capacity);
    this.cash = new Float64Array(capacity);
    this.settled = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  append(time: number, cash: number, settledCash: number, positionsValue: number): void {
    let i = this.count;
    if (i > 0) {
      const last = this.time[i - 1]!;
      if (time === last) i--;
      else if (time < last) throw new RangeError(`equity curve: time ${time} is before the last recorded time ${last}`);
    }
    if (i === this.time.length) this.grow();
    this.time[i] = time;
    this.cash[i] = cash;
    this.settled[i] = settledCash;
    this.value[i] = positionsValue;
    this.count = i + 1;
  }

  /**
   * A day's snapshot: it replaces the last row when that is of the same date (a live session restarted the same day
   * closes a day the earlier one had closed already).
   */
  appendDay(time: number, cash: number, settledCash: number, positionsValue: number): void {
    if (this.count > 0 && dayNumber(this.time[this.count - 1]!) === dayNumber(time)) this.count--;
    this.append(time, cash, settledCash, positionsValue);
  }

  rows(): EquityColumns {
    const n = this.count;
    return {
      length: n,
      time: this.time.subarray(0, n),
      cash: this.cash.subarray(0, n),
      settledCash: this.settled.subarray(0, n),
      positionsValue: this.value.subarray(0, n),
    };
  }

  private grow(): void {
    const widen = (a: Float64Array): Float64Array => {
      const next = new Float64Array(a.length * 2);
      next.set(a);
      return next;
    };
    this.time = widen(this.time);
    this.cash = widen(this.cash);
    this.settled = widen(this.settled);
    this.value = widen(this.value);
  }
}
