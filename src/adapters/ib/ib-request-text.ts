import type { TimeZone } from '../../domain/time-zone.js';

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** IB's name for New York's zone; other zones go by their IANA name, which TWS also reads. */
function zoneId(zone: TimeZone): string {
  return zone.name === 'America/New_York' ? 'US/Eastern' : zone.name;
}

/** An end time for reqHistoricalData: "yyyyMMdd HH:mm:ss <zone>" from an exchange time (project convention). */
export function endDateTime(localMs: number, zone: TimeZone): string {
  const d = new Date(localMs);
  const date = `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  return `${date} ${time} ${zoneId(zone)}`;
}

/** A duration in seconds ("3600 S"), rounded up to whole seconds: what a gap of `ms` needs. */
export function secondsDuration(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} S`;
}
