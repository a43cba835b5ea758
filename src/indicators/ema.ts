import { CloseIndicator } from './close-indicator.js';
import type { Mutable } from './mutable.js';

/**
 * Exponential moving average as TA-Lib defines it: k = 2/(period+1), seeded with the simple average of the first
 * `period` inputs (first value at index period−1), then ema = (x − ema)·k + ema.
 */
export class Ema extends CloseIndicator {
  readonly k: number;
  private seen = 0;
  private seedSum = 0;

  constructor(period: number) {
    super('EMA', period);
    this.k = 2 / (period + 1);
  }

  get ready(): boolean {
    return this.seen >= this.period;
  }

  protected clear(): void {
    this.seen = 0;
    this.seedSum = 0;
  }

  protected step(): void {
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
