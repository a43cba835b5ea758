/**
 * True range, as TA-Lib's TRANGE: from the second bar on, max(high − low, |high − previous close|,
 * |low − previous close|); NaN for the first bar, which has no previous close.
 */
export class TrueRange {
  private previousClose = Number.NaN;
  private current = Number.NaN;

  get value(): number {
    return this.current;
  }

  get ready(): boolean {
    return !Number.isNaN(this.current);
  }

  update(high: number, low: number, close: number): number {
    const previous = this.previousClose;
    this.previousClose = close;
    if (Number.isNaN(previous)) return this.current;
    let greatest = high - low;
    const toHigh = Math.abs(previous - high);
    if (toHigh > greatest) greatest = toHigh;
    const toLow = Math.abs(previous - low);
    if (toLow > greatest) greatest = toLow;
    this.current = greatest;
    return greatest;
  }

  reset(): void {
    this.previousClose = Number.NaN;
    this.current = Number.NaN;
  }
}
