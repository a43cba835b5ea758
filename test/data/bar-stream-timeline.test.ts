import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarSeriesBuilder } from '../../src/data/bar-series-builder.js';
import { BarStreamTimeline } from '../../src/data/bar-stream-timeline.js';
import { BarTimeline } from '../../src/data/bar-timeline.js';
import { CsvBarStream } from '../../src/data/csv-bar-stream.js';
import { loadBarFile } from '../../src/data/load-bar-file.js';
import { loadBarDirectory } from '../../src/data/load-bar-directory.js';
import { openBarStreams } from '../../src/data/open-bar-streams.js';
import { writeBarCsv } from '../../src/data/write-bar-csv.js';
import { HEADER, THREE_DAYS } from './csv-fixtures.js';
import { HAS_SHARED_DATA, SHARED_DAILY_DIR, sharedDataTitle } from './shared-data.js';
import { useTempDir } from './temp-dir.js';

const DAY = 86_400_000;

/** A member of a slice: its position and its bar's time, open and close. */
type Member = readonly [number, number, number, number];
/** A slice as [time, ...members]. */
type Slice = [number, ...Member[]];

const membersOf = (slice: Slice): Member[] => slice.slice(1) as Member[];

function walkStreams(timeline: BarStreamTimeline): Slice[] {
  const slices: Slice[] = [];
  while (timeline.next()) {
    const slice: Slice = [timeline.time];
    for (let k = 0; k < timeline.size; k++) {
      const s = timeline.streamAt(k);
      const stream = timeline.streams[s] as CsvBarStream;
      slice.push([s, stream.time, stream.open, stream.close]);
    }
    slices.push(slice);
  }
  return slices;
}

describe('BarStreamTimeline', () => {
  const dir = useTempDir();

  /** Writes one file per calendar (days since 2000-01-03, prices from the day and the series) and returns paths. */
  function writeCalendars(calendars: readonly (readonly number[])[]): string[] {
    return calendars.map((days, s) => {
      const builder = new BarSeriesBuilder(`S${s}`, days.length);
      for (const day of days) {
        const price = 10 + s + day / 100;
        builder.push(Date.UTC(2000, 0, 3) + day * DAY, price, price + 1, price - 1, price + 0.5, 100 + day);
      }
      const path = join(dir.path(), `S${s}.csv`);
      writeBarCsv(path, builder.build());
      return path;
    });
  }

  it('equals BarTimeline over the loaded series, slice by slice and bar by bar', () => {
    const calendar = fc
      .uniqueArray(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 50 })
      .map((days) => days.sort((a, b) => a - b));
    fc.assert(
      fc.property(
        fc.array(calendar, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 16, max: 400 }),
        (calendars, chunkBytes) => {
          const paths = writeCalendars(calendars);
          const series = paths.map((path, s) => loadBarFile(path, `S${s}`).series);
          const expected: Slice[] = [];
          const loaded = new BarTimeline(series);
          while (loaded.next()) {
            const slice: Slice = [loaded.time];
            for (let k = 0; k < loaded.size; k++) {
              const s = loaded.seriesAt(k);
              const i = loaded.indexAt(k);
              slice.push([s, series[s]!.time[i]!, series[s]!.open[i]!, series[s]!.close[i]!]);
            }
            expected.push(slice);
          }
          const streams = paths.map((path, s) => new CsvBarStream(path, `S${s}`, { chunkBytes }));
          const timeline = new BarStreamTimeline(streams);
          expect(walkStreams(timeline)).toEqual(expected);
          expect(timeline.bars).toBe(loaded.barCount);
          expect(timeline.next()).toBe(false);
          expect(timeline.time).toBeNaN();
          expect(timeline.size).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('merges uneven calendars with members in stream order inside a slice', () => {
    const paths = writeCalendars([
      [1, 2, 3, 5],
      [2, 3, 4],
      [0, 3, 6],
    ]);
    const timeline = new BarStreamTimeline(paths.map((path) => new CsvBarStream(path, 'S')));
    const members = walkStreams(timeline).map((slice) => [
      (slice[0] - Date.UTC(2000, 0, 3)) / DAY,
      membersOf(slice).map((m) => m[0]),
    ]);
    expect(members).toEqual([
      [0, [2]],
      [1, [0]],
      [2, [0, 1]],
      [3, [0, 1, 2]],
      [4, [1]],
      [5, [0]],
      [6, [2]],
    ]);
  });

  it('walks a single stream, no streams and streams that are done from the start', () => {
    const [path] = writeCalendars([[4, 5, 9]]);
    const single = new BarStreamTimeline([new CsvBarStream(path!, 'S0')]);
    expect(walkStreams(single).map(membersOf)).toEqual([
      [[0, Date.UTC(2000, 0, 7), 10.04, 10.54]],
      [[0, Date.UTC(2000, 0, 8), 10.05, 10.55]],
      [[0, Date.UTC(2000, 0, 12), 10.09, 10.59]],
    ]);
    expect(single.bars).toBe(3);
    expect(new BarStreamTimeline([]).next()).toBe(false);
    const late = new CsvBarStream(path!, 'S0', { start: '2001-01-01' });
    expect(late.done).toBe(true);
    expect(new BarStreamTimeline([late]).next()).toBe(false);
    const mixed = new BarStreamTimeline([late, new CsvBarStream(path!, 'S0')]);
    expect(walkStreams(mixed).map((slice) => membersOf(slice).map((m) => m[0]))).toEqual([[1], [1], [1]]);
  });

  it("raises a stream's data error from next() once the stream reaches the bad row", () => {
    const good = dir.write('A.csv', THREE_DAYS);
    const bad = dir.write('B.csv', `${HEADER}\n2024-01-02,1,1,1,1,1\n2024-01-03,2,2,2,x,2\n`);
    const timeline = new BarStreamTimeline([new CsvBarStream(good, 'A'), new CsvBarStream(bad, 'B')]);
    expect(timeline.next()).toBe(true);
    expect(timeline.size).toBe(2);
    expect(() => timeline.next()).toThrow(`${bad}:3: close is not a number: "x"`);
  });

  describe.runIf(HAS_SHARED_DATA)(sharedDataTitle('on the shared ORCL and NVDA daily bars'), () => {
    it('gives the slices and bars of BarTimeline over the loaded files', () => {
      const symbols = ['NVDA', 'ORCL'];
      const { series } = loadBarDirectory(SHARED_DAILY_DIR, { symbols });
      const loaded = new BarTimeline(series);
      const streams = openBarStreams(SHARED_DAILY_DIR, { symbols, chunkBytes: 4096 });
      const timeline = new BarStreamTimeline(streams);
      let slices = 0;
      let mismatch: string | null = null;
      while (loaded.next()) {
        expect(timeline.next()).toBe(true);
        slices++;
        for (let k = 0; k < loaded.size && mismatch === null; k++) {
          const s = loaded.seriesAt(k);
          const i = loaded.indexAt(k);
          const stream = streams[timeline.streamAt(k)]!;
          const same =
            timeline.streamAt(k) === s &&
            stream.time === series[s]!.time[i] &&
            stream.open === series[s]!.open[i] &&
            stream.close === series[s]!.close[i] &&
            stream.volume === series[s]!.volume[i];
          if (!same) mismatch = `slice ${slices}, member ${k}`;
        }
      }
      expect(mismatch).toBeNull();
      expect(timeline.next()).toBe(false);
      // ORCL 1995-01-03..2014-12-31 (5,036 bars) with NVDA from 1999-01-22 (4,012 bars) on the same days.
      expect([slices, timeline.bars]).toEqual([5036, 9048]);
    });
  });
});
