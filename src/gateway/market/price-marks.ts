import type { Clock } from '../../core/clock.js';
import { upperBound } from '../../data/slice-bar-series.js';
import { dayNumber } from '../../domain/time.js';
import type { PriceSource } from '../broker/broker-port.js';
import { BAR_MS } from './exchange-calendar.js';
import type { MarketDataStore } from './market-data-store.js';

/**
 * Last trade prices at the replay time, for valuing positions and checking buying power: the close of the last
 * completed five-second bar today, else the last close of an earlier day.
 */
export class PriceMarks implements PriceSource {
  private readonly cache = new Map<string, { boundary: number; price: number }>();

  constructor(
    private readonly store: MarketDataStore,
    private readonly clock: Clock,
  ) {}

  lastPrice(symbol: string): number {
    const now = this.clock.now();
    const boundary = Math.floor(now / BAR_MS) * BAR_MS;
    const cached = this.cache.get(symbol);
    if (cached?.boundary === boundary) return cached.price;
    const price = this.compute(symbol, now);
    this.cache.set(symbol, { boundary, price });
    return price;
  }

  private compute(symbol: string, now: number): number {
    const days = this.store.days(symbol);
    const today = dayNumber(now);
    // Last day with data at or before today.
    const at = upperBound(days, days.length, today) - 1;
    if (at < 0) return Number.NaN;
    const day = days[at]!;
    if (day === today) {
      const bars = this.store.dayBars(symbol, day);
      if (bars !== undefined) {
        const done = bars.countBefore(now - BAR_MS + 1);
        if (done > 0) return bars.close[done - 1]!;
      }
      if (at === 0) return bars?.open[0] ?? Number.NaN;
      return this.store.dailyBar(symbol, days[at - 1]!, true)?.close ?? Number.NaN;
    }
    return this.store.dailyBar(symbol, day, true)?.close ?? Number.NaN;
  }
}
