import { CandleColumns, PERIODS, type CandlePeriod, type PeriodKeys } from './candle-buckets.js';
import { ChartMarks } from './chart-marks.js';

/**
 * A symbol's candles at every period at once, gathered bar by bar as the data streams past, so that the report can
 * draw the finest period that fits its share of the page without the bars being read again. A period is given up
 * as soon as it holds more candles than any share the symbol can still get (`cap`, which only falls as more
 * symbols trade), so memory is bounded by the cap whatever the number of bars; months are always kept. While every
 * bar is a day of its own (daily data), the bars are the days and are not stored twice.
 */
export class SymbolCandles {
  readonly marks = new ChartMarks();
  private bar: CandleColumns | null = new CandleColumns();
  private day: CandleColumns | null = null;
  private barsAreDays = true;
  private week: CandleColumns | null = new CandleColumns();
  private readonly month = new CandleColumns();
  private bars = 0;
  private lastDay = Number.NaN;

  constructor(readonly symbol: string) {}

  /** Bars seen so far. */
  get length(): number {
    return this.bars;
  }

  /** A bar at `time` (whose periods `keys` holds), the symbol's bars in time order. */
  add(keys: PeriodKeys, time: number, open: number, high: number, low: number, close: number, cap: number): void {
    const day = keys.day;
    if (day === this.lastDay && this.barsAreDays) {
      // A second bar of one day: from here on the days are candles of their own.
      this.barsAreDays = false;
      this.day = this.bar?.copy(day) ?? null;
    }
    this.lastDay = day;
    // A period given up is null from here on; the marks then merge by the next finest one.
    const bar = this.bar;
    const days = this.day;
    const week = this.week;
    // every period gets the bar: no short-circuit between them
    const barsFull = this.drops(bar, this.bars, time, open, high, low, close, cap);
    const daysFull = this.drops(days, day, time, open, high, low, close, cap);
    const weeksFull = this.drops(week, keys.week, time, open, high, low, close, cap);
    this.bars++;
    this.month.add(keys.month, time, open, high, low, close);
    if (barsFull || daysFull || weeksFull) {
      if (bar !== null && bar.length > cap) this.bar = null;
      if (days !== null && days.length > cap) this.day = null;
      if (week !== null && week.length > cap) this.week = null;
      this.marks.coarsen(this.finest());
    }
  }

  /** Adds the bar to a period's candles; true when they now outnumber the cap. */
  private drops(
    columns: CandleColumns | null,
    key: number,
    time: number,
    open: number,
    high: number,
    low: number,
    close: number,
    cap: number,
  ): boolean {
    if (columns === null) return false;
    columns.add(key, time, open, high, low, close);
    return columns.length > cap;
  }

  /** The candles of a period, or null once it has been given up. */
  candles(period: CandlePeriod): CandleColumns | null {
    switch (period) {
      case 'bar':
        return this.bar;
      case 'day':
        return this.barsAreDays ? this.bar : this.day;
      case 'week':
        return this.week;
      case 'month':
        return this.month;
    }
  }

  /** The finest period whose candles number at most `maxCandles` (months when none does). */
  periodFor(maxCandles: number): CandlePeriod {
    return PERIODS.find((p) => (this.candles(p)?.length ?? Number.POSITIVE_INFINITY) <= maxCandles) ?? 'month';
  }

  private finest(): CandlePeriod {
    return PERIODS.find((p) => this.candles(p) !== null)!;
  }
}
