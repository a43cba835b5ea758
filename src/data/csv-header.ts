import { CsvDataError } from './csv-data-error.js';
import type { CsvFieldReader } from './csv-field-reader.js';

/** Header names accepted for the timestamp column, in order of preference when several are present. */
const DATE_COLUMN_NAMES = ['date', 'datetime', 'timestamp', 'time'] as const;
const VALUE_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;
/** Column names by role (0 = the date column). */
export const COLUMN_NAMES = ['date', ...VALUE_COLUMNS] as const;

export interface CsvHeader {
  /** Per field position: 0 = date, 1..5 = open, high, low, close, volume, -1 = ignored. */
  readonly roles: Int8Array;
  /** Position of the last field a row must have. */
  readonly lastField: number;
  /** Line number of the header. */
  readonly line: number;
  /** Byte length of the first data line, to size the columns up front. */
  readonly firstRowLength: number;
}

function normalise(name: string): string {
  return name
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .trim()
    .toLowerCase();
}

/**
 * The header's fields, split at commas as rows are (CsvFieldReader.fieldEndAt): a field starting with a double
 * quote runs to its closing quote, so a comma inside it does not split it.
 */
function splitFields(text: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    const start = i;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === '"') {
      for (i++; i < text.length; i++) {
        if (text[i] !== '"') continue;
        if (text[i + 1] !== '"') {
          i++;
          break;
        }
        i++;
      }
    }
    while (i < text.length && text[i] !== ',') i++;
    fields.push(text.slice(start, i));
    if (i >= text.length) return fields;
    i++;
  }
}

/** The columns of the header texts met so far, by text: a run of hundreds of files of one layout reads it once. */
const known = new Map<string, Columns>();
/** Enough for any real set of files; a bound for a run of thousands of differently laid out ones. */
const KNOWN_HEADERS = 64;

interface Columns {
  /** Shared by every file with this header text: read only. */
  readonly roles: Int8Array;
  readonly lastField: number;
}

/**
 * Reads the first non-blank line as the header and leaves the reader at the next line. `header` is null when the
 * data holds only blank lines so far; `line` counts the lines consumed (continuing from `linesBefore`).
 */
export function readHeader(
  reader: CsvFieldReader,
  path: string,
  linesBefore: number,
): { header: CsvHeader | null; line: number } {
  let line = linesBefore;
  // Blank lines before the header are tolerated (and counted, so row numbers stay true).
  for (;;) {
    if (reader.pos >= reader.end) return { header: null, line };
    line++;
    reader.skipSpaces();
    if (!reader.atLineEnd()) break;
    reader.skipLine();
  }

  const start = reader.pos;
  reader.skipLine();
  const text = Buffer.from(reader.buf.buffer, reader.buf.byteOffset + start, reader.pos - start)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  // A carriage return left inside the line: the file's lines end with CR alone (classic Mac OS), so the "header"
  // runs on through the rows; said as such, rather than as the duplicate or missing columns that would follow.
  if (text.includes('\r')) {
    throw new CsvDataError(path, line, 'lines end with a carriage return alone; expected LF or CRLF line endings');
  }
  const { roles, lastField } = columnsOf(text, path, line);
  const nextLineEnd = reader.pos < reader.end ? reader.buf.indexOf(10, reader.pos) : -1;
  const firstRowLength = nextLineEnd < 0 || nextLineEnd >= reader.end ? 64 : nextLineEnd + 1 - reader.pos;
  return { header: { roles, lastField, line, firstRowLength }, line };
}

/** The roles of a header's fields (see CsvHeader), or the CsvDataError that names what is wrong with it. */
function columnsOf(text: string, path: string, line: number): Columns {
  const seen = known.get(text);
  if (seen !== undefined) return seen;
  const names = splitFields(text).map(normalise);
  const roles = new Int8Array(names.length).fill(-1);
  const found = (name: string): number => names.indexOf(name);

  for (const [i, name] of names.entries()) {
    if (name !== '' && names.indexOf(name) !== i) {
      throw new CsvDataError(path, line, `column "${name}" appears twice in the header: ${text.trim()}`);
    }
  }
  const missing: string[] = [];
  const dateName = DATE_COLUMN_NAMES.find((name) => found(name) >= 0);
  if (dateName === undefined) {
    const others = DATE_COLUMN_NAMES.slice(1).map((name) => `"${name}"`);
    missing.push(`"date" (or ${others.join(', ')})`);
  } else roles[found(dateName)] = 0;
  VALUE_COLUMNS.forEach((name, i) => {
    const at = found(name);
    if (at < 0) missing.push(`"${name}"`);
    else roles[at] = i + 1;
  });
  if (missing.length > 0) {
    const list = missing.join(', ');
    throw new CsvDataError(
      path,
      line,
      `missing column${missing.length > 1 ? 's' : ''} ${list} (header found: ${text.trim()})`,
    );
  }

  let lastField = 0;
  roles.forEach((role, i) => {
    if (role >= 0) lastField = i;
  });
  const columns = { roles, lastField };
  if (known.size < KNOWN_HEADERS) known.set(text, columns);
  return columns;
}
