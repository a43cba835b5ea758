import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvDataError } from '../../src/data/csv-data-error.js';
import { loadBarDirectory } from '../../src/data/load-bar-directory.js';
import { formatTime } from '../../src/domain/time.js';
import { DUPLICATE_STAMP, HEADER, writeOrclAndSpy } from './csv-fixtures.js';
import { useTempDir } from './temp-dir.js';

describe('loadBarDirectory', () => {
  const dir = useTempDir();

  const setUp = (): string => writeOrclAndSpy(dir);

  it('loads every *.csv, symbols upper-cased and sorted', () => {
    const { series, skipped } = loadBarDirectory(setUp());
    expect(series.map((s) => s.symbol)).toEqual(['ORCL', 'SPY']);
    expect(series.map((s) => s.length)).toEqual([3, 3]);
    expect(skipped).toEqual([]);
  });

  it('loads the requested symbols in the requested order, case-insensitively', () => {
    const { series } = loadBarDirectory(setUp(), { symbols: ['spy', 'ORCL'] });
    expect(series.map((s) => s.symbol)).toEqual(['SPY', 'ORCL']);
  });

  it('names the directory and the symbol when a requested file is missing', () => {
    const path = setUp();
    expect(() => loadBarDirectory(path, { symbols: ['ORCL', 'NVDA'] })).toThrow(
      new CsvDataError(path, null, `no data file for symbol NVDA (expected ${join(path, 'NVDA.csv')})`),
    );
    expect(() => loadBarDirectory(path, { symbols: ['NVDA'] })).toThrow(
      `${path}: no data file for symbol NVDA (expected ${join(path, 'NVDA.csv')})`,
    );
  });

  it('fails on a directory that is missing or holds no CSV files', () => {
    const path = join(setUp(), 'nothing');
    expect(() => loadBarDirectory(path)).toThrow(`${path}: cannot read the data directory (ENOENT)`);
    const empty = join(dir.path(), 'empty');
    dir.write('empty.csv', HEADER);
    expect(() => loadBarDirectory(dir.path(), { symbols: ['EMPTY'] })).toThrow(
      `${join(dir.path(), 'empty.csv')}:1: the file has a header but no data rows`,
    );
    expect(empty).toContain('empty');
  });

  it('filters on start and end inclusively; a date as end covers the whole day', () => {
    const { series } = loadBarDirectory(setUp(), { start: '2024-01-03', end: '2024-01-03' });
    expect(series.map((s) => [...s.time].map(formatTime))).toEqual([
      ['2024-01-03'],
      ['2024-01-03 09:30:00', '2024-01-03 15:59:00'],
    ]);
    const intraday = loadBarDirectory(setUp(), { symbols: ['SPY'], end: '2024-01-03 09:30' }).series[0]!;
    expect([...intraday.time].map(formatTime)).toEqual(['2024-01-03 09:30:00']);
    const byNumber = loadBarDirectory(setUp(), { start: Date.UTC(2024, 0, 4), end: Date.UTC(2024, 0, 4) });
    expect(byNumber.series.map((s) => s.length)).toEqual([1, 1]);
    const none = loadBarDirectory(setUp(), { start: '2025-01-01' });
    expect(none.series.map((s) => s.length)).toEqual([0, 0]);
  });

  it('rejects bad bounds', () => {
    expect(() => loadBarDirectory(setUp(), { start: '2024-02-30' })).toThrow(
      'start "2024-02-30" is not a time: expected epoch milliseconds or YYYY-MM-DD[ HH:MM[:SS]]',
    );
    expect(() => loadBarDirectory(setUp(), { start: '2024-01-04', end: '2024-01-03' })).toThrow(
      'start 2024-01-04 is after end 2024-01-03',
    );
  });

  it('collects skipped rows over all files with skipBadRows', () => {
    const path = setUp();
    const bad = dir.write('BAD.csv', DUPLICATE_STAMP);
    const { series, skipped } = loadBarDirectory(path, { skipBadRows: true });
    expect(series.map((s) => s.symbol)).toEqual(['BAD', 'ORCL', 'SPY']);
    expect(skipped).toEqual([{ file: bad, line: 3, reason: 'duplicate timestamp 2024-01-02 (line 2 has the same)' }]);
  });
});
