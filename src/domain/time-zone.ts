const MS_PER_HOUR = 3_600_000;

/**
 * Converts between true epoch milliseconds and the project's exchange time (the wall clock of a time zone read as
 * UTC, see Bar). Offsets come from the runtime's time-zone database and are cached per hour, so conversions on the
 * bar path cost a map lookup.
 */
export class TimeZone {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  /** Throws RangeError for a zone name the runtime does not know. */
  constructor(readonly name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Wall time minus epoch time at an instant, in ms (−5 h for New York in winter). */
  offsetAt(epochMs: number): number {
    const hour = Math.floor(epochMs / MS_PER_HOUR);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      offset = this.computeOffset(hour * MS_PER_HOUR);
      if (this.offsets.size > 50_000) this.offsets.clear();
      this.offsets.set(hour, offset);
    }
    return offset;
  }

  toLocal(epochMs: number): number {
    return epochMs + this.offsetAt(epochMs);
  }

  /** The instant of a wall time; a wall time skipped by a DST change maps to the instant one hour earlier. */
  toEpoch(localMs: number): number {
    const guess = localMs - this.offsetAt(localMs);
    return localMs - this.offsetAt(guess);
  }

  private computeOffset(epochMs: number): number {
    const parts = this.format.formatToParts(new Date(epochMs));
    const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return wall - epochMs;
  }
}

const zones = new Map<string, TimeZone>();

/** A shared converter per zone name; undefined when the runtime does not know the zone. */
export function timeZone(name: string): TimeZone | undefined {
  let zone = zones.get(name);
  if (zone === undefined) {
    try {
      zone = new TimeZone(name);
    } catch {
      return undefined;
    }
    zones.set(name, zone);
  }
  return zone;
}
