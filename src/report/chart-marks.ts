import { MS_PER_DAY } from '../domain/time.js';
import { doubled, PeriodKeys, type CandlePeriod } from './candle-buckets.js';

/** Protective levels of one kind (stop-loss or take-profit) in growable columns, in the order of their orders. */
class LevelColumns {
  length = 0;
  from = new Float64Array(16);
  /** NaN: still working at the end (drawn to the last candle). */
  to = new Float64Array(16);
  price = new Float64Array(16);
  /** Position among both kinds' levels, to give them back in the order of their orders. */
  seq = new Float64Array(16);

  set(i: number, from: number, to: number, price: number, seq: number): void {
    if (i === this.from.length) {
      this.from = doubled(this.from);
      this.to = doubled(this.to);
      this.price = doubled(this.price);
      this.seq = doubled(this.seq);
    }
    this.from[i] = from;
    this.to[i] = to;
    this.price[i] = price;
    this.seq[i] = seq;
  }
}

/** Fills' arrows as columns: time, price and code (purpose index × 2, + 1 for a sell), the first `length` of each. */
export interface MarkColumns {
  readonly time: Float64Array;
  readonly price: Float64Array;
  readonly code: Int32Array;
  readonly length: number;
}

/** A protective level: kind 0 stop-loss, 1 take-profit; `to` NaN while it still works at the end. */
export interface LevelRow {
  readonly kind: number;
  readonly from: number;
  readonly to: number;
  readonly price: number;
}

/**
 * A symbol's fill arrows and protective levels, gathered in time order as a run goes on, in memory bounded by its
 * candles rather than its fills. A chart draws every arrow of one candle with the same purpose and side on the same
 * spot, and a level drawn over the candles of one before it hides it, so only what stays visible is kept: arrows
 * are merged per bucket of the finest candle period still possible for the symbol, and a level replaces the one of
 * its kind before it that started in the same bucket (it ends no earlier). When that period coarsens, what was kept
 * is merged again. Buckets nest in what the chart may end up drawing — a bar in its day, a day in its week and month,
 * a week split by months — so no merge joins what two candles would show apart.
 */
export class ChartMarks {
  private period: CandlePeriod = 'bar';
  private readonly keys = new PeriodKeys();
  private markTime = new Float64Array(16);
  private markPrice = new Float64Array(16);
  private markCode = new Int32Array(16);
  private marks = 0;
  private runKey = Number.NaN;
  private readonly runCodes: number[] = [];
  private readonly levels = [new LevelColumns(), new LevelColumns()] as const;
  private readonly pending: { kind: number; from: number; price: number; seq: number }[] = [];
  private lastClosing = Number.NEGATIVE_INFINITY;
  private seq = 0;

  /** A fill, in time order. */
  mark(time: number, price: number, code: number): void {
    if (!this.firstInBucket(time, code)) return;
    const i = this.marks;
    if (i === this.markTime.length) {
      this.markTime = doubled(this.markTime);
      this.markPrice = doubled(this.markPrice);
      this.markCode = doubled(this.markCode);
    }
    this.markTime[i] = time;
    this.markPrice[i] = price;
    this.markCode[i] = code;
    this.marks = i + 1;
  }

  /** A stop-loss (kind 0) or take-profit (kind 1) order at `price`, working from `time` to the next closing fill. */
  level(time: number, kind: number, price: number): void {
    const seq = this.seq++;
    // A closing fill at the order's own time already ends it (it was the first closing fill at or after it).
    if (this.lastClosing >= time) this.keep(kind, time, this.lastClosing, price, seq);
    else this.pending.push({ kind, from: time, price, seq });
  }

  /** A fill that is not an entry: the levels working until now end here. */
  closing(time: number): void {
    for (const p of this.pending) this.keep(p.kind, p.from, time, p.price, p.seq);
    this.pending.length = 0;
    if (time > this.lastClosing) this.lastClosing = time;
  }

  /** Merges again, by the buckets of a coarser period: the finest one the symbol's chart can still be drawn in. */
  coarsen(period: CandlePeriod): void {
    this.period = period;
    let kept = 0;
    this.runKey = Number.NaN;
    this.runCodes.length = 0;
    for (let i = 0; i < this.marks; i++) {
      const code = this.markCode[i]!;
      if (!this.firstInBucket(this.markTime[i]!, code)) continue;
      this.markTime[kept] = this.markTime[i]!;
      this.markPrice[kept] = this.markPrice[i]!;
      this.markCode[kept] = code;
      kept++;
    }
    this.marks = kept;
    for (const list of this.levels) {
      const n = list.length;
      list.length = 0;
      for (let i = 0; i < n; i++) this.append(list, list.from[i]!, list.to[i]!, list.price[i]!, list.seq[i]!);
    }
  }

  /** The arrows kept, in time order: the first `length` entries of the columns. */
  markColumns(): MarkColumns {
    return { time: this.markTime, price: this.markPrice, code: this.markCode, length: this.marks };
  }

  /** The levels kept, in the order of their orders, those still working at the end last. */
  levelRows(): LevelRow[] {
    const rows: (LevelRow & { seq: number })[] = [];
    this.levels.forEach((list, kind) => {
      for (let i = 0; i < list.length; i++) {
        rows.push({ kind, from: list.from[i]!, to: list.to[i]!, price: list.price[i]!, seq: list.seq[i]! });
      }
    });
    for (const p of this.pending) rows.push({ kind: p.kind, from: p.from, to: Number.NaN, price: p.price, seq: p.seq });
    return rows.sort((a, b) => a.seq - b.seq).map(({ kind, from, to, price }) => ({ kind, from, to, price }));
  }

  /** Whether an arrow at `time` with `code` is the first of its kind in its bucket (arrows come in time order). */
  private firstInBucket(time: number, code: number): boolean {
    const key = this.key(time);
    if (key === this.runKey) {
      if (this.runCodes.includes(code)) return false;
    } else {
      this.runKey = key;
      this.runCodes.length = 0;
    }
    this.runCodes.push(code);
    return true;
  }

  private keep(kind: number, from: number, to: number, price: number, seq: number): void {
    this.append(this.levels[kind === 0 ? 0 : 1], from, to, price, seq);
  }

  private append(list: LevelColumns, from: number, to: number, price: number, seq: number): void {
    const last = list.length - 1;
    // Started in the same bucket as the one before and ending no earlier: that one is hidden under this one.
    const at = last >= 0 && this.key(list.from[last]!) === this.key(from) ? last : list.length;
    list.set(at, from, to, price, seq);
    list.length = at + 1;
  }

  /** The bucket of a time in the current period: equal keys fall into one candle whatever period is drawn. */
  private key(time: number): number {
    switch (this.period) {
      case 'bar':
        return time;
      case 'day':
        return Math.floor(time / MS_PER_DAY);
      case 'week':
        // A week may straddle two months: split by month, in case months are what is drawn.
        this.keys.set(time);
        return this.keys.week * 1e6 + this.keys.month;
      case 'month':
        this.keys.set(time);
        return this.keys.month;
    }
  }
}
