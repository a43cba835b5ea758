import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWeekend } from '../../src/data/civil-date.js';
import {
  chunkStep,
  completeBarsEnd,
  firstBarStart,
  historyRangeStart,
  parseHistoryDuration,
  planHistoryChunks,
  type HistoryChunk,
} from '../../src/data/history-chunk-plan.js';
import { BAR_SIZE_NAMES, parseBarSize, type BarSize } from '../../src/domain/bar-size.js';
import { dayNumber, formatTime, MS_PER_DAY, parseTime } from '../../src/domain/time.js';

const size = (text: string): BarSize => parseBarSize(text)!;
const t = (text: string): number => parseTime(text);
const HOUR = 3_600_000;

function describeChunks(chunks: readonly HistoryChunk[]): string[] {
  return chunks.map((c) => `${formatTime(c.start)} .. ${formatTime(c.end)} ${c.duration}`);
}

/** The longest span one chunk of a bar size may cover, in ms. */
function maxSpan(barSize: BarSize): number {
  const step = chunkStep(barSize);
  switch (step.kind) {
    case 'seconds':
      return step.seconds * 1000;
    case 'days':
      return step.days * MS_PER_DAY;
    case 'year':
      return 366 * MS_PER_DAY;
  }
}

describe('chunkStep: IB’s largest duration per bar size', () => {
  it.each([
    ['5 secs', '3600 S'],
    ['10 secs', '14400 S'],
    ['15 secs', '14400 S'],
    ['30 secs', '28800 S'],
    ['1 min', '1 D'],
    ['2 mins', '2 D'],
    ['3 mins', '1 W'],
    ['5 mins', '1 W'],
    ['20 mins', '1 W'],
    ['30 mins', '4 W'],
    ['1 hour', '4 W'],
    ['8 hours', '4 W'],
    ['1 day', '1 Y'],
  ])('%s bars go %s per request', (bar, duration) => {
    const all = planHistoryChunks({ barSize: size(bar), start: t('2023-01-01'), end: t('2024-01-10'), useRth: false });
    expect(all.length).toBeGreaterThan(0);
    expect(new Set(all.map((c) => c.duration))).toEqual(new Set([duration]));
  });

  it('has a step for every bar size the domain knows', () => {
    for (const name of BAR_SIZE_NAMES) expect(() => chunkStep(size(name))).not.toThrow();
  });
});

