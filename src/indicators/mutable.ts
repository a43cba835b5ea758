/**
 * The writable view of a type. Indicators expose results as `readonly` fields rather than getters and write them
 * through this view: a field read is never a call, and a double returned from a call V8 does not inline is boxed
 * on the heap (an allocation per bar).
 */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The OHLC part of a bar that indicators read. */
export interface PriceBar {
  readonly high: number;
  readonly low: number;
  readonly close: number;
}
