import type { BarSize } from '../domain/bar-size.js';
import { dayNumber, MS_PER_DAY, utcTime } from '../domain/time.js';
import { isWeekend } from './civil-date.js';

const SECOND = 1000;
const HOUR = 3_600_000;

/** IB's duration text "N S|D|W|M|Y". */
export interface HistoryDuration {
  readonly count: number;
  readonly unit: 'S' | 'D' | 'W' | 'M' | 'Y';
}

/** Parses "10 Y", "30 D", "3600 S" (unit case-insensitive); undefined for anything else. */
export function parseHistoryDuration(text: string): HistoryDuration | undefined {
  const match = /^([1-9]\d*)\s*([SDWMY])$/i.exec(text.trim());
  if (!match) return undefined;
  return { count: Number(match[1]), unit: match[2]!.toUpperCase() as HistoryDuration['unit'] };
}

/** "10 Y" as IB spells it. */
export function formatHistoryDuration(duration: HistoryDuration): string {
  return `${duration.count} ${duration.unit}`;
}

/**
 * The start of a range that ends at `end` (exchange time) and lasts `duration` in calendar terms: seconds, days,
 * weeks, months or years back (a month or year back from the 31st or 29 February rolls forward, as Date.UTC does).
 */
export function historyRangeStart(end: number, duration: HistoryDuration): number {
  const { count, unit } = duration;
  const d = new Date(end);
  // utcTime, not Date.UTC: "1950 Y" back from 2024 is the year 74, which Date.UTC would read as 1974.
  const back = (years: number, months: number): number =>
    utcTime(
      d.getUTCFullYear() - years,
      d.getUTCMonth() - months,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    );
  switch (unit) {
    case 'S':
      return end - count * SECOND;
    case 'D':
      return end - count * MS_PER_DAY;
    case 'W':
      return end - count * 7 * MS_PER_DAY;
    case 'M':
      return back(0, count);
    case 'Y':
      return back(count, 0);
  }
}

/**
 * How much history one request may cover, by bar size (IB's "Historical Data Limitations", the largest duration
 * each bar size accepts):
 *
 * | bar size            | per request |
 * | ------------------- | ----------- |
 * | 5 secs              | 3600 S      |
 * | 10 secs, 15 secs    | 14400 S     |
 * | 30 secs             | 28800 S     |
 * | 1 min               | 1 D         |
 * | 2 mins              | 2 D         |
 * | 3 mins – 20 mins    | 1 W         |
 * | 30 mins – 8 hours   | 1 M         |
 * | 1 day               | 1 Y         |
 *
 * Second-based steps are exact spans back from the request's end. Day-based ones are whole calendar days ending at
 * midnight, because IB counts "N D" in sessions: a request ending at midnight returns the sessions before it. A
 * month is taken as four weeks ("4 W", within "1 M" however long the month), a year as the calendar year back.
 */
export type ChunkStep =
  | { readonly kind: 'seconds'; readonly seconds: number }
  | { readonly kind: 'days'; readonly days: number; readonly duration: string }
  | { readonly kind: 'year' };

export function chunkStep(size: BarSize): ChunkStep {
  if (size.daily) return { kind: 'year' };
  const seconds = size.ms / SECOND;
  if (seconds <= 5) return { kind: 'seconds', seconds: 3_600 };
  if (seconds <= 15) return { kind: 'seconds', seconds: 14_400 };
  if (seconds <= 30) return { kind: 'seconds', seconds: 28_800 };
  if (seconds <= 60) return { kind: 'days', days: 1, duration: '1 D' };
  if (seconds <= 120) return { kind: 'days', days: 2, duration: '2 D' };
  if (seconds <= 20 * 60) return { kind: 'days', days: 7, duration: '1 W' };
  return { kind: 'days', days: 28, duration: '4 W' };
}

/** One request of a download: bars whose period starts in [start, end), asked for as `duration` back from `end`. */
export interface HistoryChunk {
  readonly start: number;
  readonly end: number;
  readonly duration: string;
}

export interface HistoryChunkPlanOptions {
  readonly barSize: BarSize;
  /** First bar period start to include (exchange time). */
  readonly start: number;
  /** End of the last complete bar (exchange time); see `completeBarsEnd`. */
  readonly end: number;
  /** Regular trading hours only: chunks outside 09:30–16:00 (else 04:00–20:00) on weekdays hold no bars. */
  readonly useRth: boolean;
}

const RTH = { open: 9.5 * HOUR, close: 16 * HOUR } as const;
const EXTENDED = { open: 4 * HOUR, close: 20 * HOUR } as const;

/** Whether [start, end) overlaps the trading hours of any weekday (US equities: no weekend sessions). */
function overlapsSession(start: number, end: number, useRth: boolean): boolean {
  const hours = useRth ? RTH : EXTENDED;
  for (let day = dayNumber(start); day <= dayNumber(end - 1); day++) {
    if (isWeekend(day)) continue;
    const open = day * MS_PER_DAY + hours.open;
    const close = day * MS_PER_DAY + hours.close;
    if (start < close && end > open) return true;
  }
  return false;
}

/**
 * The requests that cover [start, end) for a bar size, oldest first; chunks touch without overlapping, so every
 * bar period belongs to exactly one of them. Intraday chunks without any weekday trading hours are left out (they
 * would only cost requests under IB's pacing limits; holidays still cost one each and come back empty).
 */
export function planHistoryChunks(options: HistoryChunkPlanOptions): HistoryChunk[] {
  const { barSize, start, end, useRth } = options;
  if (!(end > start)) return [];
  const step = chunkStep(barSize);
  const chunks: HistoryChunk[] = [];
  let upper = end;
  while (upper > start) {
    let lower: number;
    let duration: string;
    switch (step.kind) {
      case 'seconds':
        lower = upper - step.seconds * SECOND;
        duration = `${step.seconds} S`;
        break;
      case 'days': {
        // The newest chunk may end inside a day: it then covers that day so far, so every other chunk ends at
        // midnight, where IB's session-counted durations are exact.
        const midnight = dayNumber(upper) * MS_PER_DAY;
        lower = midnight < upper ? midnight : upper - step.days * MS_PER_DAY;
        duration = step.duration;
        break;
      }
      case 'year': {
        const midnight = dayNumber(upper) * MS_PER_DAY;
        lower = midnight < upper ? midnight : historyRangeStart(upper, { count: 1, unit: 'Y' });
        duration = '1 Y';
        break;
      }
    }
    const chunk = { start: Math.max(lower, start), end: upper, duration };
    if (barSize.daily || overlapsSession(chunk.start, chunk.end, useRth)) chunks.push(chunk);
    upper = lower;
  }
  return chunks.reverse();
}

/**
 * The end of the newest complete bar at or before `end` (exchange time), so that a bar still forming is not written
 * as if it were final: intraday, the start of the period containing `end`; daily, the midnight after the last day
 * whose session (to 16:00, or 20:00 with extended hours) is over by `end`.
 */
export function completeBarsEnd(end: number, size: BarSize, useRth: boolean): number {
  if (!size.daily) return Math.floor(end / size.ms) * size.ms;
  const midnight = dayNumber(end) * MS_PER_DAY;
  const close = midnight + (useRth ? RTH.close : EXTENDED.close);
  return end >= close ? midnight + MS_PER_DAY : midnight;
}

/** The first bar period start at or after `time`. */
export function firstBarStart(time: number, size: BarSize): number {
  return Math.ceil(time / size.ms) * size.ms;
}
