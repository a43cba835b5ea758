import { timeZone, type TimeZone } from '../../domain/time-zone.js';

const DATE = /^(\d{4})(\d{2})(\d{2})$/;
const EPOCH_SECONDS = /^\d{9,11}$/;
const UTC_DATE_TIME = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/;
const DATE_TIME = /^(\d{4})(\d{2})(\d{2})\s+(\d{2}):(\d{2}):(\d{2})(?:\s+(\S+))?$/;

/** Wall-clock fields as UTC ms, or undefined when they are not a real calendar time (20240230, 25:00). */
function wall(y: string, mo: string, d: string, h = '0', mi = '0', s = '0'): number | undefined {
  const [month, day, hour, minute, second] = [Number(mo), Number(d), Number(h), Number(mi), Number(s)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const time = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  const check = new Date(time);
  return check.getUTCMonth() === month - 1 && check.getUTCDate() === day ? time : undefined;
}

/**
 * A bar stamp as TWS sends it, as exchange time (`zone`'s wall clock read as UTC, see Bar); undefined when
 * malformed. TWS writes "yyyyMMdd" for daily bars whatever formatDate says; intraday stamps are epoch seconds with
 * formatDate 2, and with formatDate 1 "yyyyMMdd HH:mm:ss" followed by a zone name in current versions
 * ("US/Eastern"). Older versions leave the zone out and mean TWS's login zone, which the API cannot learn: such
 * stamps are taken as exchange time, which is why requests ask for formatDate 2.
 */
export function parseIbBarTime(text: string, zone: TimeZone): number | undefined {
  const value = text.trim();
  const date = DATE.exec(value);
  if (date) return wall(date[1]!, date[2]!, date[3]!);
  if (EPOCH_SECONDS.test(value)) return zone.toLocal(Number(value) * 1000);
  const utc = UTC_DATE_TIME.exec(value);
  if (utc) {
    const time = wall(utc[1]!, utc[2]!, utc[3]!, utc[4], utc[5], utc[6]);
    return time === undefined ? undefined : zone.toLocal(time);
  }
  const local = DATE_TIME.exec(value);
  if (!local) return undefined;
  const time = wall(local[1]!, local[2]!, local[3]!, local[4], local[5], local[6]);
  const zoneName = local[7];
  if (time === undefined || zoneName === undefined) return time;
  const stampZone = timeZone(zoneName);
  if (stampZone === undefined) return undefined;
  return stampZone.name === zone.name ? time : zone.toLocal(stampZone.toEpoch(time));
}
