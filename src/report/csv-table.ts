import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { CsvDataError } from '../data/csv-data-error.js';

/** A CSV file as its header and rows of text fields, every row as wide as the header. */
export interface CsvTable {
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** 1-based file line of each row, for messages. */
  readonly lines: readonly number[];
  /** Rows in the file when it was read with a row limit and held more (else `rows.length`). */
  readonly rowCount?: number;
}

/** Splits one CSV line; a quoted field may hold commas and doubled quotes (what the result writers produce). */
export function splitLine(text: string, file: string, line: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) throw new CsvDataError(file, line, 'a quoted field is not closed');
        value += text.slice(i, close);
        if (text[close + 1] === '"') {
          value += '"';
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      fields.push(value);
      if (i >= text.length) return fields;
      if (text[i] !== ',') throw new CsvDataError(file, line, 'text after a closing quote');
      i++;
    } else {
      const comma = text.indexOf(',', i);
      if (comma < 0) {
        fields.push(text.slice(i));
        return fields;
      }
      fields.push(text.slice(i, comma));
      i = comma + 1;
    }
  }
}

/**
 * Reads a result file written by the backtester or a live session. `required` are the columns the reader needs; a
 * missing one, or a row of another width, is a CsvDataError naming the file and line. With `maxRows` only that many
 * rows are split and checked and the others merely counted (`rowCount`): a page that shows the first rows of a
 * file of tens of thousands need not take apart the rest.
 */
export function readCsvTable(file: string, required: readonly string[] = [], maxRows = Infinity): CsvTable {
  const text = readFileSync(file, 'utf8');
  let at = 0;
  let line = 0;
  /** The next line without its line ending; null at the end of the text. */
  const nextLine = (): string | null => {
    if (at >= text.length) return null;
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const raw = text.slice(at, end > at && text[end - 1] === '\r' ? end - 1 : end);
    at = end + 1;
    line++;
    return raw;
  };
  const header = splitLine(nextLine() ?? '', file, 1);
  checkColumns(file, header, required);
  const rows: string[][] = [];
  const lines: number[] = [];
  for (let raw = nextLine(); raw !== null; raw = rows.length < maxRows ? nextLine() : null) {
    if (raw === '') continue;
    const fields = splitLine(raw, file, line);
    if (fields.length !== header.length) {
      throw new CsvDataError(file, line, `${fields.length} fields; expected ${header.length} (${header.join(',')})`);
    }
    rows.push(fields);
    lines.push(line);
  }
  let rowCount = rows.length;
  // The rows past the limit: non-empty lines, counted without taking them apart.
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    if (end > at && !(end === at + 1 && text[at] === '\r')) rowCount++;
    at = end + 1;
  }
  return { file, header, rows, lines, rowCount };
}

/** Fields of one row by column name; a field that does not parse names the file, line and column. */
export interface RowReader {
  text(name: string): string;
  number(name: string): number;
  /** An empty field is null. */
  optionalNumber(name: string): number | null;
  time(name: string, parse: (text: string) => number): number;
}

export function columnReader(table: CsvTable, row: number): RowReader {
  return fieldReader(table.file, table.header, table.rows[row]!, table.lines[row]!);
}

/** The fields of the row at `line` of `file`, by the names of `header`. */
export function fieldReader(
  file: string,
  header: readonly string[],
  fields: readonly string[],
  line: number,
): RowReader {
  const at = (name: string): string => fields[header.indexOf(name)] ?? '';
  return {
    text: at,
    number(name: string): number {
      const value = Number(at(name));
      if (at(name).trim() === '' || !Number.isFinite(value)) {
        throw new CsvDataError(file, line, `${name}: got "${at(name)}"; expected a number`);
      }
      return value;
    },
    optionalNumber(name: string): number | null {
      return at(name) === '' ? null : this.number(name);
    },
    time(name: string, parse: (text: string) => number): number {
      const value = parse(at(name));
      if (Number.isNaN(value)) {
        throw new CsvDataError(file, line, `${name}: got "${at(name)}"; expected YYYY-MM-DD[ HH:MM:SS]`);
      }
      return value;
    },
  };
}

const READ_BYTES = 1 << 20;

/**
 * The rows of a result file one at a time, read in chunks: the checks of readCsvTable (the `required` columns, every
 * row as wide as the header, messages naming file and line) in memory that does not grow with the file.
 */
export function* csvRows(file: string, required: readonly string[] = []): Generator<RowReader> {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    const decoder = new StringDecoder('utf8');
    let text = '';
    let line = 0;
    let header: string[] | null = null;
    let ended = false;
    while (!ended) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) {
        ended = true;
        text += decoder.end();
        if (text !== '' && !text.endsWith('\n')) text += '\n';
      } else {
        text += decoder.write(buffer.subarray(0, n));
      }
      let at = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', at)) {
        const raw = text.slice(at, end > at && text[end - 1] === '\r' ? end - 1 : end);
        at = end + 1;
        line++;
        if (header === null) {
          header = splitLine(raw, file, 1);
          checkColumns(file, header, required);
          continue;
        }
        if (raw === '') continue;
        const fields = splitLine(raw, file, line);
        if (fields.length !== header.length) {
          throw new CsvDataError(
            file,
            line,
            `${fields.length} fields; expected ${header.length} (${header.join(',')})`,
          );
        }
        yield fieldReader(file, header, fields, line);
      }
      text = text.slice(at);
    }
    if (header === null) checkColumns(file, [''], required);
  } finally {
    closeSync(fd);
  }
}

function checkColumns(file: string, header: readonly string[], required: readonly string[]): void {
  for (const column of required) {
    if (!header.includes(column)) {
      throw new CsvDataError(file, 1, `missing column "${column}"; expected ${required.join(',')}`);
    }
  }
}
