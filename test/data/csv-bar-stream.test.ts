import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarWindow } from '../../src/data/bar-window.js';
import { CsvBarStream, type CsvBarStreamOptions } from '../../src/data/csv-bar-stream.js';
import { CsvDataError } from '../../src/data/csv-data-error.js';
import { generateMinuteSeries } from '../../src/data/generate-minute-series.js';
import { loadBarDirectory } from '../../src/data/load-bar-directory.js';
import { loadBarFile } from '../../src/data/load-bar-file.js';
import { writeBarCsv } from '../../src/data/write-bar-csv.js';
import type { BarSeries } from '../../src/domain/bar.js';
import { BAD_CSV_CASES } from './bad-csv-cases.js';
import { HEADER, MIXED_ROWS, THREE_DAYS } from './csv-fixtures.js';
import { csvTextArbitrary } from './csv-text-arbitrary.js';
import { useTempDir } from './temp-dir.js';

type Row = readonly [number, number, number, number, number, number];

/** What a reader produced: its bars in order, then the error that stopped it (if any). */
interface Outcome {
  readonly bars: Row[];
  readonly error: string | null;
}

function rowsOf(series: BarSeries): Row[] {
  return Array.from(
    { length: series.length },
    (_, i) =>
      [series.time[i]!, series.open[i]!, series.high[i]!, series.low[i]!, series.close[i]!, series.volume[i]!] as const,
  );
}

function errorText(error: unknown): string {
  if (!(error instanceof CsvDataError)) throw error;
  return error.message;
}

/** Every bar of a stream (fields read through the cursor) and the error it ended with. */
function drain(path: string, options: CsvBarStreamOptions = {}): Outcome {
  const bars: Row[] = [];
  let stream: CsvBarStream;
  try {
    stream = new CsvBarStream(path, 'X', options);
  } catch (error) {
    return { bars, error: errorText(error) };
  }
  try {
    while (!stream.done) {
      bars.push([stream.time, stream.open, stream.high, stream.low, stream.close, stream.volume]);
      expect(stream.count).toBe(bars.length);
      stream.advance();
    }
  } catch (error) {
    return { bars, error: errorText(error) };
  }
  expect(Number.isNaN(stream.time) && Number.isNaN(stream.close)).toBe(true);
  return { bars, error: null };
}

function load(path: string, skipBadRows = false): Outcome {
  try {
    return { bars: rowsOf(loadBarFile(path, 'X', { skipBadRows }).series), error: null };
  } catch (error) {
    return { bars: [], error: errorText(error) };
  }
}

/** Bit-for-bit equality of bar lists (toEqual would take 0 and -0 as equal), reporting the first difference. */
function expectSameRows(actual: readonly Row[], expected: readonly Row[]): void {
  expect(actual.length).toBe(expected.length);
  const i = actual.findIndex((row, k) => row.some((v, f) => !Object.is(v, expected[k]![f])));
  expect(i === -1 ? null : { index: i, actual: actual[i], expected: expected[i] }).toBeNull();
}

const chunkSizes = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constantFrom(97, 256, 4096, 1 << 20));
/** A first read smaller than the chunks, or none. */
const firstChunkSizes = fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined });

