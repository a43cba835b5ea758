import type { BarSeries } from '../domain/bar.js';
import { dayNumber, utcTime } from '../domain/time.js';
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

export type CandlePeriod = 'bar' | 'day' | 'week' | 'month';

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

const PERIODS: readonly CandlePeriod[] = ['bar', 'day', 'week', 'month'];

/**
 * Bucket keys of one series' bars. The month of a bar is looked up on a calendar only when its day leaves the month
 * of the bar before: a series of daily bars makes a Date a month rather than one a bar.
 */
class BucketKeys {
  private monthFirstDay = Number.POSITIVE_INFINITY;
  private nextMonthFirstDay = Number.NEGATIVE_INFINITY;
  private month = Number.NaN;

  /** The bucket a time falls into; weeks begin on Monday (1970-01-01 was a Thursday). */
  key(period: CandlePeriod, time: number, index: number): number {
    switch (period) {
      case 'bar':
        return index;
      case 'day':
        return dayNumber(time);
      case 'week':
        return Math.floor((dayNumber(time) + 3) / 7);
      case 'month': {
        const day = dayNumber(time);
        if (day < this.monthFirstDay || day >= this.nextMonthFirstDay) {
          const d = new Date(time);
          const year = d.getUTCFullYear();
          const month = d.getUTCMonth();
          this.month = year * 12 + month;
          this.monthFirstDay = dayNumber(utcTime(year, month));
          this.nextMonthFirstDay = dayNumber(utcTime(year, month + 1));
        }
        return this.month;
      }
    }
  }
}

/** The finest period whose candles number at most `maxCandles` (months when none does). */
function periodFor(series: BarSeries, maxCandles: number): CandlePeriod {
  for (const period of PERIODS) {
    const keys = new BucketKeys();
    let count = 0;
    let last = Number.NaN;
    for (let i = 0; i < series.length && count <= maxCandles; i++) {
      const key = keys.key(period, series.time[i]!, i);
      if (key !== last) count++;
      last = key;
    }
    if (count <= maxCandles) return period;
  }
  return 'month';
}

/** The last index whose time is at or before `time` (0 when none is). */
function indexAt(times: readonly number[], time: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid]! <= time) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function levelsOf(symbol: string, time: readonly number[], fills: readonly FillRow[], orders: readonly OrderRow[]) {
  const closing = fills
    .filter((f) => f.symbol === symbol && f.purpose !== 'entry')
    .map((f) => f.time)
    .sort((a, b) => a - b);
  const levels: PriceLevel[] = [];
  for (const order of orders) {
    if (order.symbol !== symbol) continue;
    const price =
      order.purpose === 'stop_loss' ? order.stopPrice : order.purpose === 'take_profit' ? order.limitPrice : null;
    if (price === null) continue;
    const end = closing.find((t) => t >= order.time);
    levels.push({
      kind: order.purpose as PriceLevel['kind'],
      from: indexAt(time, order.time),
      to: end === undefined ? time.length - 1 : indexAt(time, end),
      price,
    });
  }
  return levels;
}

/**
 * A symbol's candles with its fills and protective levels, in the finest period that keeps at most `maxCandles`
 * candles (bars, else days, weeks or months).
 */
export function pricePanel(
  series: BarSeries,
  fills: readonly FillRow[],
  orders: readonly OrderRow[],
  maxCandles: number,
): PricePanel {
  const period = periodFor(series, maxCandles);
  const keys = new BucketKeys();
  const panel = {
    symbol: series.symbol,
    time: [] as number[],
    open: [] as number[],
    high: [] as number[],
    low: [] as number[],
    close: [] as number[],
  };
  let last = Number.NaN;
  for (let i = 0; i < series.length; i++) {
    const key = keys.key(period, series.time[i]!, i);
    if (key !== last) {
      panel.time.push(series.time[i]!);
      panel.open.push(series.open[i]!);
      panel.high.push(series.high[i]!);
      panel.low.push(series.low[i]!);
      panel.close.push(series.close[i]!);
      last = key;
      continue;
    }
    const k = panel.time.length - 1;
    panel.high[k] = Math.max(panel.high[k]!, series.high[i]!);
    panel.low[k] = Math.min(panel.low[k]!, series.low[i]!);
    panel.close[k] = series.close[i]!;
  }
  const markers = fills
    .filter((f) => f.symbol === series.symbol)
    .map((f) => ({
      index: indexAt(panel.time, f.time),
      side: f.side === 'SELL' ? ('SELL' as const) : ('BUY' as const),
      price: f.price,
      purpose: f.purpose,
    }));
  return { ...panel, period, markers, levels: levelsOf(series.symbol, panel.time, fills, orders) };
}
