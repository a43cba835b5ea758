import { checkPeriod } from './close-indicator.js';
import type { Mutable, PriceBar } from './mutable.js';
import { TrueRange } from './true-range.js';

/**
 * Average True Range with Wilder's smoothing, as TA-Lib computes it: true ranges from the second bar on; the first
 * ATR (at bar index `period`) is the mean of the first `period` true ranges; then atr = (atr·(period−1) + tr)/period.
 */
export class Atr {
  /** The latest ATR; NaN until bar index `period`. */
  readonly value: number = Number.NaN;
  private readonly trueRange = new TrueRange();
  private readonly bar = { high: Number.NaN, low: Number.NaN, close: Number.NaN };
  private ranges = 0;
  private sum = 0;

  constructor(readonly period: number) {
    checkPeriod('ATR', period);
  }

  get ready(): boolean {
    return this.ranges >= this.period;
  }

  update(high: number, low: number, close: number): number {
    this.bar.high = high;
    this.bar.low = low;
    this.bar.close = close;
    this.updateBar(this.bar);
    return this.value;
  }

  /** `update(bar.high, bar.low, bar.close)`; read the result from `value` (allocation-free, see ExactSum). */
  updateBar(bar: PriceBar): void {
    const trueRange = this.trueRange;
    trueRange.updateBar(bar);
    const tr = trueRange.value;
    if (Number.isNaN(tr)) return;
    const period = this.period;
    // The seeding mean and the smoothed value both worked out on every bar, one path from the first bar to the last:
    // with many symbols in step every ATR seeds at the same bar, and V8 threw away the compiled bar path that had
    // never seen it (the sum runs on past the seed, unread).
    const seeded = this.ranges >= period;
    const smoothed = (this.value * (period - 1) + tr) / period;
    this.sum += tr;
    const ranges = this.ranges + (seeded ? 0 : 1);
    this.ranges = ranges;
    const mean = this.sum / period;
    (this as Mutable<Atr>).value = seeded ? smoothed : ranges === period ? mean : Number.NaN;
  }

  reset(): void {
    this.trueRange.reset();
    this.ranges = 0;
    this.sum = 0;
    (this as Mutable<Atr>).value = Number.NaN;
  }
}
