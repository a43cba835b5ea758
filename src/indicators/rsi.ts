import { CloseIndicator } from './close-indicator.js';
import type { Mutable } from './mutable.js';

/** TA-Lib treats |gain + loss| < 1e-14 (its TA_EPSILON) as zero: a flat stretch gives RSI 0, not NaN. */
const EPSILON = 1e-14;

/**
 * Relative Strength Index with Wilder's smoothing, as TA-Lib computes it: changes start at the second input; the
 * first average gain/loss is the mean of the first `period` changes (first value at index `period`); afterwards
 * avg = (avg·(period−1) + change)/period; RSI = 100·gain/(gain+loss).
 */
export class Rsi extends CloseIndicator {
  private previous = Number.NaN;
  private changes = 0;
  private gain = 0;
  private loss = 0;

  constructor(period: number) {
    super('RSI', period);
  }

  get ready(): boolean {
    return this.changes >= this.period;
  }

  protected clear(): void {
    this.previous = Number.NaN;
    this.changes = 0;
    this.gain = 0;
    this.loss = 0;
  }

  protected step(): void {
    const x = this.input;
    const previous = this.previous;
    this.previous = x;
    if (Number.isNaN(previous) && this.changes === 0) return;
    const change = x - previous;
    const period = this.period;
    if (this.changes >= period) {
      this.gain *= period - 1;
      this.loss *= period - 1;
      if (change < 0) this.loss -= change;
      else this.gain += change;
      this.gain /= period;
      this.loss /= period;
    } else {
      if (change < 0) this.loss -= change;
      else this.gain += change;
      if (++this.changes < period) return;
      this.gain /= period;
      this.loss /= period;
    }
    const total = this.gain + this.loss;
    (this as Mutable<Rsi>).value = total > -EPSILON && total < EPSILON ? 0 : 100 * (this.gain / total);
  }
}
