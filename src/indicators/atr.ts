import { TrueRange } from './true-range.js';

/**
 * Average True Range with Wilder's smoothing, as TA-Lib computes it: true ranges from the second bar on; the first
 * ATR (at bar index `period`) is the mean of the first `period` true ranges; then atr = (atr·(period−1) + tr)/period.
 */
export class Atr {
  private readonly trueRange = new TrueRange();
  private ranges = 0;
  private sum = 0;
  private current = Number.NaN;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`ATR period ${period} must be an integer ≥ 1`);
  }

  get value(): number {
    return this.current;
  }

  get ready(): boolean {
    return this.ranges >= this.period;
  }

  update(high: number, low: number, close: number): number {
    const tr = this.trueRange.update(high, low, close);
    if (Number.isNaN(tr)) return this.current;
    const period = this.period;
    if (this.ranges >= period) {
      let atr = this.current * (period - 1);
      atr += tr;
      this.current = atr / period;
      return this.current;
    }
    this.sum += tr;
    if (++this.ranges === period) this.current = this.sum / period;
    return this.current;
  }

  reset(): void {
    this.trueRange.reset();
    this.ranges = 0;
    this.sum = 0;
    this.current = Number.NaN;
  }
}
