import type { MarketEvent } from '../domain/events.js';
import { FIVE_SECONDS, periodStart, type BarSize } from '../domain/bar-size.js';
import { MS_PER_DAY } from '../domain/time.js';

/** US equities' regular session in exchange time of day: 09:30–16:00 New York. */
const REGULAR_OPEN_MS = (9 * 60 + 30) * 60_000;
const REGULAR_CLOSE_MS = 16 * 3_600_000;
const STEP_MS = FIVE_SECONDS.ms;

/**
 * Fractional volume is summed in units of 1e-8 shares, apart from the whole shares: whole-share sums stay exact
 * (as the gateway's and IB's stock volumes are), and decimal volumes do not pick up binary noise (0.1 + 0.2).
 */
const FRACTION_UNITS = 1e8;

export interface BarAggregatorOptions {
  /** The strategy's bar size; `5 secs` passes the five-second bars through. */
  readonly size: BarSize;
  /** Receives each completed bar, synchronously, inside the call that completed it. */
  readonly onBar: (bar: MarketEvent) => void;
  /** Ignore five-second bars outside the regular session (IB's useRTH); default true. */
  readonly rthOnly?: boolean;
  /** The regular open of a day (day number as `dayNumber` gives it) in exchange time; default 09:30. */
  readonly sessionOpen?: (day: number) => number;
  /** The regular close of a day in exchange time (early closes come from contract details); default 16:00. */
  readonly sessionClose?: (day: number) => number;
}

/** One symbol's progress. Mutated in place so that a five-second bar allocates nothing. */
class SymbolState {
  /** Start of the newest five-second bar seen; anything at or before it is a repeat. */
  lastStart = Number.NEGATIVE_INFINITY;
  /** Bars starting before this belong to a period already delivered (by history via seed(), or emitted). */
  acceptFrom = Number.NEGATIVE_INFINITY;
  /** The open period's stamp and the time it is complete at; NaN when no period is open. */
  stamp = Number.NaN;
  end = Number.NaN;
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  wholeVolume = 0;
  fractionVolume = 0;
  /** IB sends volume −1 on quote bars (MIDPOINT, BID, ASK): such a bar has no volume, not a negative one. */
  noVolume = false;

  constructor(readonly symbol: string) {}
}

/**
 * Turns each symbol's five-second real-time bars into bars of the strategy's size, on the exchange's clock, on
 * the hot path: no promises, no timers, O(1) and no allocation per five-second bar except the bar it completes.
 *
 * Intraday periods are aligned from midnight and stamped with their start, or with the session open when data is
 * restricted to regular hours (the first 1-hour bar is 09:30–10:00, stamped 09:30), as IB's and the embedded
 * gateway's historical bars are, so that live bars continue history requested in the same size exactly. With
 * regular hours only, a period also ends at the session close (a 3-hour bar from 15:00 is done at 16:00). A daily
 * bar is the session, stamped 00:00 of its date.
 *
 * A period is emitted when its last five-second bar arrives, else when a later bar of the symbol shows it is over,
 * else when the owner's `flush` says the exchange clock has passed its end. A period is never emitted twice: bars
 * of a period already emitted or covered by history are ignored, as are repeats and out-of-order bars.
 */
export class BarAggregator {
  readonly size: BarSize;
  private readonly onBar: (bar: MarketEvent) => void;
  private readonly rthOnly: boolean;
  private readonly sessionOpen: (day: number) => number;
  private readonly sessionClose: (day: number) => number;
  private readonly passThrough: boolean;
  private readonly symbols = new Map<string, SymbolState>();
  // The session of the day last asked about: every symbol's bars share it, so the options are called once a day.
  private sessionDay = Number.NaN;
  private dayOpen = 0;
  private dayClose = 0;
  private duplicates = 0;
  private closedPeriods = 0;
  private outsideHours = 0;

  constructor(options: BarAggregatorOptions) {
    const { size } = options;
    if (!size.daily && (size.ms % STEP_MS !== 0 || size.ms <= 0 || MS_PER_DAY % size.ms !== 0)) {
      throw new RangeError(`Bar size ${size.text} is not a whole number of five-second bars dividing a day`);
    }
    this.size = size;
    this.onBar = options.onBar;
    this.rthOnly = options.rthOnly ?? true;
    this.sessionOpen = options.sessionOpen ?? ((day) => day * MS_PER_DAY + REGULAR_OPEN_MS);
    this.sessionClose = options.sessionClose ?? ((day) => day * MS_PER_DAY + REGULAR_CLOSE_MS);
    this.passThrough = !size.daily && size.ms === STEP_MS;
  }

  /** Five-second bars ignored as repeats or out of order (at or before the symbol's newest one, or timeless). */
  get duplicateCount(): number {
    return this.duplicates;
  }

  /** Five-second bars ignored because their period was already delivered: by history (seed) or emitted. */
  get closedPeriodCount(): number {
    return this.closedPeriods;
  }

  /** Five-second bars ignored because they fall outside the regular session while `rthOnly` is set. */
  get outsideHoursCount(): number {
    return this.outsideHours;
  }

