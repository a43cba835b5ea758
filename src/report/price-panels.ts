import { barAt, type BarSeries } from '../domain/bar.js';
import type { CandleColumns, CandlePeriod } from './candle-buckets.js';
import type { ChartMarks } from './chart-marks.js';
import { feedRecords } from './feed-records.js';
import { ReportCollector } from './report-collector.js';
import type { FillRow, OrderRow } from './results-files.js';

/** Candles of one symbol, resampled so that a report stays small whatever the bar size and length of the run. */
export interface PricePanel {
  readonly symbol: string;
  /** Bucket start times, epoch ms of exchange wall-clock time read as UTC. */
  readonly time: number[];
  readonly open: number[];
  readonly high: number[];
  readonly low: number[];
  readonly close: number[];
  /** What one candle covers: `bar` (as in the data), `day`, `week` or `month`. */
  readonly period: CandlePeriod;
  /** Fills, at the candle that holds their time. */
  readonly markers: readonly PriceMarker[];
  /** Stop-loss and take-profit levels, from the order's candle to the candle of the fill that closed the position. */
  readonly levels: readonly PriceLevel[];
}

export type { CandlePeriod };

export interface PriceMarker {
  readonly index: number;
  readonly side: 'BUY' | 'SELL';
  readonly price: number;
  readonly purpose: string;
}

export interface PriceLevel {
  readonly kind: 'stop_loss' | 'take_profit';
  readonly from: number;
  readonly to: number;
  readonly price: number;
}

/** The last index whose time is at or before `time` (0 when none is). */
function indexAt(times: ArrayLike<number>, length: number, time: number): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid]! <= time) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A symbol's candles of a period with its fills and protective levels. Arrows of one candle with the same purpose and
 * side are drawn on one spot: one of them is kept.
 */
export function candlePanel(
  symbol: string,
  period: CandlePeriod,
  candles: CandleColumns,
  marks: ChartMarks,
  purposes: readonly string[],
): PricePanel {
  const n = candles.length;
  const time = candles.column('time');
  const markers: PriceMarker[] = [];
  let lastIndex = -1;
  const codes: number[] = [];
  // Columns and a candle index walked forward: the page's code runs once, uncompiled, where a search and an object per
  // arrow cost a microsecond each (5,000 arrows in the busy 1M run).
  const mark = marks.markColumns();
  let index = 0;
  for (let i = 0; i < mark.length; i++) {
    const at = mark.time[i]!;
    // Arrows come in time order, so their candle never goes back; one that did would be searched for.
    if (at < time[index]! && index > 0) index = indexAt(time, n, at);
    while (index + 1 < n && time[index + 1]! <= at) index++;
    const code = mark.code[i]!;
    if (index !== lastIndex) {
      lastIndex = index;
      codes.length = 0;
    }
    if (codes.includes(code)) continue;
    codes.push(code);
    markers.push({
      index,
      side: code % 2 === 1 ? 'SELL' : 'BUY',
      price: mark.price[i]!,
      purpose: purposes[code >> 1]!,
    });
  }
  const levels = marks.levelRows().map((l): PriceLevel => ({
    kind: l.kind === 0 ? 'stop_loss' : 'take_profit',
    from: indexAt(time, n, l.from),
    to: Number.isNaN(l.to) ? n - 1 : indexAt(time, n, l.to),
    price: l.price,
  }));
  return {
    symbol,
    time,
    open: candles.column('open'),
    high: candles.column('high'),
    low: candles.column('low'),
    close: candles.column('close'),
    period,
    markers,
    levels,
  };
}

/** The panel of one series in memory with its fills and orders (each in time order), through a ReportCollector. */
export function pricePanel(
  series: BarSeries,
  fills: readonly FillRow[],
  orders: readonly OrderRow[],
  maxCandles: number,
): PricePanel {
  const collector = new ReportCollector({ candlesPerSymbol: maxCandles });
  for (let i = 0; i < series.length; i++) {
    collector.slice(series.time[i]!);
    collector.bar(barAt(series, i));
  }
  feedRecords(
    collector,
    orders.filter((o) => o.symbol === series.symbol),
    fills.filter((f) => f.symbol === series.symbol),
  );
  collector.markTraded(series.symbol);
  return collector.panels()[0]!;
}