describe('planHistoryChunks', () => {
  it('splits ten years of daily bars into calendar years, oldest first, the oldest cut at the start', () => {
    const end = t('2024-01-05');
    const start = historyRangeStart(end, { count: 10, unit: 'Y' });
    const chunks = planHistoryChunks({ barSize: size('1 day'), start, end, useRth: true });
    expect(chunks).toHaveLength(10);
    expect(describeChunks(chunks.slice(0, 2))).toEqual([
      '2014-01-05 .. 2015-01-05 1 Y',
      '2015-01-05 .. 2016-01-05 1 Y',
    ]);
    expect(formatTime(chunks.at(-1)!.end)).toBe('2024-01-05');
  });

  it('cuts a partial oldest chunk at the range start but asks for the full step', () => {
    const end = t('2024-01-05');
    const chunks = planHistoryChunks({ barSize: size('1 day'), start: t('2022-07-01'), end, useRth: true });
    expect(describeChunks(chunks)).toEqual(['2022-07-01 .. 2023-01-05 1 Y', '2023-01-05 .. 2024-01-05 1 Y']);
  });

  it('ends day-based chunks at midnight, the newest covering the day so far', () => {
    const chunks = planHistoryChunks({
      barSize: size('1 min'),
      start: t('2024-01-08'),
      end: t('2024-01-10 12:00'),
      useRth: true,
    });
    expect(describeChunks(chunks)).toEqual([
      '2024-01-08 .. 2024-01-09 1 D',
      '2024-01-09 .. 2024-01-10 1 D',
      '2024-01-10 .. 2024-01-10 12:00:00 1 D',
    ]);
  });

  it('leaves out weekend days and, for second-based steps, the hours outside the session', () => {
    // Friday to Tuesday: Saturday and Sunday have no session.
    const minutes = planHistoryChunks({
      barSize: size('1 min'),
      start: t('2024-01-05'),
      end: t('2024-01-09'),
      useRth: true,
    });
    expect(describeChunks(minutes).map((c) => c.slice(0, 10))).toEqual(['2024-01-05', '2024-01-08']);
    const fiveSeconds = planHistoryChunks({
      barSize: size('5 secs'),
      start: t('2024-01-08'),
      end: t('2024-01-09'),
      useRth: true,
    });
    // 09:00–10:00 (from 09:30) through 15:00–16:00.
    expect(fiveSeconds.map((c) => formatTime(c.start).slice(11, 16))).toEqual([
      '09:00',
      '10:00',
      '11:00',
      '12:00',
      '13:00',
      '14:00',
      '15:00',
    ]);
    const extended = planHistoryChunks({
      barSize: size('5 secs'),
      start: t('2024-01-08'),
      end: t('2024-01-09'),
      useRth: false,
    });
    expect(extended).toHaveLength(16); // 04:00–20:00
  });

  it('plans nothing for an empty range', () => {
    expect(planHistoryChunks({ barSize: size('1 day'), start: 10, end: 10, useRth: true })).toEqual([]);
  });

  it('covers every session moment of the range exactly once, in order, within the step (property)', () => {
    const sizes = BAR_SIZE_NAMES.map(size);
    const from = t('2019-01-01');
    fc.assert(
      fc.property(
        fc.constantFrom(...sizes),
        fc.integer({ min: 0, max: 4 * 365 }),
        fc.integer({ min: 1, max: 3_000 }),
        fc.boolean(),
        (barSize, startDay, bars, useRth) => {
          const end = completeBarsEnd(from + startDay * MS_PER_DAY + 13.25 * HOUR, barSize, useRth);
          const start = firstBarStart(end - bars * barSize.ms, barSize);
          const chunks = planHistoryChunks({ barSize, start, end, useRth });
          for (let i = 0; i < chunks.length; i++) {
            const c = chunks[i]!;
            expect(c.start).toBeGreaterThanOrEqual(start);
            expect(c.end).toBeLessThanOrEqual(end);
            expect(c.end).toBeGreaterThan(c.start);
            expect(c.end - c.start).toBeLessThanOrEqual(maxSpan(barSize));
            if (i > 0) expect(c.start).toBeGreaterThanOrEqual(chunks[i - 1]!.end);
            if (chunkStep(barSize).kind !== 'seconds' && i < chunks.length - 1) expect(c.end % MS_PER_DAY).toBe(0);
          }
          // Every bar period of a weekday session inside the range lies in exactly one chunk.
          const open = useRth ? 9.5 * HOUR : 4 * HOUR;
          const close = useRth ? 16 * HOUR : 20 * HOUR;
          const step = Math.max(barSize.ms, Math.floor((end - start) / 500 / barSize.ms) * barSize.ms);
          for (let time = start; time < end; time += step) {
            const ms = time - dayNumber(time) * MS_PER_DAY;
            const inSession = barSize.daily || (!isWeekend(dayNumber(time)) && ms >= open && ms < close);
            if (!inSession) continue;
            const holders = chunks.filter((c) => time >= c.start && time < c.end);
            expect(holders).toHaveLength(1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('range helpers', () => {
  it('reads IB durations', () => {
    expect(parseHistoryDuration('10 Y')).toEqual({ count: 10, unit: 'Y' });
    expect(parseHistoryDuration(' 3600 s ')).toEqual({ count: 3600, unit: 'S' });
    for (const bad of ['', '10', 'Y', '0 D', '-1 D', '1.5 W', '10 years'])
      expect(parseHistoryDuration(bad)).toBeUndefined();
  });

  it('goes back in calendar time', () => {
    const end = t('2024-03-31 16:00');
    expect(formatTime(historyRangeStart(end, { count: 3600, unit: 'S' }))).toBe('2024-03-31 15:00:00');
    expect(formatTime(historyRangeStart(end, { count: 2, unit: 'D' }))).toBe('2024-03-29 16:00:00');
    expect(formatTime(historyRangeStart(end, { count: 1, unit: 'W' }))).toBe('2024-03-24 16:00:00');
    expect(formatTime(historyRangeStart(end, { count: 1, unit: 'M' }))).toBe('2024-03-02 16:00:00'); // 31 Feb rolls on
    expect(formatTime(historyRangeStart(t('2024-02-29'), { count: 1, unit: 'Y' }))).toBe('2023-03-01');
  });

  it('goes back to the year it reaches, not 1900 years later for years below 100', () => {
    const end = t('2024-03-31');
    expect(new Date(historyRangeStart(end, { count: 1950, unit: 'Y' })).getUTCFullYear()).toBe(74);
    expect(new Date(historyRangeStart(end, { count: 1950 * 12, unit: 'M' })).getUTCFullYear()).toBe(74);
  });

  it('ends at the last complete bar: intraday at its period start, daily after a finished session', () => {
    expect(formatTime(completeBarsEnd(t('2024-01-05 10:07:30'), size('5 mins'), true))).toBe('2024-01-05 10:05:00');
    expect(formatTime(completeBarsEnd(t('2024-01-05 10:07:30'), size('1 day'), true))).toBe('2024-01-05');
    expect(formatTime(completeBarsEnd(t('2024-01-05 16:00'), size('1 day'), true))).toBe('2024-01-06');
    expect(formatTime(completeBarsEnd(t('2024-01-05 16:00'), size('1 day'), false))).toBe('2024-01-05');
    expect(formatTime(completeBarsEnd(t('2024-01-05'), size('1 day'), true))).toBe('2024-01-05');
    expect(formatTime(firstBarStart(t('2024-01-05 10:07:30'), size('5 mins')))).toBe('2024-01-05 10:10:00');
  });
});