describe('CsvBarStream', () => {
  const dir = useTempDir();

  it('yields exactly the bars loadBarFile loads, and the same skipped rows, whatever the chunk size', () => {
    fc.assert(
      fc.property(csvTextArbitrary({ badRowRate: 0.08 }), chunkSizes, firstChunkSizes, (text, chunkBytes, first) => {
        const path = dir.write('X.csv', text);
        const loaded = (() => {
          try {
            return loadBarFile(path, 'X', { skipBadRows: true });
          } catch (error) {
            return errorText(error);
          }
        })();
        const stream = (() => {
          try {
            return new CsvBarStream(path, 'X', { skipBadRows: true, chunkBytes, firstChunkBytes: first });
          } catch (error) {
            return errorText(error);
          }
        })();
        if (typeof loaded === 'string' || typeof stream === 'string') {
          // Only file-level problems (header, empty file) fail with skipBadRows, and then both fail alike.
          expect(stream).toEqual(loaded);
          return;
        }
        const bars: Row[] = [];
        while (!stream.done) {
          bars.push([stream.time, stream.open, stream.high, stream.low, stream.close, stream.volume]);
          stream.advance();
        }
        expectSameRows(bars, rowsOf(loaded.series));
        expect(stream.skipped).toEqual(loaded.skipped);
      }),
      { numRuns: 400 },
    );
  });

  it('reads files one after another through one window and one buffer as it reads each on its own', () => {
    fc.assert(
      fc.property(
        fc.array(csvTextArbitrary({ badRowRate: 0.05 }), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 1, max: 4096 }),
        (texts, chunkBytes) => {
          const paths = texts.map((text, k) => dir.write(`F${k}.csv`, text));
          const shared = { window: new BarWindow(0), readBuffer: Buffer.alloc(chunkBytes) };
          for (const path of paths) {
            const alone = drain(path, { chunkBytes });
            const outcome = drain(path, shared);
            expectSameRows(outcome.bars, alone.bars);
            expect(outcome.error).toBe(alone.error);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('without skipBadRows delivers the bars before the first bad row, then fails as the loader does', () => {
    fc.assert(
      fc.property(csvTextArbitrary({ badRowRate: 0.05 }), chunkSizes, firstChunkSizes, (text, chunkBytes, first) => {
        const path = dir.write('X.csv', text);
        const loaded = load(path);
        const streamed = drain(path, { chunkBytes, firstChunkBytes: first });
        expect(streamed.error).toBe(loaded.error);
        if (loaded.error === null) {
          expectSameRows(streamed.bars, loaded.bars);
          return;
        }
        // The bars before the failing line are those of the file cut just before it.
        const line = Number(/:(\d+): /.exec(loaded.error)![1]);
        const before = load(
          dir.write(
            'X.csv',
            `${text
              .split('\n')
              .slice(0, line - 1)
              .join('\n')}\n`,
          ),
        );
        expectSameRows(streamed.bars, before.bars);
      }),
      { numRuns: 400 },
    );
  });

  describe('fails with the loader messages, when it reaches the bad row', () => {
    it.each(BAD_CSV_CASES)('$name', ({ text, message, barsBefore }) => {
      const path = dir.write('X.csv', text);
      for (const chunkBytes of [1, 7, 1 << 20]) {
        const streamed = drain(path, { chunkBytes });
        expect(streamed.error?.replace(path, 'X.csv')).toBe(message);
        expect(streamed.bars).toHaveLength(barsBefore);
      }
    });

    it('a bad row deep in a chunk already read comes after every bar before it, and again on each advance', () => {
      const two = (n: number): string => String(n).padStart(2, '0');
      const rows = Array.from(
        { length: 1000 },
        (_, i) => `2024-01-02 ${two(Math.floor(i / 60))}:${two(i % 60)}:00,1,2,1,2,3`,
      );
      // The whole file fits in the first chunk: the error is found while the stream stands on its first bar.
      const path = dir.write('X.csv', `${HEADER}\n${rows.join('\n')}\n2024-01-03,1,1,1,x,1\n2024-01-04,1,1,1,1,1\n`);
      const stream = new CsvBarStream(path, 'X');
      for (let i = 0; i < 1000; i++) {
        expect(stream.done).toBe(false);
        expect(stream.time).toBe(Date.UTC(2024, 0, 2, Math.floor(i / 60), i % 60));
        if (i < 999) stream.advance();
      }
      const expected = `${path}:1002: close is not a number: "x"`;
      expect(() => {
        stream.advance();
      }).toThrow(expected);
      expect(stream.done).toBe(true);
      expect(() => {
        stream.advance();
      }).toThrow(expected);
      expect(stream.count).toBe(1000);
    });
  });

  it('reports skipped rows as the loader does', () => {
    const path = dir.write('X.csv', MIXED_ROWS);
    const stream = new CsvBarStream(path, 'X', { skipBadRows: true, chunkBytes: 16 });
    const closes: number[] = [];
    while (!stream.done) {
      closes.push(stream.close);
      stream.advance();
    }
    expect(closes).toEqual([1, 2, 6]);
    expect(stream.skipped).toEqual(loadBarFile(path, 'X', { skipBadRows: true }).skipped);
    expect(stream.skipped.map((row) => row.line)).toEqual([3, 5, 6, 7, 8]);
  });

  describe('start and end', () => {
    it('keeps the bars loadBarDirectory keeps for the same bounds', () => {
      fc.assert(
        fc.property(
          csvTextArbitrary({ maxRows: 40 }),
          fc.option(fc.nat()),
          fc.option(fc.nat()),
          chunkSizes,
          (text, startPick, endPick, chunkBytes) => {
            const path = dir.write('X.csv', text);
            const all = load(path);
            if (all.error !== null || all.bars.length === 0) return;
            const times = all.bars.map((row) => row[0]);
            // Bounds on bar times and between them; an end at midnight covers its whole day.
            const bound = (pick: number | null): number | undefined =>
              pick === null ? undefined : times[pick % times.length]! + ((pick >> 8) % 3) * 30_000 - 30_000;
            let start = bound(startPick);
            let end = bound(endPick);
            if (start !== undefined && end !== undefined && start > end) [start, end] = [end, start];
            const options = { ...(start !== undefined && { start }), ...(end !== undefined && { end }) };
            const expected = rowsOf(loadBarDirectory(dir.path(), { ...options, symbols: ['X'] }).series[0]!);
            const streamed = drain(path, { ...options, chunkBytes });
            expect(streamed.error).toBeNull();
            expectSameRows(streamed.bars, expected);
          },
        ),
        { numRuns: 300 },
      );
    });

    it('checks the rows before start but never reads past the first bar after end', () => {
      const text = `${THREE_DAYS}broken row\n`;
      const path = dir.write('X.csv', text);
      expect(drain(path, { end: '2024-01-03' })).toEqual({
        bars: [
          [Date.UTC(2024, 0, 2), 1, 1, 1, 1, 1],
          [Date.UTC(2024, 0, 3), 2, 2, 2, 2, 2],
        ],
        error: null,
      });
      const badEarly = dir.write(
        'X.csv',
        `${HEADER}\n2024-01-02,1,9,1,1,1\n2024-01-01,2,2,2,2,2\n2024-01-03,3,3,3,3,3\n`,
      );
      expect(drain(badEarly, { start: '2024-01-03' }).error).toBe(
        `${badEarly}:3: timestamp 2024-01-01 goes backwards (line 2 has 2024-01-02)`,
      );
    });

    it('ends at once when every bar is before start, and rejects a start after the end', () => {
      const path = dir.write('X.csv', `${HEADER}\n2024-01-02,1,1,1,1,1\n`);
      const stream = new CsvBarStream(path, 'X', { start: '2025-01-01' });
      expect(stream.done).toBe(true);
      expect(stream.count).toBe(0);
      expect(() => new CsvBarStream(path, 'X', { start: '2024-01-04', end: '2024-01-03' })).toThrow(
        'start 2024-01-04 is after end 2024-01-03',
      );
    });
  });

  it('streams a million-row-sized file in constant memory chunks, equal to the loader', () => {
    const minutes = generateMinuteSeries({ bars: 60_000, seed: 11 });
    const path = join(dir.path(), 'SYNM.csv');
    writeBarCsv(path, minutes);
    const streamed = drain(path, { chunkBytes: 64 << 10 });
    expectSameRows(streamed.bars, rowsOf(minutes));
  });

  it('reads a line longer than the chunk', () => {
    const wide = 'x'.repeat(100_000);
    const path = dir.write(
      'W.csv',
      `date,open,high,low,close,volume,note\n2024-01-02,1,2,1,2,10,${wide}\n2024-01-03,2,3,2,3,20,short`,
    );
    const streamed = drain(path, { chunkBytes: 1000 });
    expect(streamed.bars.map((row) => row[4])).toEqual([2, 3]);
  });

  it('names the file it cannot read, at open or when a later chunk is due', () => {
    const missing = join(dir.path(), 'missing.csv');
    expect(() => new CsvBarStream(missing, 'M')).toThrow(`${missing}: cannot read the file (ENOENT)`);
    const path = dir.write('X.csv', THREE_DAYS);
    const stream = new CsvBarStream(path, 'X', { chunkBytes: 60 });
    // a released stream opens its file again for the next chunk
    stream.release();
    rmSync(path);
    expect(() => {
      while (!stream.done) stream.advance();
    }).toThrow(`${path}: cannot read the file (ENOENT)`);
  });

  it('rejects a chunk size that is not a whole number of bytes', () => {
    const path = dir.write('X.csv', `${HEADER}\n2024-01-02,1,1,1,1,1\n`);
    expect(() => new CsvBarStream(path, 'X', { chunkBytes: 0 })).toThrow(
      'chunkBytes 0 must be a whole number of bytes ≥ 1',
    );
    expect(() => new CsvBarStream(path, 'X', { chunkBytes: 1.5 })).toThrow('chunkBytes 1.5 must be');
  });

  it.runIf(existsSync('/proc/self/fd'))('holds each file open from its first chunk to its last, not longer', () => {
    const openFiles = (): number => readdirSync('/proc/self/fd').length;
    const paths = Array.from({ length: 300 }, (_, i) => dir.write(`S${i}.csv`, THREE_DAYS));
    const before = openFiles();
    const streams = paths.map((path) => new CsvBarStream(path, 'S', { chunkBytes: 40 }));
    streams.forEach((stream) => {
      stream.advance();
    });
    expect(streams.every((stream) => stream.close === 2)).toBe(true);
    expect(openFiles()).toBe(before + 300);
    streams[0]!.release();
    streams[0]!.release();
    expect(openFiles()).toBe(before + 299);
    for (const stream of streams) while (!stream.done) stream.advance();
    expect(openFiles()).toBe(before);
  });

  it.runIf(existsSync('/proc/self/fd'))('lets go of its file when a bad row ends it', () => {
    const openFiles = (): number => readdirSync('/proc/self/fd').length;
    const path = dir.write('BAD.csv', `${THREE_DAYS}2024-01-01,1,1,1,1,1\n`);
    const before = openFiles();
    const stream = new CsvBarStream(path, 'BAD', { chunkBytes: 40 });
    expect(() => {
      while (!stream.done) stream.advance();
    }).toThrow('goes backwards');
    expect(openFiles()).toBe(before);
  });
});