  /** Feeds one five-second bar (`time` = its start); emits the bars it completes through `onBar`. */
  push(bar: MarketEvent): void {
    const t = bar.time;
    const s = this.stateOf(bar.symbol);
    // Written as a negation so that a NaN time is dropped too.
    if (!(t > s.lastStart)) {
      this.duplicates++;
      return;
    }
    s.lastStart = t;
    // A bar at or past the open period's end proves that period has no more bars to come (NaN end: none open).
    if (t >= s.end) this.emit(s);
    if (t < s.acceptFrom) {
      this.closedPeriods++;
      return;
    }
    const day = Math.floor(t / MS_PER_DAY);
    if (day !== this.sessionDay) this.loadSession(day);
    if (this.rthOnly && (t < this.dayOpen || t >= this.dayClose)) {
      this.outsideHours++;
      return;
    }
    if (this.passThrough) {
      this.onBar(bar);
      return;
    }
    if (Number.isNaN(s.end)) this.begin(s, t, day, bar);
    else {
      if (bar.high > s.high) s.high = bar.high;
      if (bar.low < s.low) s.low = bar.low;
      s.close = bar.close;
      addVolume(s, bar.volume);
    }
    if (t + STEP_MS >= s.end) this.emit(s);
  }

  /**
   * The exchange clock has reached `time`: emits every symbol's open period that ends at or before it, so a bar is
   * not held back when its symbol stops trading. Called from the owner's timer, not per bar (it visits every symbol).
   */
  flush(time: number): void {
    for (const s of this.symbols.values()) if (s.end <= time) this.emit(s);
  }

  /**
   * History in this bar size is loaded up to the bar stamped `lastCompleteBarTime`: five-second bars of that
   * period and earlier are ignored, so the first live bar continues the history without overlap. An open period
   * the history already covers is dropped.
   */
  seed(symbol: string, lastCompleteBarTime: number): void {
    const s = this.stateOf(symbol);
    const start = this.size.daily
      ? Math.floor(lastCompleteBarTime / MS_PER_DAY) * MS_PER_DAY
      : periodStart(this.size, lastCompleteBarTime);
    const covered = start + this.size.ms;
    if (covered > s.acceptFrom) s.acceptFrom = covered;
    if (s.stamp < covered) {
      s.stamp = Number.NaN;
      s.end = Number.NaN;
    }
  }

  /** End of the newest five-second bar seen for the symbol (exchange time); NaN before any. */
  coveredUntil(symbol: string): number {
    const last = this.symbols.get(symbol)?.lastStart ?? Number.NEGATIVE_INFINITY;
    return last === Number.NEGATIVE_INFINITY ? Number.NaN : last + STEP_MS;
  }

  /**
   * The earliest five-second bar start the symbol would still accept: after the newest bar seen and after the
   * periods history (seed) or emitted bars already delivered. NaN when nothing is known, so anything goes.
   * Where a backfill after a reconnection should start.
   */
  acceptsFrom(symbol: string): number {
    const s = this.symbols.get(symbol);
    if (s === undefined) return Number.NaN;
    const from = Math.max(s.lastStart + STEP_MS, s.acceptFrom);
    return from === Number.NEGATIVE_INFINITY ? Number.NaN : from;
  }

  /** The time the symbol's open bar will be stamped with (its period's start); NaN when no period is open. */
  openPeriodStart(symbol: string): number {
    return this.symbols.get(symbol)?.stamp ?? Number.NaN;
  }

  /** When the symbol's open period is complete (exchange time), the `flush` time that emits it; NaN when none. */
  openPeriodEnd(symbol: string): number {
    return this.symbols.get(symbol)?.end ?? Number.NaN;
  }

  private stateOf(symbol: string): SymbolState {
    let s = this.symbols.get(symbol);
    if (s === undefined) {
      s = new SymbolState(symbol);
      this.symbols.set(symbol, s);
    }
    return s;
  }

  private loadSession(day: number): void {
    this.sessionDay = day;
    this.dayOpen = this.sessionOpen(day);
    this.dayClose = this.sessionClose(day);
  }

  /** Opens the period of the five-second bar starting at `t` (in `day`, whose session is loaded) with `bar`. */
  private begin(s: SymbolState, t: number, day: number, bar: MarketEvent): void {
    if (this.size.daily) {
      s.stamp = day * MS_PER_DAY;
      // With extended hours the day is only known to be over at midnight (or by a later bar, or flush).
      s.end = this.rthOnly ? this.dayClose : s.stamp + MS_PER_DAY;
    } else {
      const start = periodStart(this.size, t);
      const end = start + this.size.ms;
      s.stamp = this.rthOnly && start < this.dayOpen ? this.dayOpen : start;
      s.end = this.rthOnly && end > this.dayClose ? this.dayClose : end;
    }
    s.open = bar.open;
    s.high = bar.high;
    s.low = bar.low;
    s.close = bar.close;
    s.wholeVolume = 0;
    s.fractionVolume = 0;
    s.noVolume = false;
    addVolume(s, bar.volume);
  }

  private emit(s: SymbolState): void {
    const bar: MarketEvent = {
      type: 'market',
      symbol: s.symbol,
      time: s.stamp,
      open: s.open,
      high: s.high,
      low: s.low,
      close: s.close,
      volume: s.noVolume ? -1 : s.wholeVolume + s.fractionVolume / FRACTION_UNITS,
    };
    if (s.end > s.acceptFrom) s.acceptFrom = s.end;
    // Closed before the callback: a strategy reacting to the bar may re-enter push() or flush().
    s.stamp = Number.NaN;
    s.end = Number.NaN;
    this.onBar(bar);
  }
}

function addVolume(s: SymbolState, volume: number): void {
  if (volume < 0) {
    s.noVolume = true;
    return;
  }
  const whole = Math.trunc(volume);
  s.wholeVolume += whole;
  if (whole !== volume) s.fractionVolume += Math.round((volume - whole) * FRACTION_UNITS);
}
