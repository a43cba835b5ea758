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
    this.head = 0;
    this.filled = 0;
  }

  protected step(): void {
    const head = this.head;
    const window = this.window;
    if (this.filled === this.period) this.sum.replaceAt(window, head, this.input);
    else {
      this.filled++;
      window[head] = this.input;
      this.sum.addAt(window, head);
    }
    this.head = head + 1 === this.period ? 0 : head + 1;
    if (this.filled === this.period) {
      this.sum.round();
      (this as Mutable<Sma>).value = this.sum.rounded / this.period;
    }
  }
}
