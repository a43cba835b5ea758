import { dayNumber } from '../domain/time.js';

/** The account figures the curve records; the portfolio provides them as O(1) getters. */
export interface CurveSource {
  readonly cash: number;
  readonly settledCash: number;
  readonly positionsValue: number;
  readonly openPositionCount: number;
}

/**
 * Recorded rows without copies. Equity is cash + positions value. Cash and settled cash change only on fills and
 * settlements, so they are stored as runs: run k holds from row `runStart[k]` up to the next run's start.
 * The arrays are views, valid until the next `record`.
 */
export interface EquityTable {
  readonly length: number;
  readonly time: Float64Array;
  readonly positionsValue: Float64Array;
  readonly runCount: number;
  readonly runStart: Float64Array;
  readonly runCash: Float64Array;
  readonly runSettled: Float64Array;
}

/** Rows as plain columns, one value per row. */
export interface EquityColumns {
  readonly length: number;
  readonly time: Float64Array;
  readonly equity: Float64Array;
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

/** The equity of every row (cash + positions value) beside the table's times (a view, not a copy). */
export function equitySeries(table: EquityTable): EquitySeries {
  const equity = new Float64Array(table.length);
  forEachRun(table, (from, to, cash) => {
    for (let i = from; i < to; i++) equity[i] = cash + table.positionsValue[i]!;
  });
  return { length: table.length, time: table.time, equity };
}

/** The table as plain columns (fresh arrays). */
export function tableColumns(table: EquityTable): EquityColumns {
  const n = table.length;
  const out = {
    length: n,
    time: table.time.slice(0, n),
    equity: new Float64Array(n),
    cash: new Float64Array(n),
    settledCash: new Float64Array(n),
    positionsValue: table.positionsValue.slice(0, n),
  };
  forEachRun(table, (from, to, cash, settled) => {
    for (let i = from; i < to; i++) {
      out.cash[i] = cash;
      out.settledCash[i] = settled;
      out.equity[i] = cash + out.positionsValue[i]!;
    }
  });
  return out;
}

/** Calls `visit` for each run with its row range [from, to) and its cash and settled cash. */
export function forEachRun(
  table: EquityTable,
  visit: (from: number, to: number, cash: number, settled: number) => void,
): void {
  for (let k = 0; k < table.runCount; k++) {
    const from = table.runStart[k]!;
    const to = k + 1 < table.runCount ? table.runStart[k + 1]! : table.length;
    visit(from, Math.min(to, table.length), table.runCash[k]!, table.runSettled[k]!);
  }
}

/**
 * The account after every bar slice. On this class of machine the first write to fresh memory costs about 3 ms per
 * MB, which for a million rows outweighs the arithmetic, so a row is kept small: time and positions value (16 bytes)
 * and an open-position flag (1 byte), with cash and settled cash as runs. Give the expected row count as the initial
 * capacity when it is known (a backtest knows its bar count): untouched capacity costs nothing, while each doubling
 * touches the old arrays once more (see ROW_GROWTH). Recording the same time again replaces that row, so a slice is one row however
 * many symbols it has.
 */
export class EquityCurve {
  private count = 0;
  private times: Float64Array;
  private values: Float64Array;
  private open: Uint8Array;
  private runs = 0;
  private starts: Float64Array;
  private cashes: Float64Array;
  private settled: Float64Array;

  constructor(initialCapacity = 65_536) {
    const capacity = Math.max(16, Math.ceil(initialCapacity));
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.open = new Uint8Array(capacity);
    this.starts = new Float64Array(64);
    this.cashes = new Float64Array(64);
    this.settled = new Float64Array(64);
  }

  get length(): number {
    return this.count;
  }

  /** Time of the last row; NaN when empty. */
  get lastTime(): number {
    return this.count === 0 ? Number.NaN : this.times[this.count - 1]!;
  }

  /** Forgets every row but keeps the memory, so repeated runs (walk-forward windows) touch no new pages. */
  clear(): void {
    this.count = 0;
    this.runs = 0;
  }

  record(time: number, source: CurveSource): void {
    this.recordValues(time, source.cash, source.settledCash, source.positionsValue, source.openPositionCount > 0);
  }

