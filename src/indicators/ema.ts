import type { Mutable, PriceBar } from './mutable.js';

/**
 * Exponential moving average as TA-Lib defines it: k = 2/(period+1), seeded with the simple average of the first
 * `period` inputs (first value at index period−1), then ema = (x − ema)·k + ema.
 */
export class Ema {
  /** The latest average; NaN until `period` inputs have been seen. */
  readonly value: number = Number.NaN;
  readonly k: number;
  private seen = 0;
  private seedSum = 0;
  private input = Number.NaN;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`EMA period ${period} must be an integer ≥ 1`);
    this.k = 2 / (period + 1);
  }

  get ready(): boolean {
    return this.seen >= this.period;
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
    this.seen = 0;
    this.seedSum = 0;
    (this as Mutable<Ema>).value = Number.NaN;
  }

  private step(): void {
    const self = this as Mutable<Ema>;
    const x = this.input;
    if (this.seen >= this.period) {
      self.value = (x - this.value) * this.k + this.value;
      return;
    }
    this.seedSum += x;
    this.seen++;
    if (this.seen === this.period) self.value = this.seedSum / this.period;
  }
}
