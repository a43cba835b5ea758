import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvDataError } from '../../src/data/csv-data-error.js';
import { loadBarFile } from '../../src/data/load-bar-file.js';
import { parseTime } from '../../src/domain/time.js';
import { BAD_CSV_CASES } from './bad-csv-cases.js';
import { HEADER, MIXED_ROWS } from './csv-fixtures.js';
import { useTempDir } from './temp-dir.js';

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

  it('reads fields quoted as RFC 4180 writers quote every field, and refuses bad text inside quotes', () => {
    const text =
      '"date","open","high","low","close","volume"\n' +
      '"2024-01-02 09:30","10",  "11" ,"9.5","10.5","1000"\n' +
      '" 2024-01-03 09:30:00 ","1.5e1","16","14","15.25",2000\n';
    const { series } = load(text);
    expect([...series.time]).toEqual([Date.UTC(2024, 0, 2, 9, 30), Date.UTC(2024, 0, 3, 9, 30)]);
    expect([...series.open]).toEqual([10, 15]);
    expect([...series.high]).toEqual([11, 16]);
    expect([...series.close]).toEqual([10.5, 15.25]);
    expect([...series.volume]).toEqual([1000, 2000]);
    expect(() => load('date,open,high,low,close,volume\n"2024-02-30",1,1,1,1,0\n')).toThrow(
      /not a calendar date|2024-02-30/,
    );
    expect(() => load('date,open,high,low,close,volume\n2024-01-02,"1x",1,1,1,0\n')).toThrow(/open is not a number/);
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
    it.each(BAD_CSV_CASES)('$name', ({ text, message }) => {
      expect(failure(text)).toBe(message);
    });

    it('a file that cannot be read', () => {
      const path = join(dir.path(), 'missing.csv');
      expect(() => loadBarFile(path, 'M')).toThrow(`${path}: cannot read the file (ENOENT)`);
    });
  });

  describe('skipBadRows', () => {
    it('skips and reports bad rows, including duplicate and backward stamps, and keeps the rest', () => {
      const file = dir.write('X.csv', MIXED_ROWS);
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
