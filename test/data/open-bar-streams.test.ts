import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvBarStream } from '../../src/data/csv-bar-stream.js';
import { CsvDataError } from '../../src/data/csv-data-error.js';
import { loadBarDirectory } from '../../src/data/load-bar-directory.js';
import { openBarStreams } from '../../src/data/open-bar-streams.js';
import { formatTime } from '../../src/domain/time.js';
import { DUPLICATE_STAMP, HEADER, writeOrclAndSpy } from './csv-fixtures.js';
import { useTempDir } from './temp-dir.js';

/** Every stream's bar times, formatted. */
function times(streams: readonly CsvBarStream[]): string[][] {
  return streams.map((stream) => {
    const out: string[] = [];
    while (!stream.done) {
      out.push(formatTime(stream.time));
      stream.advance();
    }
    return out;
  });
}

describe('openBarStreams', () => {
  const dir = useTempDir();

  const setUp = (): string => writeOrclAndSpy(dir);

  it('opens every *.csv, symbols upper-cased and sorted, with the bars loadBarDirectory loads', () => {
    const streams = openBarStreams(setUp());
    expect(streams.map((s) => s.symbol)).toEqual(['ORCL', 'SPY']);
    expect(streams.map((s) => s.path)).toEqual([join(dir.path(), 'orcl.csv'), join(dir.path(), 'SPY.csv')]);
    const loaded = loadBarDirectory(dir.path()).series.map((s) => [...s.time].map(formatTime));
    expect(times(streams)).toEqual(loaded);
  });

  it('opens the requested symbols in the requested order, case-insensitively', () => {
    expect(openBarStreams(setUp(), { symbols: ['spy', 'ORCL', 'Spy'] }).map((s) => s.symbol)).toEqual(['SPY', 'ORCL']);
  });

  it('fails as loadBarDirectory does on a missing symbol, directory or CSV file, and on two files for a symbol', () => {
    const path = setUp();
    expect(() => openBarStreams(path, { symbols: ['ORCL', 'NVDA'] })).toThrow(
      new CsvDataError(path, null, `no data file for symbol NVDA (expected ${join(path, 'NVDA.csv')})`),
    );
    const nothing = join(path, 'nothing');
    expect(() => openBarStreams(nothing)).toThrow(`${nothing}: cannot read the data directory (ENOENT)`);
    mkdirSync(join(path, 'empty'));
    dir.write('empty/readme.txt', '');
    expect(() => openBarStreams(join(path, 'empty'))).toThrow('no *.csv files in the data directory');
    dir.write('Orcl.CSV', HEADER);
    expect(() => openBarStreams(path)).toThrow(`${path}: two files for symbol ORCL: Orcl.CSV and orcl.csv`);
  });

  it('raises a header problem when opening, a row problem when the stream reaches it', () => {
    const path = setUp();
    dir.write('BAD.csv', DUPLICATE_STAMP);
    const streams = openBarStreams(path, { symbols: ['BAD'] });
    expect(streams[0]!.close).toBe(1);
    expect(() => {
      streams[0]!.advance();
    }).toThrow(`${join(path, 'BAD.csv')}:3: duplicate timestamp 2024-01-02 (line 2 has the same)`);
    dir.write('EMPTY.csv', HEADER);
    expect(() => openBarStreams(path, { symbols: ['ORCL', 'EMPTY'] })).toThrow(
      `${join(path, 'EMPTY.csv')}:1: the file has a header but no data rows`,
    );
  });

  it('keeps bars inside start and end inclusively; a date as end covers the whole day', () => {
    expect(times(openBarStreams(setUp(), { start: '2024-01-03', end: '2024-01-03' }))).toEqual([
      ['2024-01-03'],
      ['2024-01-03 09:30:00', '2024-01-03 15:59:00'],
    ]);
    expect(times(openBarStreams(setUp(), { symbols: ['SPY'], end: '2024-01-03 09:30' }))).toEqual([
      ['2024-01-03 09:30:00'],
    ]);
    expect(times(openBarStreams(setUp(), { start: '2025-01-01' }))).toEqual([[], []]);
    expect(() => openBarStreams(setUp(), { start: '2024-01-04', end: '2024-01-03' })).toThrow(
      'start 2024-01-04 is after end 2024-01-03',
    );
  });

  it('collects skipped rows per stream with skipBadRows', () => {
    const path = setUp();
    const bad = dir.write('BAD.csv', DUPLICATE_STAMP);
    const streams = openBarStreams(path, { skipBadRows: true });
    expect(streams.map((s) => s.symbol)).toEqual(['BAD', 'ORCL', 'SPY']);
    expect(streams.map((s) => s.skipped)).toEqual([
      [{ file: bad, line: 3, reason: 'duplicate timestamp 2024-01-02 (line 2 has the same)' }],
      [],
      [],
    ]);
  });

  it('reads through one small shared buffer, each stream at its own offset', () => {
    const path = setUp();
    const rows = (symbol: number): string =>
      Array.from(
        { length: 200 },
        (_, i) =>
          `2024-01-02 ${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},${symbol},${symbol},${symbol},${symbol},${i}`,
      ).join('\n');
    for (let s = 1; s <= 3; s++) dir.write(`M${s}.csv`, `${HEADER}\n${rows(s)}\n`);
    const streams = openBarStreams(path, { symbols: ['M1', 'M2', 'M3'], chunkBytes: 100 });
    // Advance the streams in turn, so each read overwrites the buffer the others read before.
    for (let i = 0; i < 200; i++) {
      for (const [s, stream] of streams.entries()) {
        expect([stream.close, stream.volume]).toEqual([s + 1, i]);
        stream.advance();
      }
    }
    expect(streams.every((stream) => stream.done)).toBe(true);
    expect(() => openBarStreams(path, { chunkBytes: -1 })).toThrow('chunkBytes -1 must be a whole number of bytes ≥ 1');
  });

  it('reads each file by its own header: one layout met again, another layout, a bad header after good ones', () => {
    const path = setUp();
    const row = '2024-01-02,1,2,0.5,1.5,100';
    dir.write('A.csv', `${HEADER}\n${row}\n`);
    dir.write('B.csv', `${HEADER}\n${row}\n`);
    // The same columns in another order: their values land in their own places.
    dir.write('C.csv', 'volume,close,low,high,open,date\n100,1.5,0.5,2,1,2024-01-02\n');
    const streams = openBarStreams(path, { symbols: ['A', 'B', 'C'] });
    expect(streams.map((s) => [s.open, s.high, s.low, s.close, s.volume])).toEqual([
      [1, 2, 0.5, 1.5, 100],
      [1, 2, 0.5, 1.5, 100],
      [1, 2, 0.5, 1.5, 100],
    ]);
    const bad = dir.write('D.csv', `\n${HEADER.replace('close', 'open')}\n${row}\n`);
    expect(() => openBarStreams(path, { symbols: ['A', 'D'] })).toThrow(
      new CsvDataError(bad, 2, `column "open" appears twice in the header: ${HEADER.replace('close', 'open')}`),
    );
  });
});
