import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvDataError } from '../../src/data/csv-data-error.js';
import { loadBarFile } from '../../src/data/load-bar-file.js';
import { parseTime } from '../../src/domain/time.js';
import { useTempDir } from './temp-dir.js';

const HEADER = 'date,open,high,low,close,volume';

describe('loadBarFile', () => {
  const dir = useTempDir();

  function load(text: string, skipBadRows = false) {
    return loadBarFile(dir.write('X.csv', text), 'X', { skipBadRows });
  }

  function failure(text: string): string {
    const file = dir.write('X.csv', text);
    try {
      loadBarFile(file, 'X');
    } catch (error) {
      expect(error).toBeInstanceOf(CsvDataError);
      return (error as Error).message.replace(file, 'X.csv');
    }
    throw new Error('expected the load to fail');
  }

  it('reads columns into a BarSeries with UTC-midnight stamps for dates', () => {
    const { series, skipped } = load(`${HEADER}\n2024-01-02,10,11,9.5,10.5,1000\n2024-01-03,10.5,12,10,11.75,2500\n`);
    expect(skipped).toEqual([]);
    expect(series.symbol).toBe('X');
    expect(series.length).toBe(2);
    expect([...series.time]).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)]);
    expect([...series.open]).toEqual([10, 10.5]);
    expect([...series.high]).toEqual([11, 12]);
    expect([...series.low]).toEqual([9.5, 10]);
    expect([...series.close]).toEqual([10.5, 11.75]);
    expect([...series.volume]).toEqual([1000, 2500]);
  });

  it('accepts header names in any case and order, spaces, extra columns, BOM, CRLF and trailing blank lines', () => {
    const text =
      '\uFEFF Close , Volume,Adj Close, DateTime ,OPEN,High,Low\r\n' +
      ' 10.5 , 1000 ,10.1,2024-01-02 09:30:00,10,11,9.5\r\n' +
      '11,2000,10.9,2024-01-02T09:31,10.5,11.5,10.25\r\n' +
      '\r\n   \r\n\r\n';
    const { series } = load(text);
    expect(series.length).toBe(2);
    expect([...series.time]).toEqual([Date.UTC(2024, 0, 2, 9, 30), Date.UTC(2024, 0, 2, 9, 31)]);
    expect([...series.close]).toEqual([10.5, 11]);
    expect([...series.open]).toEqual([10, 10.5]);
    expect([...series.volume]).toEqual([1000, 2000]);
  });

  it.each([
    ['date', '2024-03-05', Date.UTC(2024, 2, 5)],
    ['datetime', '2024-03-05 15:59:59', Date.UTC(2024, 2, 5, 15, 59, 59)],
    ['time', '2024-03-05T00:00:01', Date.UTC(2024, 2, 5, 0, 0, 1)],
    ['timestamp', '2024-02-29T23:59', Date.UTC(2024, 1, 29, 23, 59)],
  ])('reads a %s column stamped %s', (name, stamp, expected) => {
    const { series } = load(`${name},open,high,low,close,volume\n${stamp},1,1,1,1,0`);
    expect(series.time[0]).toBe(expected);
    expect(series.time[0]).toBe(parseTime(stamp));
  });

  it('reads exponents and long digit strings exactly as parseFloat does', () => {
    const { series } = load(
      `${HEADER}\n2024-01-02,1.5e1,2E+1,1.00000000000000000000001,15.0000000000000000001,12345678901234567890\n`,
    );
    expect(series.open[0]).toBe(15);
    expect(series.high[0]).toBe(20);
    expect(series.low[0]).toBe(Number.parseFloat('1.00000000000000000000001'));
    expect(series.close[0]).toBe(Number.parseFloat('15.0000000000000000001'));
    expect(series.volume[0]).toBe(Number.parseFloat('12345678901234567890'));
  });

  describe('errors name the file, the line and the problem', () => {
    it('missing column, with the header found', () => {
      expect(failure('date,open,high,low,close\n2024-01-02,1,1,1,1\n')).toBe(
        'X.csv:1: missing column "volume" (header found: date,open,high,low,close)',
      );
    });

    it('several missing columns, including the date', () => {
      expect(failure('Day,Open,High,Low,Close\n')).toBe(
        'X.csv:1: missing columns "date" (or "datetime", "timestamp", "time"), "volume" ' +
          '(header found: Day,Open,High,Low,Close)',
      );
    });

    it('a column named twice', () => {
      expect(failure('date,open,high,low,close,volume,close\n')).toBe(
        'X.csv:1: column "close" appears twice in the header: date,open,high,low,close,volume,close',
      );
    });

    it('non-numeric value, naming the column and the text', () => {
      expect(failure(`${HEADER}\n2024-01-02,1,1,1,1,1\n2024-01-03,1,1,1,abc,1\n`)).toBe(
        'X.csv:3: close is not a number: "abc"',
      );
      expect(failure(`${HEADER}\n2024-01-02,1,,1,1,1\n`)).toBe('X.csv:2: high is not a number: ""');
      expect(failure(`${HEADER}\n2024-01-02,1,1,1,1,12abc\n`)).toBe('X.csv:2: volume is not a number: "12abc"');
      expect(failure(`${HEADER}\n2024-01-02,NaN,1,1,1,1\n`)).toBe('X.csv:2: open is not a number: "NaN"');
      expect(failure(`${HEADER}\n2024-01-02,1,1e999,1,1,1\n`)).toBe('X.csv:2: high is not a number: "1e999"');
    });

    it('negative price or volume', () => {
      expect(failure(`${HEADER}\n2024-01-02,1,1,1,1,-5\n`)).toBe('X.csv:2: volume -5 is negative');
      expect(failure(`${HEADER}\n2024-01-02,-1,1,-2,1,5\n`)).toBe('X.csv:2: open -1 is negative');
    });

    it('high below low', () => {
      expect(failure(`${HEADER}\n2024-01-02,11,10.5,11.2,11,5\n`)).toBe('X.csv:2: high 10.5 is below low 11.2');
    });

    it('open or close outside [low, high]', () => {
      expect(failure(`${HEADER}\n2024-01-02,12,11.5,11.2,11.3,5\n`)).toBe(
        'X.csv:2: open 12 is outside [low 11.2, high 11.5]',
      );
      expect(failure(`${HEADER}\n2024-01-02,11.3,11.5,11.2,11.1,5\n`)).toBe(
        'X.csv:2: close 11.1 is outside [low 11.2, high 11.5]',
      );
    });

    it('malformed date', () => {
      const expected = (text: string): string =>
        `X.csv:2: date "${text}" is malformed: expected YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or YYYY-MM-DDTHH:MM[:SS]`;
      for (const stamp of ['2024/01/02', '02-01-2024', '2024-1-2', '2024-01-02 9:30', '2024-01-02 24:00:00', 'x']) {
        expect(failure(`${HEADER}\n${stamp},1,1,1,1,1\n`)).toBe(expected(stamp));
      }
      expect(failure(`${HEADER}\n2024-01-02 09:60,1,1,1,1,1\n`)).toBe(expected('2024-01-02 09:60'));
      expect(failure(`${HEADER}\n2024-01-02Z,1,1,1,1,1\n`)).toBe(expected('2024-01-02Z'));
    });

    it('calendar-invalid date', () => {
      expect(failure(`${HEADER}\n2023-02-29,1,1,1,1,1\n`)).toBe('X.csv:2: date "2023-02-29" is not a calendar date');
      expect(failure(`${HEADER}\n2024-13-01,1,1,1,1,1\n`)).toBe('X.csv:2: date "2024-13-01" is not a calendar date');
      expect(failure(`${HEADER}\n2024-04-31 10:00:00,1,1,1,1,1\n`)).toBe(
        'X.csv:2: date "2024-04-31 10:00:00" is not a calendar date',
      );
    });

    it('duplicate timestamp', () => {
      expect(failure(`${HEADER}\n2024-01-02,1,1,1,1,1\n2024-01-03,1,1,1,1,1\n2024-01-03,1,1,1,1,1\n`)).toBe(
        'X.csv:4: duplicate timestamp 2024-01-03 (line 3 has the same)',
      );
    });

    it('timestamps going backwards', () => {
      expect(failure(`${HEADER}\n2024-01-02 10:00,1,1,1,1,1\n2024-01-02 09:59,1,1,1,1,1\n`)).toBe(
        'X.csv:3: timestamp 2024-01-02 09:59:00 goes backwards (line 2 has 2024-01-02 10:00:00)',
      );
    });

    it('a row with too few fields', () => {
      expect(failure(`${HEADER}\n2024-01-02,1,1,1,1\n`)).toBe('X.csv:2: the row has 5 fields but the header has 6');
    });

    it('empty file and header only', () => {
      expect(failure('')).toBe('X.csv:1: the file is empty (no header line)');
      expect(failure('\uFEFF\r\n  \n')).toBe('X.csv:1: the file is empty (no header line)');
      expect(failure(`${HEADER}\n`)).toBe('X.csv:1: the file has a header but no data rows');
      expect(failure(`${HEADER}\r\n\r\n`)).toBe('X.csv:1: the file has a header but no data rows');
    });

    it('a file that cannot be read', () => {
      const path = join(dir.path(), 'missing.csv');
      expect(() => loadBarFile(path, 'M')).toThrow(`${path}: cannot read the file (ENOENT)`);
    });
  });

  describe('skipBadRows', () => {
    it('skips and reports bad rows, including duplicate and backward stamps, and keeps the rest', () => {
      const text = [
        HEADER,
        '2024-01-02,1,1,1,1,1',
        '2024-01-03,1,x,1,1,1',
        '2024-01-03,2,2,2,2,2',
        '2024-01-03,3,3,3,3,3',
        '2024-01-01,4,4,4,4,4',
        '2024-02-30,5,5,5,5,5',
        '2024-01-04,5,5,4,6,5',
        '2024-01-05,6,6,6,6,6',
      ].join('\n');
      const file = dir.write('X.csv', text);
      const { series, skipped } = loadBarFile(file, 'X', { skipBadRows: true });
      expect([...series.close]).toEqual([1, 2, 6]);
      expect(skipped).toEqual([
        { file, line: 3, reason: 'high is not a number: "x"' },
        { file, line: 5, reason: 'duplicate timestamp 2024-01-03 (line 4 has the same)' },
        { file, line: 6, reason: 'timestamp 2024-01-01 goes backwards (line 4 has 2024-01-03)' },
        { file, line: 7, reason: 'date "2024-02-30" is not a calendar date' },
        { file, line: 8, reason: 'close 6 is outside [low 4, high 5]' },
      ]);
    });

    it('still fails on a missing column or an empty file', () => {
      expect(() => load('date,open,high,low,close\n2024-01-02,1,1,1,1\n', true)).toThrow('missing column "volume"');
      expect(() => load('', true)).toThrow('the file is empty');
    });
  });
});
