import { weekday } from '../../data/civil-date.js';
import { MS_PER_DAY, dayNumber } from '../../domain/time.js';
import type { ParentBar } from './bar-synthesizer.js';
import type { DayBars } from './day-bars.js';
import { BAR_MS, inRegularHours } from './exchange-calendar.js';
import type { BarSize, WhatToShow } from './historical-request.js';
import type { MarketDataStore } from './market-data-store.js';

/** A bar built for a historical request; times are exchange time of the bar's first five-second bar or day. */
export interface AggregatedBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Volume-weighted typical price. */
  wap: number;
  count: number;
}

/** Trades in a bar of `volume` shares, at the hundred-share average trade size of liquid US stocks. */
export function tradeCount(volume: number): number {
  return volume > 0 ? Math.max(1, Math.round(volume / 100)) : 0;
}

/** Half the synthetic bid/ask spread around a trade price: two basis points, at least a tick. */
export function halfSpread(price: number): number {
  const tick = price >= 1 ? 0.01 : 0.0001;
  return Math.max(tick, Math.round((price * 0.0002) / tick) * tick);
}

/**
 * The period of `size` a bar starting at `time` belongs to, as a key: intraday sizes are aligned from midnight;
 * otherwise the day, the Monday of the week or the month.
 */
export function bucketOf(size: BarSize, time: number): number {
  switch (size.kind) {
    case 'seconds': {
      const width = size.seconds * 1000;
      return Math.floor(time / width) * width;
    }
    case 'day':
      return dayNumber(time);
    case 'week': {
      const day = dayNumber(time);
      return day - ((weekday(day) + 6) % 7);
    }
    case 'month': {
      const d = new Date(time);
      return d.getUTCFullYear() * 12 + d.getUTCMonth();
    }
  }
}

class Accumulator {
  bar: AggregatedBar | undefined;
  private weighted = 0;

  add(time: number, open: number, high: number, low: number, close: number, volume: number): void {
    const typical = (high + low + close) / 3;
    const bar = this.bar;
    if (bar === undefined) {
      this.bar = { time, open, high, low, close, volume, wap: typical, count: tradeCount(volume) };
      this.weighted = volume * typical;
      return;
    }
    if (high > bar.high) bar.high = high;
    if (low < bar.low) bar.low = low;
    bar.close = close;
    bar.volume += volume;
    bar.count += tradeCount(volume);
    this.weighted += volume * typical;
  }

  take(): AggregatedBar | undefined {
    const bar = this.bar;
    if (bar !== undefined && bar.volume > 0) bar.wap = this.weighted / bar.volume;
    this.bar = undefined;
    this.weighted = 0;
    return bar;
  }
}

/** Five-second bars of `bars` in [start, end), completed by `end`, optionally regular hours only. */
function forEachBar(bars: DayBars, start: number, end: number, regularOnly: boolean, visit: (i: number) => void): void {
  for (let i = bars.countBefore(start); i < bars.length; i++) {
    const t = bars.time[i]!;
    if (t + BAR_MS > end) break;
    if (regularOnly && !inRegularHours(t)) continue;
    visit(i);
  }
}

/**
 * Bars of `size` over [start, end) for one symbol. Intraday sizes are aligned to multiples of the size from
 * midnight and stamped with their first bar's time (IB's first hourly bar of a session is 09:30). Daily bars of
 * finished sessions come straight from the source; the session in progress is built from its five-second bars so
 * far, as TWS returns a partial bar for the current period.
 */
export function aggregateBars(
  store: MarketDataStore,
  symbol: string,
  start: number,
  end: number,
  size: BarSize,
  regularOnly: boolean,
): AggregatedBar[] {
  const days = store.days(symbol);
  const first = dayNumber(start);
  const last = dayNumber(end - 1);
  const daily = (): AggregatedBar[] => {
    const bars: AggregatedBar[] = [];
    for (const day of days) {
      const bar = day < first || day > last ? undefined : dailyBar(store, symbol, day, end, regularOnly);
      if (bar !== undefined) bars.push(bar);
    }
    return bars;
  };
  if (size.kind === 'day') return daily();
  // Folds bars in time order into one bar per bucket of the size.
  const out: AggregatedBar[] = [];
  const acc = new Accumulator();
  let bucket = Number.NaN;
  const fold = (time: number, open: number, high: number, low: number, close: number, volume: number): void => {
    const b = bucketOf(size, time);
    if (b !== bucket) {
      const done = acc.take();
      if (done) out.push(done);
      bucket = b;
    }
    acc.add(time, open, high, low, close, volume);
  };
  if (size.kind === 'seconds') {
    for (const day of days) {
      const bars = day < first || day > last ? undefined : store.dayBars(symbol, day);
      if (bars === undefined) continue;
      forEachBar(bars, start, end, regularOnly, (i) => {
        fold(bars.time[i]!, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume[i]!);
      });
    }
  } else {
    for (const bar of daily()) fold(bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume);
  }
  const done = acc.take();
  if (done) out.push(done);
  return out;
}

function dailyBar(
  store: MarketDataStore,
  symbol: string,
  day: number,
  end: number,
  regularOnly: boolean,
): AggregatedBar | undefined {
  const dayStart = day * MS_PER_DAY;
  const sessionEnd = store.sessionEnd(symbol, day);
  if (sessionEnd === undefined) return undefined;
  if (end >= sessionEnd) {
    const source: ParentBar | undefined = store.dailyBar(symbol, day, regularOnly);
    if (source === undefined) return undefined;
    return {
      time: dayStart,
      open: source.open,
      high: source.high,
      low: source.low,
      close: source.close,
      volume: source.volume,
      wap: (source.high + source.low + source.close) / 3,
      count: tradeCount(source.volume),
    };
  }
  const bars = store.dayBars(symbol, day);
  if (bars === undefined) return undefined;
  const acc = new Accumulator();
  forEachBar(bars, dayStart, end, regularOnly, (i) => {
    acc.add(bars.time[i]!, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume[i]!);
  });
  const partial = acc.take();
  if (partial !== undefined) partial.time = dayStart;
  return partial;
}

/** Turns trade bars into quote bars: the midpoint is the trade price, bid and ask a spread around it. */
export function toQuoteBars(bars: AggregatedBar[], what: WhatToShow): AggregatedBar[] {
  if (what === 'TRADES') return bars;
  const sign = what === 'BID' ? -1 : what === 'ASK' ? 1 : 0;
  return bars.map((b) => ({
    time: b.time,
    open: shift(b.open, sign),
    high: shift(b.high, sign),
    low: shift(b.low, sign),
    close: shift(b.close, sign),
    volume: -1,
    wap: -1,
    count: -1,
  }));
}

function shift(price: number, sign: number): number {
  if (sign === 0) return price;
  const moved = price + sign * halfSpread(price);
  return Math.round(moved * 10_000) / 10_000;
}
