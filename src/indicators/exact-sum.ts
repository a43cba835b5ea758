import type { Mutable } from './mutable.js';

/**
 * A running sum kept exactly, as a short list of non-overlapping partial sums (Shewchuk's exact summation, the
 * method behind Python's `math.fsum`). Adding a value and later subtracting it leaves the exact sum of what remains,
 * so a sliding window's sum never drifts, and the rounded sum is the sum correctly rounded to a double: the same
 * number `math.fsum(window)` gives. Non-finite inputs are counted aside; the sum is NaN while any is present.
 *
 * Hot paths use the allocation-free shape of this and the other indicators: inputs come as (array, index) or
 * through fields, workers return nothing, results are read from fields. V8 boxes a double passed to or returned
 * from a call it does not inline, and whether it inlines depends on timing; this shape never boxes.
 */
export class ExactSum {
  /** The sum as of the last `round()`, correctly rounded; NaN while a non-finite value is included. */
  readonly rounded: number = 0;
  /**
   * Non-overlapping partials: prices need one to three. Eight doubles (64 bytes) keep the array inside the V8 heap
   * next to its object; it grows only for sums spanning hundreds of binary orders of magnitude (bounded by the
   * double exponent range: 2098 / 53 < 40 partials).
   */
  private partials = new Float64Array(8);
  private count = 0;
  private nonFinite = 0;
  private input = Number.NaN;

  add(x: number): void {
    this.input = x;
    this.include(1);
  }

  /** Removes a value added before (exactly: the partials then hold the sum of the others). */
  subtract(x: number): void {
    this.input = x;
    this.include(-1);
  }

  /** `add(values[index])` without passing a double through a call. */
  addAt(values: Float64Array, index: number): void {
    this.input = values[index]!;
    this.include(1);
  }

  /** `subtract(values[index])` without passing a double through a call. */
  subtractAt(values: Float64Array, index: number): void {
    this.input = values[index]!;
    this.include(-1);
  }

  /**
   * `subtractAt(values, index)`, then `values[index] = x` and `addAt(values, index)`: a sliding window's step. When
   * the new value lies within a factor of two of the old, positive one, their difference is exact (Sterbenz's lemma)
   * and goes in as one value: the same exact sum, for half the work; so does the value replacing a zero (a window
   * starts as zeros).
   */
  replaceAt(values: Float64Array, index: number, x: number): void {
    const old = values[index]!;
    values[index] = x;
    // The comparisons are made on every call, none skipped by &&, and the path a window first takes (replacing its
    // zeros) is the one it takes for good: V8 compiles only the operations it has seen run, and threw the compiled
    // step away when each window first wrapped.
    const positive = old > 0;
    const notAboveTwice = x <= 2 * old;
    const notBelowHalf = 2 * x >= old;
    const finite = x !== Number.POSITIVE_INFINITY;
    if ((positive && notAboveTwice && notBelowHalf && finite) || old === 0) {
      this.input = x - old;
      this.include(1);
      return;
    }
    this.input = old;
    this.include(-1);
    this.input = x;
    this.include(1);
  }

  clear(): void {
    this.count = 0;
    this.nonFinite = 0;
    (this as Mutable<ExactSum>).rounded = 0;
  }

  /** Rounds the sum now and returns it (convenience; hot paths call `round()` and read `rounded`). */
  value(): number {
    this.round();
    return this.rounded;
  }

  /** Updates `rounded`: the exact sum rounded to the nearest double, ties to even. */
  round(): void {
    const self = this as Mutable<ExactSum>;
    if (this.nonFinite > 0) {
      self.rounded = Number.NaN;
      return;
    }
    const p = this.partials;
    let n = this.count;
    if (n === 0) {
      self.rounded = 0;
      return;
    }
    let hi = p[--n]!;
    let lo = 0;
    // Add partials from the largest down until the rounding error of a step is non-zero: the rest cannot matter,
    // except for a tie, handled below.
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // hi + lo is exact; if lo is exactly half an ulp and the remaining partials push the same way, round away. (Made
    // only when partials remain, first late in a run, where V8 then throws the compiled step away once: worked out on
    // every call, as replaceAt's comparisons are, it cost a 100-symbol run more than that.)
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const twice = lo * 2;
      const candidate = hi + twice;
      if (twice === candidate - hi) hi = candidate;
    }
    self.rounded = hi;
  }

  /** Adds `sign` × input to the partials. */
  private include(sign: 1 | -1): void {
    const value = this.input;
    if (!Number.isFinite(value)) {
      this.nonFinite += sign;
      return;
    }
    if (this.count === this.partials.length) this.grow();
    const p = this.partials;
    const n = this.count;
    let x = sign * value;
    let kept = 0;
    for (let j = 0; j < n; j++) {
      const y = p[j]!;
      // Two-sum without ordering the operands (no data-dependent branch): hi + lo === x + y exactly.
      const hi = x + y;
      const yVirtual = hi - x;
      const lo = x - (hi - yVirtual) + (y - yVirtual);
      if (lo !== 0) p[kept++] = lo;
      x = hi;
    }
    p[kept] = x;
    this.count = kept + 1;
  }

  private grow(): void {
    const wider = new Float64Array(this.partials.length * 2);
    wider.set(this.partials);
    this.partials = wider;
  }
}
