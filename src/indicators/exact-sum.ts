/**
 * A running sum kept exactly, as a short list of non-overlapping partial sums (Shewchuk's exact summation, the
 * method behind Python's `math.fsum`). Adding a value and later adding its negation leaves the exact sum of what
 * remains, so a sliding window's sum never drifts, and `value()` is the sum correctly rounded to a double: the same
 * number `math.fsum(window)` gives. Non-finite inputs are counted aside; the sum is NaN while any is present.
 */
export class ExactSum {
  /**
   * Non-overlapping partials: prices need one to three. Eight doubles (64 bytes) keep the array inside the V8 heap
   * next to its object; it grows only for sums spanning hundreds of binary orders of magnitude (bounded by the
   * double exponent range: 2098 / 53 < 40 partials).
   */
  private partials = new Float64Array(8);
  private count = 0;
  private nonFinite = 0;

  add(x: number): void {
    if (!Number.isFinite(x)) {
      this.nonFinite++;
      return;
    }
    this.accumulate(x);
  }

  /** Adds `added` and removes `removed` (a value added before): a sliding window's step. */
  replace(removed: number, added: number): void {
    if (Number.isFinite(removed) && Number.isFinite(added)) {
      this.accumulate(added);
      this.accumulate(-removed);
      return;
    }
    this.subtract(removed);
    this.add(added);
  }

  /** Removes a value added before (exactly: the partials then hold the sum of the others). */
  subtract(x: number): void {
    if (!Number.isFinite(x)) {
      this.nonFinite--;
      return;
    }
    this.accumulate(-x);
  }

  clear(): void {
    this.count = 0;
    this.nonFinite = 0;
  }

  /** The exact sum rounded to the nearest double (ties to even). */
  value(): number {
    if (this.nonFinite > 0) return Number.NaN;
    const p = this.partials;
    let n = this.count;
    if (n === 0) return 0;
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
    // hi + lo is exact; if lo is exactly half an ulp and the remaining partials push the same way, round away.
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const twice = lo * 2;
      const candidate = hi + twice;
      if (twice === candidate - hi) hi = candidate;
    }
    return hi;
  }

  private accumulate(value: number): void {
    if (this.count === this.partials.length) this.grow();
    const p = this.partials;
    const n = this.count;
    let x = value;
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
