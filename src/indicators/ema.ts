/**
 * Exponential moving average as TA-Lib defines it: k = 2/(period+1), seeded with the simple average of the first
 * `period` inputs (first value at index period−1), then ema = (x − ema)·k + ema.
 */
export class Ema {
  readonly k: number;
  private seen = 0;
  private seedSum = 0;
  private current = Number.NaN;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`EMA period ${period} must be an integer ≥ 1`);
    this.k = 2 / (period + 1);
  }

  get value(): number {
    return this.current;
  }

  get ready(): boolean {
    return this.seen >= this.period;
  }

  update(x: number): number {
    if (this.seen >= this.period) {
      this.current = (x - this.current) * this.k + this.current;
      return this.current;
    }
    this.seedSum += x;
    this.seen++;
    if (this.seen === this.period) this.current = this.seedSum / this.period;
    return this.current;
  }

  reset(): void {
    this.seen = 0;
    this.seedSum = 0;
    this.current = Number.NaN;
  }
}
