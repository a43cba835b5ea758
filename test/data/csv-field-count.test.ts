import { describe, expect, it } from 'vitest';
import { CsvBarStream } from '../../src/data/csv-bar-stream.js';
import { loadBarFile } from '../../src/data/load-bar-file.js';
import { HEADER } from './csv-fixtures.js';
import { useTempDir } from './temp-dir.js';

/** The row of the issue: the volume 16,374,400 written with a thousands separator. */
const SHIFTED_ROW = '1997-05-05,1.479167,1.541667,1.458333,1.500000,1,16374400';

describe('rows have the header’s number of fields', () => {
  const dir = useTempDir();

  it('refuses a row with a thousands separator instead of reading its volume as 1', () => {
    const file = dir.write('X.csv', `${HEADER}\n1997-05-02,1.5,1.6,1.4,1.5,200\n${SHIFTED_ROW}\n`);
    expect(() => loadBarFile(file, 'X')).toThrow(`${file}:3: expected 6 fields, found 7`);
  });

  it('with skipBadRows leaves exactly the miscounted rows out, loader and stream alike, at any chunk size', () => {
    const text = [
      HEADER,
      '2024-01-02,1,1,1,1,1',
      '2024-01-03,2,2,2,2,2,',
      '2024-01-04,3,3,3,3,3',
      '2024-01-05,4,4,4,4',
      '2024-01-08,5,5,5,5,1,500',
      '2024-01-09,6,6,6,6,6',
    ].join('\r\n');
    const file = dir.write('X.csv', text);
    const { series, skipped } = loadBarFile(file, 'X', { skipBadRows: true });
    expect([...series.close]).toEqual([1, 3, 6]);
    expect(skipped).toEqual([
      { file, line: 3, reason: 'expected 6 fields, found 7' },
      { file, line: 5, reason: 'expected 6 fields, found 5' },
      { file, line: 6, reason: 'expected 6 fields, found 7' },
    ]);
    for (const chunkBytes of [1, 5, 64, 1 << 16]) {
      const stream = new CsvBarStream(file, 'X', { skipBadRows: true, chunkBytes });
      const closes: number[] = [];
      while (!stream.done) {
        closes.push(stream.close);
        stream.advance();
      }
      expect(closes).toEqual([1, 3, 6]);
      expect(stream.skipped).toEqual(skipped);
    }
  });

  it('counts a quoted field with commas as one field, in the header and in rows', () => {
    const text =
      'date,"Name, long",open,high,low,close,volume,"note"\n' +
      '2024-01-02,"Apple, Inc.",1,2,1,2,3,"said ""hi, there"""\n' +
      '2024-01-03, "A, B" ,2,3,2,3,4,""\n';
    const { series } = loadBarFile(dir.write('X.csv', text), 'X');
    expect([...series.close]).toEqual([2, 3]);
    expect([...series.volume]).toEqual([3, 4]);
  });

  it('names the count, not a shifted value, when a row with a quoted comma has a field too many', () => {
    const file = dir.write('X.csv', `date,name,open,high,low,close,volume\n2024-01-02,Apple, Inc.,1,2,1,2,3\n`);
    expect(() => loadBarFile(file, 'X')).toThrow(`${file}:2: expected 7 fields, found 8`);
  });
});
