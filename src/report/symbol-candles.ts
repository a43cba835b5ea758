import {
  CandleColumns,
  PERIODS,
  type CandleBar,
  type CandleColumnsState,
  type CandlePeriod,
  type PeriodKeys,
} from './candle-buckets.js';
import { ChartMarks } from './chart-marks.js';

/**
 * A symbol's candles at every period at once, gathered bar by bar as the data streams past, so that the report can
 * draw the finest period that fits its share of the page without the bars being read again. A period is given up
 * as soon as it holds more candles than any share the symbol can still get (`cap`, which only falls as more symbols
 * trade); months are always kept. While every bar is a day of its own (daily data), the bars are the days and are
 * not stored twice. The candles of bars, days and weeks may also be let go to bound memory (`dropFine`): they are then only
 * counted, which is enough to choose the period, and read again should that period be chosen.
 */
export class SymbolCandles {
  readonly marks = new ChartMarks();
  private bar = new CandleColumns();
  /** Null while every bar is a day of its own: the bars serve as days. */
  private day: CandleColumns | null = null;
  private week = new CandleColumns();
  private month = new CandleColumns();
  private barPossible = true;
  private dayPossible = true;
  private weekPossible = true;
  private bars = 0;
  private lastDay = Number.NaN;
  /**
   * The bars of the current day after its first, once only days and longer periods are stored: their highest high,
   * lowest low and last close, which widen the day's candles when the next day comes or the candles are read
   * (`settle`). Intraday data then costs a bar two comparisons here instead of a widening of three candles.
   */
  private pending = false;
  private pendingHigh = Number.NaN;
  private pendingLow = Number.NaN;
  private pendingClose = Number.NaN;

  constructor(readonly symbol: string) {}

  /** Bars seen so far. */
  get length(): number {
    return this.bars;
  }

  /**
   * A bar (whose periods `keys` holds), the symbol's bars in time order. Returns the change in stored
   * candles of the bars, days and weeks (new ones, less those let go).
   */
  add(keys: PeriodKeys, bar: CandleBar, cap: number): number {
    const day = keys.day;
    if (day === this.lastDay && this.day !== null && !this.barPossible) {
      // Another bar of the day while only days and longer are stored: it opens no candle and waits to widen them.
      const { high, low } = bar;
      if (!this.pending) {
        this.pending = true;
        this.pendingHigh = high;
        this.pendingLow = low;
      } else {
        if (high > this.pendingHigh) this.pendingHigh = high;
        if (low < this.pendingLow) this.pendingLow = low;
      }
      this.pendingClose = bar.close;
      this.bars++;
      return 0;
    }
    this.settle();
    if (this.day === null && day === this.lastDay) {
      // A second bar of one day: from here on the days are candles of their own.
      this.day = this.bar.copy(day);
      this.dayPossible = this.barPossible;
    }
    this.lastDay = day;
    let stored = 0;
    let coarser = false;
    if (this.barPossible) {
      stored += this.bar.add(this.bars, bar);
      if (this.bar.length > cap) {
        this.barPossible = false;
        if (this.day === null) this.dayPossible = false;
        stored -= this.bar.unstore();
        coarser = true;
      }
    }
    this.bars++;
    const days = this.day;
    if (days !== null && this.dayPossible) {
      stored += days.add(day, bar);
      if (days.length > cap) {
        this.dayPossible = false;
        stored -= days.unstore();
        coarser = true;
      }
    }
    if (this.weekPossible) {
      stored += this.week.add(keys.week, bar);
      if (this.week.length > cap) {
        this.weekPossible = false;
        stored -= this.week.unstore();
        coarser = true;
      }
    }
    this.month.add(keys.month, bar);
    if (coarser) this.marks.coarsen(this.finest());
    return stored;
  }

  /** Widens the current day's candles by the bars waiting for it (see `pending`). */
  private settle(): void {
    if (!this.pending) return;
    this.pending = false;
    const { pendingHigh: high, pendingLow: low, pendingClose: close } = this;
    // A period given up was unstored then, and widens nothing.
    this.day?.widen(high, low, close);
    this.week.widen(high, low, close);
    this.month.widen(high, low, close);
  }

  /** The candles as plain data, marks aside (see `adopt`). */
  state(): SymbolCandlesState {
    this.settle();
    return {
      bar: this.bar.state(),
      day: this.day?.state() ?? null,
      week: this.week.state(),
      month: this.month.state(),
      barPossible: this.barPossible,
      dayPossible: this.dayPossible,
      weekPossible: this.weekPossible,
      bars: this.bars,
      lastDay: this.lastDay,
    };
  }

  /**
   * Takes over the candles another chart of the symbol gathered from all of its bars (`state()`, with a cap no lower
   * than `cap`; this chart has had no bars), and then gives up the periods holding more than `cap` candles: the
   * chart is then as if the bars had been added here with `cap`, since a period's count only grows, and its marks
   * are merged to the finest period kept, as those steps would have merged them (the periods nest).
   */
  adopt(state: SymbolCandlesState, cap: number): void {
    this.bar = CandleColumns.fromState(state.bar);
    this.day = state.day === null ? null : CandleColumns.fromState(state.day);
    this.week = CandleColumns.fromState(state.week);
    this.month = CandleColumns.fromState(state.month);
    this.barPossible = state.barPossible;
    this.dayPossible = state.dayPossible;
    this.weekPossible = state.weekPossible;
    this.bars = state.bars;
    this.lastDay = state.lastDay;
    if (this.barPossible && this.bar.length > cap) {
      this.barPossible = false;
      if (this.day === null) this.dayPossible = false;
      this.bar.unstore();
    }
    if (this.day !== null && this.dayPossible && this.day.length > cap) {
      this.dayPossible = false;
      this.day.unstore();
    }
    if (this.weekPossible && this.week.length > cap) {
      this.weekPossible = false;
      this.week.unstore();
    }
    const finest = this.finest();
    if (finest !== 'bar') this.marks.coarsen(finest);
  }

  /** Lets the candles of bars, days and weeks go (they are counted on); returns how many were stored. */
  dropFine(): number {
    this.settle();
    return this.bar.unstore() + (this.day?.unstore() ?? 0) + this.week.unstore();
  }

  /** The candles of a period; `stored` false when only counted. */
  candles(period: CandlePeriod): CandleColumns {
    this.settle();
    switch (period) {
      case 'bar':
        return this.bar;
      case 'day':
        return this.day ?? this.bar;
      case 'week':
        return this.week;
      case 'month':
        return this.month;
    }
  }

  /** The finest period whose candles number at most `maxCandles` (months when none does). */
  periodFor(maxCandles: number): CandlePeriod {
    return PERIODS.find((p) => this.possible(p) && this.candles(p).length <= maxCandles) ?? 'month';
  }

  /** Whether a period's candles have never outnumbered the cap. */
  private possible(period: CandlePeriod): boolean {
    switch (period) {
      case 'bar':
        return this.barPossible;
      case 'day':
        return this.day === null ? this.barPossible : this.dayPossible;
      case 'week':
        return this.weekPossible;
      case 'month':
        return true;
    }
  }

  private finest(): CandlePeriod {
    return PERIODS.find((p) => this.possible(p))!;
  }
}

/** SymbolCandles as plain data (see `state`). */
export interface SymbolCandlesState {
  readonly bar: CandleColumnsState;
  readonly day: CandleColumnsState | null;
  readonly week: CandleColumnsState;
  readonly month: CandleColumnsState;
  readonly barPossible: boolean;
  readonly dayPossible: boolean;
  readonly weekPossible: boolean;
  readonly bars: number;
  readonly lastDay: number;
}
