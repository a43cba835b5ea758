import { ExactSum } from './exact-sum.js';

/**
 * Simple moving average over the last `period` inputs, O(1) per update on a ring buffer. The window sum is kept
 * exactly (see ExactSum), so the average equals fsum(window)/period (backtrader's definition) and agrees with
 * TA-Lib's running sum to far better than 1e-9; crossover decisions that hinge on equal averages come out the same.
 */
export class Sma {
  private readonly window: Float64Array;
  private readonly sum = new ExactSum();
  private head = 0;
  private filled = 0;
  private current = Number.NaN;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`SMA period ${period} must be an integer ≥ 1`);
    this.window = new Float64Array(period);
  }

  get value(): number {
    return this.current;
  }

  get ready(): boolean {
    return this.filled === this.period;
  }

  /** Adds an input; returns the average, NaN until `period` inputs have been seen. */
  update(x: number): number {
    const head = this.head;
    if (this.filled === this.period) {
      this.sum.replace(this.window[head]!, x);
    } else {
      this.sum.add(x);
      this.filled++;
    }
    this.window[head] = x;
    this.head = head + 1 === this.period ? 0 : head + 1;
    this.current = this.filled === this.period ? this.sum.value() / this.period : Number.NaN;
    return this.current;
  }

  reset(): void {
    this.sum.clear();
    this.head = 0;
    this.filled = 0;
    this.current = Number.NaN;
  }
}
