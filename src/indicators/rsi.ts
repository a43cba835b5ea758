import type { Mutable, PriceBar } from './mutable.js';

/** TA-Lib treats |gain + loss| < 1e-14 (its TA_EPSILON) as zero: a flat stretch gives RSI 0, not NaN. */
const EPSILON = 1e-14;

/**
 * Relative Strength Index with Wilder's smoothing, as TA-Lib computes it: changes start at the second input; the
 * first average gain/loss is the mean of the first `period` changes (first value at index `period`); afterwards
 * avg = (avg·(period−1) + change)/period; RSI = 100·gain/(gain+loss).
 */
export class Rsi {
  /** The latest RSI; NaN until `period` changes have been seen. */
  readonly value: number = Number.NaN;
  private previous = Number.NaN;
  private changes = 0;
  private gain = 0;
  private loss = 0;
  private input = Number.NaN;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`RSI period ${period} must be an integer ≥ 1`);
  }

  get ready(): boolean {
    return this.changes >= this.period;
  }

  update(x: number): number {
    this.input = x;
    this.step();
    return this.value;
  }

  /** Adds the bar's close; read the result from `value` (allocation-free, see ExactSum). */
  updateBar(bar: PriceBar): void {
    this.input = bar.close;
    this.step();
  }

  reset(): void {
    this.previous = Number.NaN;
    this.changes = 0;
    this.gain = 0;
    this.loss = 0;
    (this as Mutable<Rsi>).value = Number.NaN;
  }

  private step(): void {
    const x = this.input;
    const previous = this.previous;
    this.previous = x;
    if (Number.isNaN(previous) && this.changes === 0) return;
    const change = x - previous;
    const period = this.period;
    if (this.changes >= period) {
      this.gain *= period - 1;
      this.loss *= period - 1;
      if (change < 0) this.loss -= change;
      else this.gain += change;
      this.gain /= period;
      this.loss /= period;
    } else {
      if (change < 0) this.loss -= change;
      else this.gain += change;
      if (++this.changes < period) return;
      this.gain /= period;
      this.loss /= period;
    }
    const total = this.gain + this.loss;
    (this as Mutable<Rsi>).value = total > -EPSILON && total < EPSILON ? 0 : 100 * (this.gain / total);
  }
}
