import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  daysFromCivil,
  isCalendarDate,
  isWeekend,
  timeBound,
  weekday,
  weekdayOnOrAfter,
} from '../../src/data/civil-date.js';
import { MS_PER_DAY } from '../../src/domain/time.js';

describe('civil dates', () => {
  it('daysFromCivil equals Date.UTC for every valid date of years 1–9999', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
        (d) => {
          const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
          expect(daysFromCivil(y, m, day)).toBe(Math.floor(d.getTime() / MS_PER_DAY));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('knows month lengths and leap years', () => {
    expect(isCalendarDate(2024, 2, 29)).toBe(true);
    expect(isCalendarDate(2023, 2, 29)).toBe(false);
    expect(isCalendarDate(1900, 2, 29)).toBe(false);
    expect(isCalendarDate(2000, 2, 29)).toBe(true);
    expect(isCalendarDate(2024, 4, 31)).toBe(false);
    expect(isCalendarDate(2024, 12, 31)).toBe(true);
    expect(isCalendarDate(2024, 13, 1)).toBe(false);
    expect(isCalendarDate(2024, 1, 0)).toBe(false);
  });

  it('gives weekdays from day numbers, before 1970 too', () => {
    expect(weekday(0)).toBe(4);
    expect(weekday(daysFromCivil(2024, 1, 6))).toBe(6);
    expect(weekday(daysFromCivil(1969, 12, 28))).toBe(0);
    expect(isWeekend(daysFromCivil(2024, 1, 7))).toBe(true);
    expect(isWeekend(daysFromCivil(2024, 1, 8))).toBe(false);
    expect(weekdayOnOrAfter(daysFromCivil(2024, 1, 6))).toBe(daysFromCivil(2024, 1, 8));
    expect(weekdayOnOrAfter(daysFromCivil(2024, 1, 7))).toBe(daysFromCivil(2024, 1, 8));
    expect(weekdayOnOrAfter(daysFromCivil(2024, 1, 5))).toBe(daysFromCivil(2024, 1, 5));
  });

  it('turns bounds into inclusive epoch ms, a whole date as end covering its day', () => {
    expect(timeBound('2024-01-03', 'start')).toBe(Date.UTC(2024, 0, 3));
    expect(timeBound('2024-01-03', 'end')).toBe(Date.UTC(2024, 0, 4) - 1);
    expect(timeBound(Date.UTC(2024, 0, 3), 'end')).toBe(Date.UTC(2024, 0, 4) - 1);
    expect(timeBound('2024-01-03 10:00', 'end')).toBe(Date.UTC(2024, 0, 3, 10));
    expect(() => timeBound('03/01/2024', 'end')).toThrow(
      'end "03/01/2024" is not a time: expected epoch milliseconds or YYYY-MM-DD[ HH:MM[:SS]]',
    );
  });
});
