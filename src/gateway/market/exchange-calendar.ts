import { isWeekend } from '../../data/civil-date.js';
import { lowerBound } from '../../data/slice-bar-series.js';
import { MS_PER_DAY, dayNumber } from '../../domain/time.js';
import { TimeZone } from '../../domain/time-zone.js';

/** US equity sessions in exchange time: regular 09:30–16:00, extended 04:00–20:00 (New York). */
export const RTH_OPEN_MS = (9 * 60 + 30) * 60_000;
export const RTH_CLOSE_MS = 16 * 3_600_000;
export const BAR_MS = 5_000;
/** Five-second bars in one regular session. */
export const RTH_BARS = (RTH_CLOSE_MS - RTH_OPEN_MS) / BAR_MS;

/** IB's name for the exchange's zone, as TWS writes it after times. */
const EXCHANGE_ZONE_ID = 'US/Eastern';
export const EXCHANGE_TIME_ZONE = new TimeZone('America/New_York');

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "yyyyMMdd" of an exchange time. */
export function wireDate(localMs: number): string {
  const d = new Date(localMs);
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
}

/** "HH:mm:ss" of an exchange time. */
export function wireClock(localMs: number): string {
  const d = new Date(localMs);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** "yyyyMMdd HH:mm:ss US/Eastern": how current TWS versions print an exchange time. */
export function wireDateTime(localMs: number): string {
  return `${wireDate(localMs)} ${wireClock(localMs)} ${EXCHANGE_ZONE_ID}`;
}

/** Epoch seconds of an exchange time, rounded (TWS's bar stamps with formatDate 2). */
export function epochSeconds(localMs: number): number {
  return Math.round(EXCHANGE_TIME_ZONE.toEpoch(localMs) / 1000);
}

/** Whether an exchange time falls inside the regular session hours of its day (trading day or not). */
export function inRegularHours(localMs: number): boolean {
  const ms = localMs - dayNumber(localMs) * MS_PER_DAY;
  return ms >= RTH_OPEN_MS && ms < RTH_CLOSE_MS;
}

/**
 * The trading days the data covers (sorted day numbers) and the regular session of each. Days are the union of
 * the days any instrument has data for.
 */
export class TradingCalendar {
  private readonly days: Int32Array;

  constructor(days: Iterable<number>) {
    this.days = Int32Array.from(new Set(days)).sort();
  }

  get size(): number {
    return this.days.length;
  }

  get last(): number | undefined {
    return this.days.length === 0 ? undefined : this.days[this.days.length - 1];
  }

  dayAt(index: number): number | undefined {
    return this.days[index];
  }

  isTradingDay(day: number): boolean {
    return this.indexOf(day) >= 0;
  }

  /** Index of the day, or −(insertion point) − 1 when it is not a trading day. */
  indexOf(day: number): number {
    const at = lowerBound(this.days, this.days.length, day);
    return this.days[at] === day ? at : -at - 1;
  }

  /** First trading day ≥ day, or undefined after the last. */
  nextOnOrAfter(day: number): number | undefined {
    const i = this.indexOf(day);
    return this.days[i >= 0 ? i : -i - 1];
  }

  /** The day `count` trading days after `day` (a sale's settlement date for T+count). */
  addTradingDays(day: number, count: number): number {
    const i = this.indexOf(day);
    const base = i >= 0 ? i : -i - 2; // last trading day ≤ day, −1 when none
    const target = base + count;
    if (target >= 0 && target < this.days.length) return this.days[target]!;
    // Past the data: count weekdays, the best guess for sessions the data does not cover.
    const last = this.last;
    let d = last === undefined ? day : Math.max(day, last);
    let left = target - (this.days.length - 1);
    while (left > 0) {
      d++;
      if (!isWeekend(d)) left--;
    }
    return d;
  }

  /** Start of the next regular session strictly after `localMs`, or undefined after the last day. */
  nextRegularOpen(localMs: number): number | undefined {
    const day = dayNumber(localMs);
    const todayOpen = day * MS_PER_DAY + RTH_OPEN_MS;
    if (localMs < todayOpen && this.isTradingDay(day)) return todayOpen;
    const next = this.nextOnOrAfter(day + 1);
    return next === undefined ? undefined : next * MS_PER_DAY + RTH_OPEN_MS;
  }

  /** Whether `localMs` falls inside a regular session of a trading day. */
  isRegularHours(localMs: number): boolean {
    return inRegularHours(localMs) && this.isTradingDay(dayNumber(localMs));
  }

  /** Contract-details session texts for the days around `localMs` ("yyyyMMdd:HHmm-yyyyMMdd:HHmm;…"). */
  sessionTexts(localMs: number, days = 7): { tradingHours: string; liquidHours: string } {
    const today = dayNumber(localMs);
    const trading: string[] = [];
    const liquid: string[] = [];
    for (let d = today; d < today + days; d++) {
      const date = wireDate(d * MS_PER_DAY);
      if (!this.isTradingDay(d) && !(d > (this.last ?? -Infinity) && !isWeekend(d))) {
        trading.push(`${date}:CLOSED`);
        liquid.push(`${date}:CLOSED`);
        continue;
      }
      trading.push(`${date}:0400-${date}:2000`);
      liquid.push(`${date}:0930-${date}:1600`);
    }
    return { tradingHours: trading.join(';'), liquidHours: liquid.join(';') };
  }
}
