import { CloseIndicator } from './close-indicator.js';
import { ExactSum } from './exact-sum.js';
import type { Mutable } from './mutable.js';

/**
 * Simple moving average over the last `period` inputs, O(1) per update on a ring buffer. The window sum is kept
 * exactly (see ExactSum), so the average equals fsum(window)/period (backtrader's definition) and agrees with
 * TA-Lib's running sum to far better than 1e-9; crossover decisions that hinge on equal averages come out the same.
 */
export class Sma extends CloseIndicator {
  private readonly window: Float64Array;
  private readonly sum = new ExactSum();
  private head = 0;
  private filled = 0;

  constructor(period: number) {
    super('SMA', period);
    this.window = new Float64Array(period);
  }

  get ready(): boolean {
    return this.filled === this.period;
  }

  protected clear(): void {
    this.sum.clear();
    this.window.fill(0);
    this.head = 0;
    this.filled = 0;
  }

  /**
   * Every step is the same: the window starts as zeros, each input replaces the value at the head (a zero in or out
   * leaves the exact sum what it was), and the average is worked out, NaN until the window is full. With many
   * symbols in step their windows all fill at the same bar, thousands of bars in, and compiled code that had never
   * seen a replacement or an average was thrown away there.
   */
  protected step(): void {
    const head = this.head;
    this.sum.replaceAt(this.window, head, this.input);
    this.head = head + 1 === this.period ? 0 : head + 1;
    if (this.filled < this.period) this.filled++;
    this.sum.round();
    const average = this.sum.rounded / this.period;
    (this as Mutable<Sma>).value = this.filled === this.period ? average : Number.NaN;
  }
}
