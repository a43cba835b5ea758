import { MS_PER_DAY, dayNumber } from '../../domain/time.js';
import { EXCHANGE_TIME_ZONE } from './exchange-calendar.js';
import { timeZone } from '../../domain/time-zone.js';

/** A bar size: a whole number of seconds (5 s to 8 h) or a calendar unit. */
export type BarSize =
  { readonly kind: 'seconds'; readonly seconds: number } | { readonly kind: 'day' | 'week' | 'month' };

export type WhatToShow = 'TRADES' | 'MIDPOINT' | 'BID' | 'ASK';

export type Duration = { readonly count: number; readonly unit: 'S' | 'D' | 'W' | 'M' | 'Y' };

const UNIT_SECONDS: Record<string, number> = {
  sec: 1,
  secs: 1,
  min: 60,
  mins: 60,
  hour: 3600,
  hours: 3600,
};

/** Bar sizes IB accepts, from 5 seconds up (the gateway's finest data is the five-second bar). */
const VALID_SECONDS = new Set([
  5, 10, 15, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 14400, 28800,
]);

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

/** "5 secs", "1 min", "2 mins", "1 hour", "1 day", "1 week", "1 month" (case and plural insensitive). */
export function parseBarSize(text: string): Parsed<BarSize> {
  const match = /^(\d+)\s*([a-z]+)$/i.exec(text.trim());
  if (!match) return fail(`Invalid bar size ${JSON.stringify(text)}`);
  const count = Number(match[1]);
  const unit = match[2]!.toLowerCase();
  if (count === 1 && (unit === 'day' || unit === 'days')) return ok({ kind: 'day' });
  if (count === 1 && (unit === 'week' || unit === 'weeks' || unit === 'w')) return ok({ kind: 'week' });
  if (count === 1 && (unit === 'month' || unit === 'months' || unit === 'm')) return ok({ kind: 'month' });
  const unitSeconds = UNIT_SECONDS[unit];
  if (unitSeconds === undefined) return fail(`Invalid bar size ${JSON.stringify(text)}`);
  const seconds = count * unitSeconds;
  if (seconds < 5) return fail(`Bar size ${text} is finer than the five-second bars this gateway has`);
  if (!VALID_SECONDS.has(seconds)) return fail(`Invalid bar size ${JSON.stringify(text)}`);
  return ok({ kind: 'seconds', seconds });
}

/** "N S", "N D", "N W", "N M" or "N Y". */
export function parseDuration(text: string): Parsed<Duration> {
  const match = /^(\d+)\s+([SDWMY])$/i.exec(text.trim());
  if (!match || Number(match[1]) <= 0) return fail(`Invalid duration ${JSON.stringify(text)}`);
  return ok({ count: Number(match[1]), unit: match[2]!.toUpperCase() as Duration['unit'] });
}

export function parseWhatToShow(text: string): Parsed<WhatToShow> {
  const value = text.trim().toUpperCase();
  if (value === 'TRADES' || value === 'MIDPOINT' || value === 'BID' || value === 'ASK') return ok(value);
  return fail(`No data of type ${text} is available`);
}

/**
 * An end time as clients send it: "yyyyMMdd HH:mm:ss[ zone]" (exchange zone when none), "yyyyMMdd-HH:mm:ss"
 * (UTC) or "yyyyMMdd" (end of that day). Returns exchange time.
 */
export function parseEndDateTime(text: string): Parsed<number> {
  const value = text.trim();
  const utc = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (utc) {
    const epoch = Date.UTC(+utc[1]!, +utc[2]! - 1, +utc[3]!, +utc[4]!, +utc[5]!, +utc[6]!);
    return ok(EXCHANGE_TIME_ZONE.toLocal(epoch));
  }
  const dateOnly = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (dateOnly) return ok(Date.UTC(+dateOnly[1]!, +dateOnly[2]! - 1, +dateOnly[3]!) + MS_PER_DAY);
  const local = /^(\d{4})(\d{2})(\d{2})\s+(\d{2}):(\d{2})(?::(\d{2}))?(?:\s+(\S+))?$/.exec(value);
  if (!local) return fail(`Invalid end date/time ${JSON.stringify(text)}`);
  const wall = Date.UTC(+local[1]!, +local[2]! - 1, +local[3]!, +local[4]!, +local[5]!, +(local[6] ?? 0));
  const zoneName = local[7];
  if (zoneName === undefined) return ok(wall);
  const zone = timeZone(zoneName);
  if (zone === undefined) return fail(`Unknown time zone ${zoneName}`);
  return ok(EXCHANGE_TIME_ZONE.toLocal(zone.toEpoch(wall)));
}

/** Start of the window a duration covers back from `end` (exchange time); D counts trading days. */
export function durationStart(duration: Duration, end: number, tradingDaysBack: (count: number) => number): number {
  const d = new Date(end);
  switch (duration.unit) {
    case 'S':
      return end - duration.count * 1000;
    case 'D':
      return tradingDaysBack(duration.count);
    case 'W':
      return dayNumber(end - duration.count * 7 * MS_PER_DAY) * MS_PER_DAY;
    case 'M':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - duration.count, d.getUTCDate());
    case 'Y':
      return Date.UTC(d.getUTCFullYear() - duration.count, d.getUTCMonth(), d.getUTCDate());
  }
}

/** Rough length of a duration in seconds, to bound the bars one request may produce. */
export function durationSeconds(duration: Duration): number {
  const perUnit = { S: 1, D: 86_400, W: 7 * 86_400, M: 31 * 86_400, Y: 366 * 86_400 } as const;
  return duration.count * perUnit[duration.unit];
}
