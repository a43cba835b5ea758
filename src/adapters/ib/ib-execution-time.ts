import { timeZone, type TimeZone } from '../../domain/time-zone.js';

/** The exchange's zone: event and fill times are New York wall clock read as UTC (see Bar). */
const EXCHANGE_ZONE = timeZone('America/New_York')!;

const UTC_FORM = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/;
const LOCAL_FORM = /^(\d{4})(\d{2})(\d{2})\s+(\d{2}):(\d{2}):(\d{2})(?:\s+(\S+))?$/;

/**
 * The exchange time of an IB execution time. TWS writes "yyyyMMdd  HH:mm:ss" (two spaces) in the time zone the TWS
 * user logged in with, newer versions append that zone's name ("yyyyMMdd HH:mm:ss US/Eastern"), and
 * "yyyyMMdd-HH:mm:ss" is UTC. `twsZone` is the zone a time without a name is in. Undefined when the text is
 * malformed or names a zone the runtime does not know.
 */
export function parseIbExecutionTime(text: string | undefined, twsZone: TimeZone = EXCHANGE_ZONE): number | undefined {
  if (text === undefined) return undefined;
  const value = text.trim();
  const utc = UTC_FORM.exec(value);
  if (utc) {
    const epoch = civil(utc);
    return epoch === undefined ? undefined : EXCHANGE_ZONE.toLocal(epoch);
  }
  const local = LOCAL_FORM.exec(value);
  if (!local) return undefined;
  const wall = civil(local);
  if (wall === undefined) return undefined;
  const name = local[7];
  const zone = name === undefined ? twsZone : timeZone(name);
  if (zone === undefined) return undefined;
  // Converting through the true instant keeps a TWS logged in elsewhere (Europe/London, …) on exchange time.
  return zone.name === EXCHANGE_ZONE.name ? wall : EXCHANGE_ZONE.toLocal(zone.toEpoch(wall));
}

/** Date.UTC of the six captured fields, or undefined for a date or time that does not exist (20210230, 25:00). */
function civil(m: RegExpExecArray): number | undefined {
  const field = (i: number): number => Number(m[i]);
  const [year, month, day, hour, minute, second] = [field(1), field(2), field(3), field(4), field(5), field(6)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(time);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return time;
}
