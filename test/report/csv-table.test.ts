import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvRows, readCsvTable } from '../../src/report/csv-table.js';

const work = mkdtempSync(join(tmpdir(), 'ets-csv-table-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('csvRows', () => {
  it('reads the rows readCsvTable reads, a chunk at a time, across chunk ends, CRLF, quotes and blank lines', () => {
    const file = join(work, 'fills.csv');
    const lines = ['time,symbol,reason'];
    // some 2.5 MB: rows and multi-byte characters fall across the 1 MB chunks
    for (let i = 0; i < 40_000; i++) {
      lines.push(
        i % 1000 === 7
          ? ''
          : `2024-01-02 09:${String(i % 60).padStart(2, '0')}:00,S${i},"a ""quoted"", séance ${'x'.repeat(i % 40)}"`,
      );
    }
    writeFileSync(file, lines.join('\r\n'));
    const table = readCsvTable(file, ['symbol']);
    const rows = [...csvRows(file, ['symbol'])].map((row) => [
      row.text('time'),
      row.text('symbol'),
      row.text('reason'),
    ]);
    expect(rows).toEqual(table.rows);
    expect(rows.length).toBe(39_960);
  });

  it('names the file and line of a row of the wrong width, and a missing column, as readCsvTable does', () => {
    const file = join(work, 'bad.csv');
    writeFileSync(file, 'a,b\n1,2\n\n3\n');
    expect(() => [...csvRows(file)]).toThrow(`${file}:4: 1 fields; expected 2 (a,b)`);
    expect(() => [...csvRows(file, ['c'])]).toThrow(`${file}:1: missing column "c"; expected c`);
    expect(() => readCsvTable(file, ['c'])).toThrow(`${file}:1: missing column "c"; expected c`);
  });
});
