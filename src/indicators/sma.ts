import { ExactSum } from './exact-sum.js';
import type { Mutable, PriceBar } from './mutable.js';

/**
 * Simple moving average over the last `period` inputs, O(1) per update on a ring buffer. The window sum is kept
 * exactly (see ExactSum), so the average equals fsum(window)/period (backtrader's definition) and agrees with
 * TA-Lib's running sum to far better than 1e-9; crossover decisions that hinge on equal averages come out the same.
 */
export class Sma {
  /** The latest average; NaN until `period` inputs have been seen. */
  readonly value: number = Number.NaN;
  private readonly window: Float64Array;
  private readonly sum = new ExactSum();
  private head = 0;
  private filled = 0;
  private input = Number.NaN;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`SMA period ${period} must be an integer ≥ 1`);
    this.window = new Float64Array(period);
  }

  get ready(): boolean {
    return this.filled === this.period;
  }

  /** Adds an input; returns the average, NaN until `period` inputs have been seen. */
  update(x: number): number {
    this.input = x;
    this.step();
    return this.value;
  }

  /** Adds the bar's close; read the result from `value` (allocation-free on any JIT path, see ExactSum). */
  updateBar(bar: PriceBar): void {
    this.input = bar.close;
    this.step();
  }

  reset(): void {
    this.sum.clear();
    this.head = 0;
    this.filled = 0;
    (this as Mutable<Sma>).value = Number.NaN;
  }

  private step(): void {
    const head = this.head;
    const window = this.window;
    if (this.filled === this.period) this.sum.subtractAt(window, head);
    else this.filled++;
    window[head] = this.input;
    this.sum.addAt(window, head);
    this.head = head + 1 === this.period ? 0 : head + 1;
    if (this.filled === this.period) {
      this.sum.round();
      (this as Mutable<Sma>).value = this.sum.rounded / this.period;
    }
  }
}
