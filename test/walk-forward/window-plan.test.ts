import { describe, expect, it } from 'vitest';
import { MS_PER_DAY, utcTime } from '../../src/domain/time.js';
import { OptimizeConfigError } from '../../src/optimize/optimize-error.js';
import { addLength, parseLength, planWindows } from '../../src/walk-forward/window-plan.js';

const bars = (count: number) => ({ unit: 'bars', count }) as const;

describe('planWindows', () => {
  const timeline = Float64Array.from({ length: 10 }, (_, i) => i);

  it('rolls fixed-length windows by the step and keeps only complete ones', () => {
    expect(planWindows(timeline, 'rolling', bars(4), bars(2), bars(2))).toEqual([
      { isStart: 0, isEnd: 4, oosStart: 4, oosEnd: 6 },
      { isStart: 2, isEnd: 6, oosStart: 6, oosEnd: 8 },
      { isStart: 4, isEnd: 8, oosStart: 8, oosEnd: 10 },
    ]);
  });

  it('anchors every in-sample window at the first bar', () => {
    expect(planWindows(timeline, 'anchored', bars(4), bars(3), bars(3))).toEqual([
      { isStart: 0, isEnd: 4, oosStart: 4, oosEnd: 7 },
      { isStart: 0, isEnd: 7, oosStart: 7, oosEnd: 10 },
    ]);
  });

  it('measures calendar lengths from the first bar, each boundary at the first bar on or after it', () => {
    // Daily bars from 2020-01-01 for 3 years; 1Y in sample, 6M out of sample, step 6M.
    const start = utcTime(2020, 0, 1);
    const days = Float64Array.from({ length: 3 * 366 }, (_, i) => start + i * MS_PER_DAY);
    const windows = planWindows(days, 'rolling', parseLength('1Y'), parseLength('6M'), parseLength('6M'));
    const date = (i: number) => new Date(days[i]!).toISOString().slice(0, 10);
    expect(windows.map((w) => [date(w.isStart), date(w.isEnd), date(w.oosEnd)])).toEqual([
      ['2020-01-01', '2021-01-01', '2021-07-01'],
      ['2020-07-01', '2021-07-01', '2022-01-01'],
      ['2021-01-01', '2022-01-01', '2022-07-01'],
      ['2021-07-01', '2022-07-01', '2023-01-01'],
    ]);
  });

  it('refuses a step shorter than the out-of-sample window, whose days would count twice', () => {
    expect(() => planWindows(timeline, 'rolling', bars(4), bars(2), bars(1))).toThrow(
      'the walk-forward step (1 bars) is shorter than the out-of-sample window (2 bars)',
    );
    const days = Float64Array.from({ length: 1000 }, (_, i) => utcTime(2020, 0, 1) + i * MS_PER_DAY);
    expect(() => planWindows(days, 'anchored', parseLength('1Y'), parseLength('1Y'), parseLength('6M'))).toThrow(
      /step \(6M\) is shorter than the out-of-sample window \(1Y\)/,
    );
    // Units that do not convert: refused by the windows they give.
    expect(() => planWindows(days, 'rolling', parseLength('1Y'), parseLength('3M'), bars(20))).toThrow(
      /step \(20 bars\) is shorter than the out-of-sample window \(3M\)/,
    );
    // A longer step leaves days between the windows untested, which is allowed.
    expect(planWindows(timeline, 'rolling', bars(4), bars(1), bars(2))).toHaveLength(3);
  });

  it('ends a calendar window where the next starts when a boundary moved past a weekend', () => {
    // Weekdays only: a boundary on a Saturday or Sunday falls on the Monday after it.
    const weekdays: number[] = [];
    for (let t = utcTime(2020, 0, 1); weekdays.length < 900; t += MS_PER_DAY) {
      const day = new Date(t).getUTCDay();
      if (day !== 0 && day !== 6) weekdays.push(t);
    }
    const windows = planWindows(
      Float64Array.from(weekdays),
      'rolling',
      parseLength('1Y'),
      parseLength('1M'),
      parseLength('1M'),
    );
    expect(windows.length).toBeGreaterThan(20);
    for (let k = 1; k < windows.length; k++) expect(windows[k]!.oosStart).toBe(windows[k - 1]!.oosEnd);
  });

  it('refuses a step shorter than the out-of-sample window in other units instead of cutting the windows short', () => {
    const weekdays: number[] = [];
    for (let t = utcTime(2020, 0, 1); weekdays.length < 1000; t += MS_PER_DAY) {
      const day = new Date(t).getUTCDay();
      if (day !== 0 && day !== 6) weekdays.push(t);
    }
    const days = Float64Array.from(weekdays);
    // 30 weeks out of sample stepped by 6 months, 6 months stepped by 100 bars, 140 bars stepped by 6 months.
    const cases = [
      [parseLength('30W'), parseLength('6M'), /step \(6M\) is shorter than the out-of-sample window \(30W\)/],
      [parseLength('6M'), bars(100), /step \(100 bars\) is shorter than the out-of-sample window \(6M\)/],
      [bars(140), parseLength('6M'), /step \(6M\) is shorter than the out-of-sample window \(140 bars\)/],
    ] as const;
    for (const [outOfSample, step, message] of cases) {
      expect(() => planWindows(days, 'rolling', parseLength('1Y'), outOfSample, step)).toThrow(message);
    }
    // About as long (26 weeks against 6 months): the windows meet where the calendar puts them.
    expect(planWindows(days, 'rolling', parseLength('1Y'), parseLength('26W'), parseLength('6M')).length).toBe(5);
  });

  it('leaves out a last out-of-sample window in bars that the data does not complete', () => {
    const days = Float64Array.from({ length: 1000 }, (_, i) => utcTime(2020, 0, 1) + i * MS_PER_DAY);
    const windows = planWindows(days, 'rolling', parseLength('1Y'), bars(180), parseLength('6M'));
    expect(windows.length).toBeGreaterThan(0);
    for (const w of windows) expect(w.oosEnd - w.oosStart).toBe(180);
    expect(windows.at(-1)!.oosEnd).toBeLessThanOrEqual(1000);
  });

  it('says so when no window fits', () => {
    expect(() => planWindows(timeline, 'rolling', bars(8), bars(3), bars(3))).toThrow(OptimizeConfigError);
    expect(() => planWindows(timeline, 'rolling', bars(8), bars(3), bars(3))).toThrow(
      /no complete walk-forward window/,
    );
  });
});

describe('calendar lengths', () => {
  it('clamps month ends and parses units', () => {
    expect(new Date(addLength(utcTime(2021, 0, 31), parseLength('1M'))).toISOString()).toBe('2021-02-28T00:00:00.000Z');
    expect(new Date(addLength(utcTime(2020, 1, 29), parseLength('1Y'))).toISOString()).toBe('2021-02-28T00:00:00.000Z');
    expect(addLength(0, parseLength('2W'))).toBe(14 * MS_PER_DAY);
    expect(() => parseLength('2X')).toThrow(/expected bars or 2Y/);
  });
});
