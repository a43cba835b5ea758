import { barAt, type Bar } from '../../domain/bar.js';
import { MS_PER_DAY, dayNumber } from '../../domain/time.js';
import type { GatewayLogger } from '../logger.js';
import type { DayBars } from './day-bars.js';
import { BAR_MS, RTH_CLOSE_MS, RTH_OPEN_MS, type TradingCalendar } from './exchange-calendar.js';
import type { MarketDataStore } from './market-data-store.js';
import type { ReplayClock } from './replay-clock.js';

/** What the replay drives, in time order at every five-second boundary. */
export interface ReplayListener {
  /** A regular session is opening (the boundary at 09:30). */
  onSessionOpen(day: number): void;
  /** The five-second bars ending at `time` of the symbols someone needs, in the order symbols were retained. */
  onBars(time: number, bars: readonly Bar[]): void;
  /** A regular session has closed (after its last bars). */
  onSessionClose(day: number): void;
  /** Called once per step, after the bars (periodic work such as account refreshes). */
  onStep(time: number): void;
}

export interface ReplayEngineOptions {
  /** Jump the clock over time outside regular sessions (nights, weekends, holidays) in realtime mode. */
  readonly skipClosed: boolean;
  /**
   * The last boundary an earlier run of this replay delivered (a gateway restarted from its state file): the replay
   * goes on with the boundary after it, even when the clock starts at or just after that boundary.
   */
  readonly replayed?: number;
  readonly logger: GatewayLogger;
}

interface CurrentDay {
  day: number;
  bars: DayBars | undefined;
}

/**
 * Walks the replay clock through five-second boundaries: session open and close events, and at each boundary the
 * just completed bar of every retained symbol (those with subscribers or working orders). In realtime mode a timer
 * follows the clock; in manual mode time moves only through `advanceTo`.
 */
export class ReplayEngine {
  private readonly active = new Map<string, number>();
  private readonly current = new Map<string, CurrentDay>();
  private last: number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stepping = false;

  constructor(
    private readonly clock: ReplayClock,
    private readonly calendar: TradingCalendar,
    private readonly store: MarketDataStore,
    private readonly listener: ReplayListener,
    private readonly options: ReplayEngineOptions,
  ) {
    // The boundary at the start is delivered (a replay that starts at 09:30 opens the session), unless an earlier run
    // delivered it already: its bars would reach the clients and fill orders a second time.
    this.last = Math.max(
      Math.floor(clock.now() / BAR_MS) * BAR_MS - BAR_MS,
      options.replayed ?? Number.NEGATIVE_INFINITY,
    );
  }

  /** The last boundary delivered: its bars and events and everything before are done. */
  get replayed(): number {
    return this.last;
  }

  retain(symbol: string): void {
    this.active.set(symbol, (this.active.get(symbol) ?? 0) + 1);
  }

  release(symbol: string): void {
    const count = (this.active.get(symbol) ?? 0) - 1;
    if (count > 0) {
      this.active.set(symbol, count);
    } else {
      this.active.delete(symbol);
      this.current.delete(symbol);
      this.store.unpin(symbol);
    }
  }

  start(): void {
    if (this.clock.mode !== 'realtime' || this.running) return;
    this.running = true;
    this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Processes every boundary up to `time` (manual mode: also sets the clock there). */
  advanceTo(time: number): void {
    if (this.stepping) return;
    this.stepping = true;
    try {
      const target = Math.floor(time / BAR_MS) * BAR_MS;
      while (this.last < target) {
        const next = this.last + BAR_MS;
        if (!this.isBusy(next)) {
          const open = this.calendar.nextRegularOpen(next - BAR_MS);
          const jumpTo = open === undefined ? target : Math.min(open, target);
          if (jumpTo > next) {
            this.last = jumpTo - BAR_MS;
            continue;
          }
        }
        this.last = next;
        if (this.clock.mode === 'manual') this.clock.set(next);
        this.step(next);
      }
      if (this.clock.mode === 'manual' && time > this.clock.now()) this.clock.set(time);
    } finally {
      this.stepping = false;
    }
  }

  /** Whether the boundary delivers bars or session events. */
  private isBusy(boundary: number): boolean {
    const day = dayNumber(boundary - BAR_MS);
    const ms = boundary - day * MS_PER_DAY;
    if (!this.calendar.isTradingDay(day)) return false;
    return ms >= RTH_OPEN_MS && ms <= RTH_CLOSE_MS;
  }

  /**
   * The bar of a retained symbol that the next step will deliver (the one starting at the last boundary), or
   * undefined when that step delivers none for it (outside regular hours, no data for that moment).
   */
  upcomingBar(symbol: string): Bar | undefined {
    const boundary = this.last + BAR_MS;
    return this.active.has(symbol) && this.deliversBars(boundary) ? this.barOf(symbol, boundary) : undefined;
  }

  /** Whether the step at `boundary` delivers the bars that end there: those of a regular session. */
  private deliversBars(boundary: number): boolean {
    const day = dayNumber(boundary - BAR_MS);
    const ms = boundary - day * MS_PER_DAY;
    return this.calendar.isTradingDay(day) && ms > RTH_OPEN_MS && ms <= RTH_CLOSE_MS;
  }

  private barOf(symbol: string, boundary: number): Bar | undefined {
    const barStart = boundary - BAR_MS;
    const dayBars = this.dayBarsOf(symbol, dayNumber(barStart));
    const i = dayBars === undefined ? -1 : dayBars.indexAt(barStart);
    return i >= 0 ? barAt(dayBars!, i) : undefined;
  }

  private step(boundary: number): void {
    const day = dayNumber(boundary - BAR_MS);
    const ms = boundary - day * MS_PER_DAY;
    const tradingDay = this.calendar.isTradingDay(day);
    if (tradingDay && ms === RTH_OPEN_MS) this.listener.onSessionOpen(day);
    if (this.active.size > 0 && this.deliversBars(boundary)) {
      const bars: Bar[] = [];
      for (const symbol of this.active.keys()) {
        const bar = this.barOf(symbol, boundary);
        if (bar !== undefined) bars.push(bar);
      }
      if (bars.length > 0) this.listener.onBars(boundary, bars);
    }
    if (tradingDay && ms === RTH_CLOSE_MS) this.listener.onSessionClose(day);
    this.listener.onStep(boundary);
  }

  private dayBarsOf(symbol: string, day: number): DayBars | undefined {
    let entry = this.current.get(symbol);
    if (entry?.day !== day) {
      entry = { day, bars: this.store.pin(symbol, day) };
      this.current.set(symbol, entry);
    }
    return entry.bars;
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.running) return;
    try {
      let now = this.clock.now();
      if (this.options.skipClosed && !this.calendar.isRegularHours(now)) {
        this.advanceTo(now);
        const open = this.calendar.nextRegularOpen(now);
        if (open !== undefined && open > now) {
          this.clock.set(open);
          now = open;
        }
      }
      this.advanceTo(now);
    } catch (error) {
      this.options.logger.error({ err: String(error) }, 'replay step failed');
    }
    const delay = this.clock.wallDelayUntil(this.last + BAR_MS);
    this.timer = setTimeout(
      () => {
        this.tick();
      },
      Math.max(1, Math.ceil(delay)),
    );
  }
}
