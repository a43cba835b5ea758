/**
 * Where parsed bars go: a growing series (`BarSeriesBuilder`) or a stream's reused window (`BarWindow`).
 *
 * A bar comes as one reused array — [0] time, [1] open, [2] high, [3] low, [4] close, [5] volume, the order of the
 * column roles in csv-header.ts — rather than as six arguments: doubles passed to a call that is not inlined are
 * boxed in fresh heap numbers, and six a row kept the young generation collecting all through a load.
 */
export interface BarSink {
  /** Appends the bar in `row`; the array is reused for the next bar. */
  pushRow(row: Float64Array): void;
}
