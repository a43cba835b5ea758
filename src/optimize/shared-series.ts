import type { BarSeries } from '../domain/bar.js';

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * The series copied into one SharedArrayBuffer each: posting them to a worker thread shares the memory instead of
 * copying it, so every worker reads the bars the main thread parsed once.
 */
export function shareSeries(series: readonly BarSeries[]): BarSeries[] {
  return series.map((s) => {
    const buffer = new SharedArrayBuffer(s.length * COLUMNS.length * Float64Array.BYTES_PER_ELEMENT);
    const column = (k: number, source: Float64Array): Float64Array => {
      const view = new Float64Array(buffer, k * s.length * Float64Array.BYTES_PER_ELEMENT, s.length);
      view.set(source);
      return view;
    };
    return {
      symbol: s.symbol,
      length: s.length,
      time: column(0, s.time),
      open: column(1, s.open),
      high: column(2, s.high),
      low: column(3, s.low),
      close: column(4, s.close),
      volume: column(5, s.volume),
    };
  });
}
