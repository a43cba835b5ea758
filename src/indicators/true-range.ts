import type { Mutable, PriceBar } from './mutable.js';

/**
 * True range as TA-Lib's TRANGE: from the second bar on, max(high − low, |high − previous close|,
 * |low − previous close|); NaN for the first bar, which has no previous close.
 */
export class TrueRange {
  /** The latest true range; NaN until the second bar. */
  readonly value: number = Number.NaN;
  private previousClose = Number.NaN;
  private high = Number.NaN;
  private low = Number.NaN;
  private close = Number.NaN;

  get ready(): boolean {
    return !Number.isNaN(this.value);
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
    (this as Mutable<TrueRange>).value = Number.NaN;
  }

  private step(): void {
    const previous = this.previousClose;
    this.previousClose = this.close;
    if (Number.isNaN(previous)) return;
    // Same order of evaluation as TA-Lib.
    let greatest = this.high - this.low;
    const toHigh = Math.abs(previous - this.high);
    if (toHigh > greatest) greatest = toHigh;
    const toLow = Math.abs(previous - this.low);
    if (toLow > greatest) greatest = toLow;
    (this as Mutable<TrueRange>).value = greatest;
  }
}
