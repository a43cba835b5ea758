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
 * Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` or `YYYY-MM-DDTHH:MM[:SS]`; returns NaN when malformed.
 */
export function parseTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s] = m;
  const month = Number(mo);
  const day = Number(d);
  const time = Date.UTC(Number(y), month - 1, day, Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  const check = new Date(time);
  // Date.UTC rolls 2024-02-30 over into March; a calendar-invalid date is malformed.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return Number.NaN;
  return time;
}
