import { describe, expect, it } from 'vitest';
import { CsvDataError } from '../../src/data/csv-data-error.js';

describe('CsvDataError', () => {
  it('keeps a short reason as it is', () => {
    expect(new CsvDataError('A.csv', 3, 'volume -5 is negative').message).toBe('A.csv:3: volume -5 is negative');
    expect(new CsvDataError('dir', null, 'no *.csv files').message).toBe('dir: no *.csv files');
  });

  it('quotes an excerpt of a reason that quotes a 20 MB line, on one line', () => {
    const reason = `column "x" appears twice in the header: ${'x,'.repeat(10_000_000)}y\r\nz`;
    const error = new CsvDataError('A.csv', 1, reason);
    // 160 characters from the start, 80 from the end (line breaks escaped), the 20 million between counted.
    expect(error.message).toBe(
      `A.csv:1: ${reason.slice(0, 160)}…(${(reason.length - 240).toLocaleString('en-US')} characters left out)…` +
        `${reason.slice(-80, -3)}\\r\\nz`,
    );
    expect(error.message).toContain('…(19,999,804 characters left out)…');
    expect(error.reason).toBe(reason);
  });
});
