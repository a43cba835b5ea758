/** Timestamps are epoch milliseconds of wall-clock time read as UTC (see Bar). */
export const MS_PER_DAY = 86_400_000;

/** The session date of a timestamp as whole days since 1970-01-01. */
export function dayNumber(time: number): number {
  return Math.floor(time / MS_PER_DAY);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYY-MM-DD` */
export function formatDate(time: number): string {
  const d = new Date(time);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** `YYYY-MM-DD` for a midnight stamp, `YYYY-MM-DD HH:MM:SS` otherwise. */
export function formatTime(time: number): string {
  const msOfDay = time - dayNumber(time) * MS_PER_DAY;
  if (msOfDay === 0) return formatDate(time);
  const d = new Date(time);
  return `${formatDate(time)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/**
 * Date.UTC without its two-digit-year rule: Date.UTC(97, 0, 1) is 1997-01-01, which would silently move a typed
 * year 0097 by nineteen centuries. setUTCFullYear takes the year as given; months and days out of range roll over
 * exactly as in Date.UTC.
 */
export function utcTime(year: number, monthIndex: number, day = 1, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/**
 * Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` or `YYYY-MM-DDTHH:MM[:SS]`, every year as written; returns NaN when
 * malformed or when the day or the time of day does not exist (2024-02-30, 1998-13-01, 10:60).
 */
export function parseTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s] = m;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  const [hour, minute, second] = [Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)];
  // Rolled-over fields (10:60 as 11:00, 02-30 as 03-01) would be a different time than the one written.
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const time = utcTime(year, month - 1, day, hour, minute, second);
  const check = new Date(time);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return Number.NaN;
  return time;
}
