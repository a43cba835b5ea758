import { BarWindow } from './bar-window.js';
import { CsvFieldReader } from './csv-field-reader.js';
import { readHeader } from './csv-header.js';
import { CsvRowCollector } from './csv-row-collector.js';

/** Rows of each kind: V8 has optimised the row loop after some thousands (measured: 8,600). */
const ROWS = 12_000;

const HEADER = 'date,open,high,low,close,volume\n';
const INTRADAY_ROW = '2020-01-01 00:00:00,100.25,100.75,99.75,100.5,1000\n';
const DAILY_ROW = '1980-01-01,100.25,100.75,99.75,100.5,1000\n';

/** Writes `value` as `width` decimal digits ending just before `end`. */
function putDigits(buf: Buffer, end: number, width: number, value: number): void {
  for (let k = 1; k <= width; k++, value = Math.floor(value / 10)) buf[end - k] = 48 + (value % 10);
}

/**
 * A CSV of `ROWS` bars in memory with strictly increasing stamps: one a minute from 2020-01-01 (intraday), or dates
 * alone, days 1–28 of every month from 1980 on (each one a calendar date). Rows are copies of one template with the
 * stamp's digits and the volume patched in: formatting thousands of rows as text took longer than parsing them.
 */
function sampleCsv(intraday: boolean): Buffer {
  const row = intraday ? INTRADAY_ROW : DAILY_ROW;
  const buf = Buffer.alloc(HEADER.length + ROWS * row.length);
  buf.write(HEADER, 0, 'latin1');
  const template = Buffer.from(row, 'latin1');
  for (let i = 0; i < ROWS; i++) {
    const at = HEADER.length + i * row.length;
    template.copy(buf, at);
    if (intraday) {
      putDigits(buf, at + 10, 2, 1 + Math.floor(i / 1440));
      putDigits(buf, at + 13, 2, Math.floor(i / 60) % 24);
      putDigits(buf, at + 16, 2, i % 60);
    } else {
      putDigits(buf, at + 4, 4, 1980 + Math.floor(i / 336));
      putDigits(buf, at + 7, 2, 1 + (Math.floor(i / 28) % 12));
      putDigits(buf, at + 10, 2, 1 + (i % 28));
    }
    putDigits(buf, at + row.length - 1, 4, 1000 + (i % 9000));
  }
  return buf;
}

/**
 * Runs the parser's row loop over generated intraday and daily rows, so that a thread which is to parse files has
 * its code optimised before the first real chunk: cold, the first chunks of a file parse 15–30 times slower, and a
 * backtest waiting for them would lose what the thread saves it.
 */
export function warmUpParser(): void {
  const sink = new BarWindow(ROWS);
  for (const intraday of [true, false]) {
    const buf = sampleCsv(intraday);
    const reader = new CsvFieldReader(buf, buf.length);
    const { header } = readHeader(reader, 'warm-up', 0);
    const rules = { skipBadRows: false, from: Number.NEGATIVE_INFINITY, until: Number.POSITIVE_INFINITY };
    sink.clear();
    reader.pos = new CsvRowCollector('warm-up', header!, rules, sink).parse(reader);
  }
}
