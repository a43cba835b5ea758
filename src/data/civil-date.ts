import { MS_PER_DAY, dayNumber, parseTime } from '../domain/time.js';

/** Days before the first of each month in a common year. */
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334] as const;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function isLeapYear(year: number): boolean {
  // Every remainder on every call: V8 compiles only the operations it has seen run, and a parser whose data starts
  // in 2019 met `year % 100` first in 2020's February, partway through, and threw its compiled row path away.
  const by4 = year % 4 === 0;
  const by100 = year % 100 === 0;
  const by400 = year % 400 === 0;
  return (by4 && !by100) || by400;
}

/** Days in a month (1–12) of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/** Whether year/month/day (month 1–12) names a day of the proleptic Gregorian calendar. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function leapDaysBefore(year: number): number {
  const y = year - 1;
  return Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400);
}

const LEAP_DAYS_BEFORE_1970 = leapDaysBefore(1970);

/**
 * Days since 1970-01-01 of a calendar date, by arithmetic only: the loader calls it for every new date and
 * `Date.UTC` would cost more than the rest of a row.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const leap = month > 2 && isLeapYear(year) ? 1 : 0;
  return (
    365 * (year - 1970) +
    (leapDaysBefore(year) - LEAP_DAYS_BEFORE_1970) +
    DAYS_BEFORE_MONTH[month - 1]! +
    leap +
    day -
    1
  );
}

/** 0 = Sunday … 6 = Saturday, for a day number (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: number): boolean {
  const w = weekday(day);
  return w === 0 || w === 6;
}

/** The first weekday (Monday to Friday) on or after a day number. */
export function weekdayOnOrAfter(day: number): number {
  let d = day;
  while (isWeekend(d)) d++;
  return d;
}

/**
 * A time bound from a number (epoch ms, project convention) or a `YYYY-MM-DD[ HH:MM[:SS]]` text. An end bound that
 * is a whole date (a date text, or a number at midnight) covers that entire day, so `end: '2020-12-31'` keeps the
 * 15:59 bar of that day.
 */
export function timeBound(value: number | string, kind: 'start' | 'end'): number {
  const time = typeof value === 'number' ? value : parseTime(value);
  if (!Number.isFinite(time)) {
    throw new RangeError(
      `${kind} ${JSON.stringify(value)} is not a time: expected epoch milliseconds or YYYY-MM-DD[ HH:MM[:SS]]`,
    );
  }
  if (kind === 'end' && time === dayNumber(time) * MS_PER_DAY) return time + MS_PER_DAY - 1;
  return time;
}
