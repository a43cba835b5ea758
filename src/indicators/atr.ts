import type { Mutable, PriceBar } from './mutable.js';

/**
 * Average True Range with Wilder's smoothing, as TA-Lib computes it: true ranges from the second bar on; the first
 * ATR (at bar index `period`) is the mean of the first `period` true ranges; then atr = (atr·(period−1) + tr)/period.
 */
export class Atr {
  /** The latest ATR; NaN until bar index `period`. */
  readonly value: number = Number.NaN;
  private previousClose = Number.NaN;
  private ranges = 0;
  private sum = 0;
  private high = Number.NaN;
  private low = Number.NaN;
  private close = Number.NaN;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`ATR period ${period} must be an integer ≥ 1`);
  }

  get ready(): boolean {
    return this.ranges >= this.period;
  }

  update(high: number, low: number, close: number): number {
    this.high = high;
    this.low = low;
    this.close = close;
    this.step();
    return this.value;
  }

  /** `update(bar.high, bar.low, bar.close)`; read the result from `value` (allocation-free, see ExactSum). */
  updateBar(bar: PriceBar): void {
    this.high = bar.high;
    this.low = bar.low;
    this.close = bar.close;
    this.step();
  }

  reset(): void {
    this.previousClose = Number.NaN;
    this.ranges = 0;
    this.sum = 0;
    (this as Mutable<Atr>).value = Number.NaN;
  }

  private step(): void {
    const previous = this.previousClose;
    this.previousClose = this.close;
    if (Number.isNaN(previous)) return;
    // True range in TA-Lib's order of evaluation (as TrueRange), inline rather than a call taking doubles.
    let tr = this.high - this.low;
    const toHigh = Math.abs(previous - this.high);
    if (toHigh > tr) tr = toHigh;
    const toLow = Math.abs(previous - this.low);
    if (toLow > tr) tr = toLow;
    const self = this as Mutable<Atr>;
    const period = this.period;
    if (this.ranges >= period) {
      let atr = this.value * (period - 1);
      atr += tr;
      self.value = atr / period;
      return;
    }
    this.sum += tr;
    if (++this.ranges === period) self.value = this.sum / period;
  }
}
