import { dayNumber } from '../domain/time.js';
import { EquityCurve, type CurveSource, type EquityColumns } from './equity-curve.js';
import type { EquityRowSink } from './equity-csv-writer.js';

/**
 * Records the account after every bar slice without keeping a row per bar: each row goes to an optional sink
 * (equity.csv) and only the last row of each date is kept, as the daily snapshots the metrics use. A row with the
 * same time as the previous one replaces it, so rows are passed on one step late.
 */
export class EquityRecorder {
  private readonly days = new EquityCurve(1024);
  private rows = 0;
  private openRows = 0;
  private pendingTime = Number.NaN;
  private pendingCash = 0;
  private pendingSettled = 0;
  private pendingValue = 0;
  private pendingOpen = false;

  constructor(private readonly sink: EquityRowSink | null = null) {}

  /** Rows recorded so far. */
  get length(): number {
    return this.rows;
  }

  record(time: number, source: CurveSource): void {
    if (time !== this.pendingTime) {
      if (!Number.isNaN(this.pendingTime)) this.pass(time);
      this.rows++;
    } else if (this.pendingOpen) {
      this.openRows--;
    }
    this.pendingTime = time;
    this.pendingCash = source.cash;
    this.pendingSettled = source.settledCash;
    this.pendingValue = source.positionsValue;
    this.pendingOpen = source.openPositionCount > 0;
    if (this.pendingOpen) this.openRows++;
  }

  /** Passes the last row on; call once when the run ends, before reading `daily` or closing the sink. */
  finish(): void {
    if (!Number.isNaN(this.pendingTime)) this.pass(Number.NaN);
    this.pendingTime = Number.NaN;
  }

  /** The last row of each date (after `finish`). */
  daily(): EquityColumns {
    return this.days.rows();
  }

  /** Fraction of rows with any position open; null before any row. */
  exposure(): number | null {
    return this.rows === 0 ? null : this.openRows / this.rows;
  }

  private pass(nextTime: number): void {
    const time = this.pendingTime;
    this.sink?.row(time, this.pendingCash, this.pendingSettled, this.pendingValue);
    if (Number.isNaN(nextTime) || dayNumber(nextTime) !== dayNumber(time)) {
      this.days.append(time, this.pendingCash, this.pendingSettled, this.pendingValue);
    }
  }
}
