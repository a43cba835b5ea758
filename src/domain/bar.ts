/**
 * One OHLCV bar. `time` is the bar's start as epoch milliseconds of the exchange's wall-clock time read as UTC
 * (a daily bar is stamped at 00:00 of its date), so that dates never shift with the machine's time zone.
 */
export interface Bar {
  readonly symbol: string;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** A symbol's bars in columns: the loader's and the backtest's storage (compact, no object per bar). */
export interface BarSeries {
  readonly symbol: string;
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export function barAt(series: BarSeries, index: number): Bar {
  return {
    symbol: series.symbol,
    time: series.time[index]!,
    open: series.open[index]!,
    high: series.high[index]!,
    low: series.low[index]!,
    close: series.close[index]!,
    volume: series.volume[index]!,
  };
}
