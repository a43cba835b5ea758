import type { Mutable, PriceBar } from './mutable.js';

/** Throws unless `period` is a whole number ≥ 1, naming the indicator. */
export function checkPeriod(name: string, period: number): void {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`${name} period ${period} must be an integer ≥ 1`);
}

/**
 * The shape of the indicators of one input (the close): `update(x)` returns the new value, `updateBar(bar)` feeds
 * the bar's close and leaves the result in `value`. Either way the input reaches `step()` through a field, not as
 * an argument, so that no double crosses a call the JIT might not inline (see ExactSum).
 */
export abstract class CloseIndicator {
  /** The latest result; NaN until the indicator is ready. */
  readonly value: number = Number.NaN;
  protected input = Number.NaN;

  protected constructor(
    name: string,
    readonly period: number,
  ) {
    checkPeriod(name, period);
  }

  abstract get ready(): boolean;

  /** Adds an input; returns the new value (NaN while warming up). */
  update(x: number): number {
    this.input = x;
    this.step();
    return this.value;
  }

  /** Adds the bar's close; read the result from `value`. */
  updateBar(bar: PriceBar): void {
    this.input = bar.close;
    this.step();
  }

  /** Forgets every input. */
  reset(): void {
    (this as Mutable<CloseIndicator>).value = Number.NaN;
    this.clear();
  }

  /** Folds `input` into the state and sets `value`. */
  protected abstract step(): void;

  /** Clears the subclass's state (`value` is cleared already). */
  protected abstract clear(): void;
}
