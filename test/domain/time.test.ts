import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTime, parseTime, utcTime } from '../../src/domain/time.js';

/** The year of a timestamp as the calendar has it. */
const yearOf = (time: number): number => new Date(time).getUTCFullYear();

describe('parseTime', () => {
  it.each([
    ['0097-01-01', 97],
    ['0001-01-01', 1],
    ['0000-03-01', 0],
    ['0099-12-31 23:59:59', 99],
    ['1997-01-01', 1997],
  ])('reads %s in the year written, not 1900 years later', (text, year) => {
    expect(yearOf(parseTime(text))).toBe(year);
  });

  it('knows the leap days of every year, two-digit ones included', () => {
    expect(Number.isNaN(parseTime('0004-02-29'))).toBe(false);
    expect(Number.isNaN(parseTime('0100-02-29'))).toBe(true);
    expect(Number.isNaN(parseTime('1900-02-29'))).toBe(true);
    expect(Number.isNaN(parseTime('2000-02-29'))).toBe(false);
  });

  it.each([
    '2020-02-30',
    '1998-13-01',
    '2021-00-10',
    '2021-04-31',
    '2020-01-02 24:00',
    '2020-01-02 10:60',
    '2020-01-02 10:00:60',
  ])('refuses %s, a day or time that does not exist', (text) => {
    expect(parseTime(text)).toBeNaN();
  });

  it('round-trips every time of years 1900 to 9999 through formatTime', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59) }), (ms) => {
        const time = Math.floor(ms / 1000) * 1000;
        expect(parseTime(formatTime(time))).toBe(time);
      }),
      { seed: 20_240_601, numRuns: 2000 },
    );
  });
});

describe('utcTime', () => {
  it('agrees with Date.UTC wherever Date.UTC reads the year as written (100 on), rolling over the same way', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 9999 }),
        fc.integer({ min: -30, max: 30 }),
        fc.integer({ min: -40, max: 40 }),
        fc.integer({ min: 0, max: 23 }),
        (year, month, day, hour) => {
          expect(utcTime(year, month, day, hour, 7, 9, 11)).toBe(Date.UTC(year, month, day, hour, 7, 9, 11));
        },
      ),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('keeps years 0 to 99 as written', () => {
    expect(yearOf(utcTime(74, 5, 1))).toBe(74);
    expect(yearOf(utcTime(0, 0, 1))).toBe(0);
    expect(new Date(utcTime(4, 1, 29)).getUTCMonth()).toBe(1);
  });
});
