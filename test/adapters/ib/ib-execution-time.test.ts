import { describe, expect, it } from 'vitest';
import { parseIbExecutionTime } from '../../../src/adapters/ib/ib-execution-time.js';
import { timeZone } from '../../../src/domain/time-zone.js';

/** Exchange time: New York wall clock read as UTC. */
const ny = (month: number, day: number, h: number, m: number, s: number): number =>
  Date.UTC(2021, month - 1, day, h, m, s);

describe('parseIbExecutionTime', () => {
  it('reads the embedded gateway’s and current TWS’s form with a zone name', () => {
    expect(parseIbExecutionTime('20210301 10:30:05 US/Eastern')).toBe(ny(3, 1, 10, 30, 5));
    expect(parseIbExecutionTime('20210701 15:59:59 America/New_York')).toBe(ny(7, 1, 15, 59, 59));
  });

  it('reads the classic two-space form in the TWS login zone (New York unless told)', () => {
    expect(parseIbExecutionTime('20210301  10:30:05')).toBe(ny(3, 1, 10, 30, 5));
    expect(parseIbExecutionTime('20210301  15:30:05', timeZone('Europe/London'))).toBe(ny(3, 1, 10, 30, 5));
  });

  it('converts other zones and UTC to New York wall time, daylight saving included', () => {
    expect(parseIbExecutionTime('20210301 16:30:05 Europe/London')).toBe(ny(3, 1, 11, 30, 5));
    expect(parseIbExecutionTime('20210301-15:30:05')).toBe(ny(3, 1, 10, 30, 5));
    expect(parseIbExecutionTime('20210701-14:30:05')).toBe(ny(7, 1, 10, 30, 5));
    // 2021-03-14: New York moved to daylight time at 02:00 local.
    expect(parseIbExecutionTime('20210315-13:30:00')).toBe(ny(3, 15, 9, 30, 0));
  });

  it('returns undefined for malformed times, impossible dates and unknown zones', () => {
    for (const text of [
      undefined,
      '',
      '2021-03-01 10:30:05',
      '20210230 10:00:00',
      '20210301 24:00:00',
      '20210301 10:30',
    ]) {
      expect([text, parseIbExecutionTime(text)]).toEqual([text, undefined]);
    }
    expect(parseIbExecutionTime('20210301 10:30:05 Mars/Olympus')).toBeUndefined();
  });
});
