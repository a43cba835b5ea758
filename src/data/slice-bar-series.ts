import type { BarSeries } from '../domain/bar.js';

/** First index in [0, length) whose value is ≥ `value` (`length` when none; the values ascend). */
export function lowerBound(values: ArrayLike<number>, length: number, value: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [0, length) whose value is > `value` (`length` when none; the values ascend). */
export function upperBound(values: ArrayLike<number>, length: number, value: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bars [from, to) as a new series sharing the columns' memory. */
export function sliceBarSeries(series: BarSeries, from: number, to: number): BarSeries {
  const start = Math.max(0, Math.min(from, series.length));
  const end = Math.max(start, Math.min(to, series.length));
  if (start === 0 && end === series.length) return series;
  return {
    symbol: series.symbol,
    length: end - start,
    time: series.time.subarray(start, end),
    open: series.open.subarray(start, end),
    high: series.high.subarray(start, end),
    low: series.low.subarray(start, end),
    close: series.close.subarray(start, end),
    volume: series.volume.subarray(start, end),
  };
}

/** Bars with `start ≤ time ≤ end` (both inclusive epoch ms; either may be omitted). */
export function sliceBarSeriesByTime(series: BarSeries, start?: number, end?: number): BarSeries {
  const from = start === undefined ? 0 : lowerBound(series.time, series.length, start);
  const to = end === undefined ? series.length : upperBound(series.time, series.length, end);
  return sliceBarSeries(series, from, to);
}

/** A copy of the series in columns of exactly its length, releasing any larger buffer its columns are views of. */
export function compactBarSeries(series: BarSeries): BarSeries {
  if (series.time.buffer.byteLength === series.length * Float64Array.BYTES_PER_ELEMENT) return series;
  return {
    symbol: series.symbol,
    length: series.length,
    time: series.time.slice(),
    open: series.open.slice(),
    high: series.high.slice(),
    low: series.low.slice(),
    close: series.close.slice(),
    volume: series.volume.slice(),
  };
}
