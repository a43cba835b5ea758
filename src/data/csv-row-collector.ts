import { formatTime } from '../domain/time.js';
import type { BarSink } from './bar-sink.js';
import { CsvDataError, type SkippedRow } from './csv-data-error.js';
import { type CsvFieldReader, StampStatus } from './csv-field-reader.js';
import { COLUMN_NAMES, type CsvHeader } from './csv-header.js';

// A column's role (csv-header.ts: 0 date, 1 open, 2 high, 3 low, 4 close, 5 volume) is its index in the row array
// handed to the sink. Roles, indexes and bytes are literal numbers in the per-row code, for the reason given in
// csv-field-reader.ts.

/** How rows are judged and which bars are kept. */
export interface RowRules {
  /** Leave out bad rows (recorded in `skipped`) instead of failing. */
  readonly skipBadRows: boolean;
  /** Bars before this time (epoch ms) are checked but not kept; -Infinity keeps all. */
  readonly from: number;
  /** The first bar after this time ends the data: it and the rows after it are not read; Infinity reads all. */
  readonly until: number;
}

/** Where a collector stands after a chunk: what another collector needs to go on from the next line. */
export interface CollectorState {
  readonly line: number;
  readonly previousTime: number;
  readonly previousLine: number;
  readonly timed: number;
  readonly timedLine: number;
  readonly rows: number;
}

/**
 * Turns data rows into bars and enforces the row rules: the header's number of fields (a field in double quotes
 * may hold commas), numbers where numbers belong, no negative price or volume, low ≤ open, close ≤ high, a valid
 * stamp, strictly increasing stamps. A broken rule fails with `file:line: reason`, or with `skipBadRows` leaves the
 * row out and records it. Good bars inside [from, until] go to the sink.
 */
export class CsvRowCollector {
  readonly skipped: SkippedRow[] = [];
  /** A bar after `until` was met: the data ends here. */
  ended = false;
  private readonly values = new Float64Array(COLUMN_NAMES.length);
  private line: number;
  private previousTime = Number.NEGATIVE_INFINITY;
  private previousLine = 0;
  /** Whether the file's first good row had a time of day (1) or a date alone (0); -1 before it. */
  private timed = -1;
  private timedLine = 0;
  private rows = 0;
  private readonly skipBadRows: boolean;
  private readonly from: number;
  private readonly until: number;

  constructor(
    private readonly path: string,
    readonly header: CsvHeader,
    rules: RowRules,
    private readonly sink: BarSink,
    resume?: CollectorState,
  ) {
    this.line = header.line;
    this.skipBadRows = rules.skipBadRows;
    this.from = rules.from;
    this.until = rules.until;
    if (resume !== undefined) {
      this.line = resume.line;
      this.previousTime = resume.previousTime;
      this.previousLine = resume.previousLine;
      this.timed = resume.timed;
      this.timedLine = resume.timedLine;
      this.rows = resume.rows;
    }
  }

  /** The state to go on from in another collector (after `ended`, there is nothing to go on with). */
  state(): CollectorState {
    const { line, previousTime, previousLine, timed, timedLine, rows } = this;
    return { line, previousTime, previousLine, timed, timedLine, rows };
  }