  recordValues(time: number, cash: number, settledCash: number, positionsValue: number, anyOpen: boolean): void {
    let i = this.count;
    if (i > 0) {
      const last = this.times[i - 1]!;
      if (time === last) i--;
      else if (time < last) throw new RangeError(`equity curve: time ${time} is before the last recorded time ${last}`);
    }
    if (i === this.times.length) this.growRows();
    this.times[i] = time;
    this.values[i] = positionsValue;
    this.open[i] = anyOpen ? 1 : 0;
    this.count = i + 1;
    const r = this.runs - 1;
    if (r >= 0 && this.starts[r] === i) {
      // the replaced row began a run: it is that run's values that change
      this.cashes[r] = cash;
      this.settled[r] = settledCash;
    } else if (r < 0 || this.cashes[r] !== cash || this.settled[r] !== settledCash) {
      if (this.runs === this.starts.length) this.growRuns();
      this.starts[this.runs] = i;
      this.cashes[this.runs] = cash;
      this.settled[this.runs] = settledCash;
      this.runs++;
    }
  }

  /** Every row, as views of the curve's storage. */
  rows(): EquityTable {
    return {
      length: this.count,
      time: this.times.subarray(0, this.count),
      positionsValue: this.values.subarray(0, this.count),
      runCount: this.runs,
      runStart: this.starts.subarray(0, this.runs),
      runCash: this.cashes.subarray(0, this.runs),
      runSettled: this.settled.subarray(0, this.runs),
    };
  }

  /**
   * The last row of each date. When every row already is (daily bars), these are the rows themselves, without a
   * copy; otherwise compact fresh arrays.
   */
  daily(): EquityTable {
    const n = this.count;
    const times = this.times;
    let dates = n > 0 ? 1 : 0;
    for (let i = 1; i < n; i++) if (dayNumber(times[i]!) !== dayNumber(times[i - 1]!)) dates++;
    if (dates === n) return this.rows();
    const time = new Float64Array(dates);
    const positionsValue = new Float64Array(dates);
    const runLimit = Math.min(dates, this.runs);
    const runStart = new Float64Array(runLimit);
    const runCash = new Float64Array(runLimit);
    const runSettled = new Float64Array(runLimit);
    let runCount = 0;
    let run = 0;
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (i !== n - 1 && dayNumber(times[i + 1]!) === dayNumber(times[i]!)) continue;
      while (run + 1 < this.runs && this.starts[run + 1]! <= i) run++;
      time[k] = times[i]!;
      positionsValue[k] = this.values[i]!;
      const cash = this.cashes[run]!;
      const settled = this.settled[run]!;
      if (runCount === 0 || runCash[runCount - 1] !== cash || runSettled[runCount - 1] !== settled) {
        runStart[runCount] = k;
        runCash[runCount] = cash;
        runSettled[runCount] = settled;
        runCount++;
      }
      k++;
    }
    return {
      length: dates,
      time,
      positionsValue,
      runCount,
      runStart: runStart.subarray(0, runCount),
      runCash: runCash.subarray(0, runCount),
      runSettled: runSettled.subarray(0, runCount),
    };
  }

  /** Fraction of recorded rows with any position open; null when nothing was recorded. */
  exposure(): number | null {
    const n = this.count;
    if (n === 0) return null;
    let open = 0;
    for (let i = 0; i < n; i++) open += this.open[i]!;
    return open / n;
  }

  private growRows(): void {
    const capacity = this.times.length * ROW_GROWTH;
    this.times = widen(this.times, capacity);
    this.values = widen(this.values, capacity);
    const open = new Uint8Array(capacity);
    open.set(this.open);
    this.open = open;
  }

  private growRuns(): void {
    const capacity = this.starts.length * 2;
    this.starts = widen(this.starts, capacity);
    this.cashes = widen(this.cashes, capacity);
    this.settled = widen(this.settled, capacity);
  }
}

/**
 * Fresh typed arrays are mapped lazily, so unused capacity costs no time, while the old arrays that a growth step
 * copies were touched in vain: growing eightfold keeps that waste to a seventh of the rows.
 */
const ROW_GROWTH = 8;

function widen(a: Float64Array, capacity: number): Float64Array {
  const b = new Float64Array(capacity);
  b.set(a);
  return b;
}
