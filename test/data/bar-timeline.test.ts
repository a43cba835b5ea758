import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarSeriesBuilder } from '../../src/data/bar-series-builder.js';
import { BarTimeline } from '../../src/data/bar-timeline.js';
import type { BarSeries } from '../../src/domain/bar.js';

function seriesAt(symbol: string, times: readonly number[]): BarSeries {
  const builder = new BarSeriesBuilder(symbol, times.length);
  for (const t of times) builder.push(t, 1, 1, 1, 1, 1);
  return builder.build();
}

/** Every slice as [time, [seriesPosition, index]...]. */
function walk(timeline: BarTimeline): [number, ...(readonly [number, number])[]][] {
  const slices: [number, ...(readonly [number, number])[]][] = [];
  while (timeline.next()) {
    const slice: [number, ...(readonly [number, number])[]] = [timeline.time];
    for (let k = 0; k < timeline.size; k++) slice.push([timeline.seriesAt(k), timeline.indexAt(k)]);
    slices.push(slice);
  }
  return slices;
}

/** The obvious merge: sort all (time, series, index) triples. */
function naiveMerge(all: readonly (readonly number[])[]): [number, ...(readonly [number, number])[]][] {
  const triples = all.flatMap((times, s) => times.map((t, i) => [t, s, i] as const));
  triples.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const slices: [number, ...(readonly [number, number])[]][] = [];
  for (const [t, s, i] of triples) {
    const last = slices.at(-1);
    if (last?.[0] === t) last.push([s, i]);
    else slices.push([t, [s, i]]);
  }
  return slices;
}

describe('BarTimeline', () => {
  it('merges uneven calendars into time slices, symbols in series order inside a slice', () => {
    const a = seriesAt('A', [1, 2, 3, 5]);
    const b = seriesAt('B', [2, 3, 4]);
    const c = seriesAt('C', [0, 3, 6]);
    const timeline = new BarTimeline([a, b, c]);
    expect(timeline.barCount).toBe(10);
    expect(walk(timeline)).toEqual([
      [0, [2, 0]],
      [1, [0, 0]],
      [2, [0, 1], [1, 0]],
      [3, [0, 2], [1, 1], [2, 1]],
      [4, [1, 2]],
      [5, [0, 3]],
      [6, [2, 2]],
    ]);
    expect(timeline.next()).toBe(false);
    expect(timeline.time).toBeNaN();
    expect(timeline.size).toBe(0);
  });

  it('keeps series order when a series rejoins a shared calendar after a gap', () => {
    // C skips day 2 and rejoins on day 3 after A and B have queued for it: the slice must still be A, B, C.
    const timeline = new BarTimeline([seriesAt('A', [1, 2, 3]), seriesAt('B', [1, 2, 3]), seriesAt('C', [1, 3])]);
    const order = walk(timeline).map((slice) => slice.slice(1).map((m) => (m as readonly [number, number])[0]));
    expect(order).toEqual([
      [0, 1, 2],
      [0, 1],
      [0, 1, 2],
    ]);
    // And the reverse: A has the gap, so it joins day 3's group last.
    const reversed = new BarTimeline([seriesAt('A', [1, 3]), seriesAt('B', [1, 2, 3]), seriesAt('C', [1, 2, 3])]);
    expect(walk(reversed)).toEqual([
      [1, [0, 0], [1, 0], [2, 0]],
      [2, [1, 1], [2, 1]],
      [3, [0, 1], [1, 2], [2, 2]],
    ]);
  });

  it('handles no series, empty series and reset', () => {
    expect(new BarTimeline([]).next()).toBe(false);
    const timeline = new BarTimeline([seriesAt('E', []), seriesAt('F', [7, 8])]);
    expect(walk(timeline)).toEqual([
      [7, [1, 0]],
      [8, [1, 1]],
    ]);
    timeline.reset();
    expect(walk(timeline)).toHaveLength(2);
  });

  it('walks a single series bar by bar, again after reset', () => {
    const timeline = new BarTimeline([seriesAt('A', [3, 5, 8])]);
    const expected = [
      [3, [0, 0]],
      [5, [0, 1]],
      [8, [0, 2]],
    ];
    expect(walk(timeline)).toEqual(expected);
    expect([timeline.time, timeline.size]).toEqual([Number.NaN, 0]);
    timeline.reset();
    expect(walk(timeline)).toEqual(expected);
    expect(walk(new BarTimeline([seriesAt('E', [])]))).toEqual([]);
  });

  it('equals a sort-based merge for any calendars (many series, large slices, gaps, disjoint days)', () => {
    const calendar = fc
      .uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 40 })
      .map((t) => t.sort((x, y) => x - y));
    fc.assert(
      fc.property(fc.array(calendar, { minLength: 1, maxLength: 45 }), (calendars) => {
        const timeline = new BarTimeline(calendars.map((times, s) => seriesAt(`S${s}`, times)));
        expect(walk(timeline)).toEqual(naiveMerge(calendars));
      }),
      { numRuns: 500 },
    );
  });
});
