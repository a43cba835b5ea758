import { parseTime } from '../domain/time.js';

/**
 * The earliest year a date typed by a user may have. Market data starts long after it, so an earlier year is a typo
 * (0097 for 1997, 0001 for 2001) and is refused rather than read; four digits bound the other end at 9999.
 */
export const FIRST_YEAR = 1900;

/** What a date must look like, for error messages ("expected …"). */
export const DATE_EXPECTED = `a date as YYYY-MM-DD (a day of the calendar from ${FIRST_YEAR}-01-01 to 9999-12-31)`;

/** What a time must look like, for error messages ("expected …"). */
export const TIME_EXPECTED =
  `a time as YYYY-MM-DD[ HH:MM[:SS]] (a day of the calendar from ${FIRST_YEAR}-01-01 to 9999-12-31, ` +
  'hours 00-23, minutes and seconds 00-59)';

function inYears(time: number): number | undefined {
  return Number.isFinite(time) && new Date(time).getUTCFullYear() >= FIRST_YEAR ? time : undefined;
}

/** Epoch ms of a `YYYY-MM-DD` date that exists, from FIRST_YEAR on; undefined for anything else. */
export function parseDateText(text: string): number | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? inYears(parseTime(text)) : undefined;
}

/** Epoch ms of a `YYYY-MM-DD[ HH:MM[:SS]]` time that exists, from FIRST_YEAR on; undefined for anything else. */
export function parseTimeText(text: string): number | undefined {
  return /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/.test(text) ? inYears(parseTime(text)) : undefined;
}