  /**
   * Consumes whole lines from the reader's position to its end, or up to the first bar after `until`; returns the
   * position reached, for the caller to store in the reader. Nothing after the loop touches an object: V8 compiles
   * this function on-stack while its first chunk is read, before anything past the loop has run, and code after the
   * loop without type feedback would throw the compiled code away at the end of every chunk.
   */
  parse(reader: CsvFieldReader): number {
    const roles = this.header.roles;
    const fieldCount = roles.length;
    const lastField = this.header.lastField;
    const values = this.values;
    const buf = reader.buf;
    const end = reader.end;
    // The position lives in a local: the readers' `…At` forms take and return it.
    let p = reader.pos;
    while (p < end && !this.ended) {
      this.line++;
      if (buf[p]! <= 32 /* space */ && reader.isBlankLineAt(p)) {
        p = reader.nextLineAt(p);
        continue;
      }
      this.rows++;
      let reason: string | null = null;
      let timed = 0;
      let field = 0;
      for (; ; field++) {
        const role = field < fieldCount ? roles[field]! : -1;
        if (role === 0) {
          p = reader.stampAt(p);
          const time = reader.value;
          timed = reader.stampTimed;
          if (Number.isNaN(time) && reason === null) reason = stampProblem(reader);
          values[0] = time;
        } else if (role > 0) {
          p = reader.numberAt(p);
          const value = reader.value;
          if (Number.isNaN(value) && reason === null) {
            reason = `${COLUMN_NAMES[role]!} is not a number: ${JSON.stringify(reader.fieldText())}`;
          }
          values[role] = value;
        } else {
          p = reader.fieldEndAt(p);
        }
        // Fields end on a delimiter before `end` (every line ends with LF), so `buf[p]` is data.
        if (field === lastField || buf[p] !== 44 /* , */) break;
        p++;
      }
      // A row must have the header's fields, no more and no fewer: an extra comma (a thousands separator, an
      // unquoted "Apple, Inc.") shifts the values after it into the wrong columns, and each of them may still read
      // as a number. Usually the last column read is the last one and the line ends here: one byte compared.
      let found = field + 1;
      if (buf[p] === 44 || found !== fieldCount) {
        while (buf[p] === 44) {
          p = reader.fieldEndAt(p + 1);
          found++;
        }
        // This comes before any bad value: with fields missing or extra, the values were read from wrong columns.
        if (found !== fieldCount) reason = `expected ${fieldCount} fields, found ${found}`;
      }
      p = reader.nextLineAt(p);
      this.accept(reason ?? checkBar(values), timed);
    }
    return p;
  }

  /** At the end of the file: a header without a single data row (good or bad) is an error. */
  finish(): void {
    if (this.rows === 0) throw new CsvDataError(this.path, this.header.line, 'the file has a header but no data rows');
  }

  private accept(problem: string | null, timed: number): void {
    if (problem !== null) {
      this.reject(problem);
      return;
    }
    if (timed !== this.timed) {
      if (this.timed === -1) {
        this.timed = timed;
        this.timedLine = this.line;
      } else {
        // A date alone reads as midnight: among intraday bars it is a bar before the open, among daily bars a
        // stamped row is a second bar of its day. Either way the file mixes two kinds of bars.
        this.reject(
          timed === 1
            ? `a time of day in a file of daily bars (line ${this.timedLine} has a date alone)`
            : `a date without a time of day in a file of intraday bars (line ${this.timedLine} has one)`,
        );
        return;
      }
    }
    const values = this.values;
    const time = values[0]!;
    if (time <= this.previousTime) {
      this.reject(
        time === this.previousTime
          ? `duplicate timestamp ${formatTime(time)} (line ${this.previousLine} has the same)`
          : `timestamp ${formatTime(time)} goes backwards (line ${this.previousLine} has ${formatTime(this.previousTime)})`,
      );
      return;
    }
    if (time > this.until) {
      this.ended = true;
      return;
    }
    if (time >= this.from) {
      this.sink.pushRow(values);
    }
    this.previousTime = time;
    this.previousLine = this.line;
  }

  private reject(reason: string): void {
    if (!this.skipBadRows) throw new CsvDataError(this.path, this.line, reason);
    this.skipped.push({ file: this.path, line: this.line, reason });
  }
}

function stampProblem(reader: CsvFieldReader): string {
  const text = JSON.stringify(reader.fieldText());
  return reader.stampStatus === StampStatus.NotCalendarDate
    ? `date ${text} is not a calendar date`
    : `date ${text} is malformed: expected YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or YYYY-MM-DDTHH:MM[:SS]`;
}

/** The first rule a parsed row breaks, or null. */
function checkBar(values: Float64Array): string | null {
  const open = values[1]!;
  const high = values[2]!;
  const low = values[3]!;
  const close = values[4]!;
  const volume = values[5]!;
  // A price of 0 is a hole a data source filled with zeros, not a price a stock traded at.
  if (open <= 0 || high <= 0 || low <= 0 || close <= 0 || volume < 0) {
    for (let role = 1; role <= 4; role++) {
      if (values[role]! <= 0) return `${COLUMN_NAMES[role]!} ${values[role]!} is not a positive price`;
    }
    return `volume ${volume} is negative`;
  }
  if (high < low) return `high ${high} is below low ${low}`;
  if (open < low || open > high) return `open ${open} is outside [low ${low}, high ${high}]`;
  if (close < low || close > high) return `close ${close} is outside [low ${low}, high ${high}]`;
  return null;
}
