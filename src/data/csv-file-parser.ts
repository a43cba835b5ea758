import { readSync } from 'node:fs';
import type { BarSink } from './bar-sink.js';
import { CsvDataError, errorCode, type SkippedRow } from './csv-data-error.js';
import { CsvFieldReader, LF } from './csv-field-reader.js';
import { type CsvHeader, readHeader } from './csv-header.js';
import { type CollectorState, CsvRowCollector, type RowRules } from './csv-row-collector.js';

const BOM = [0xef, 0xbb, 0xbf] as const;
const NOTHING_SKIPPED: readonly SkippedRow[] = Object.freeze([]);

/** The error every reader of bar files raises when the operating system refuses to open or read one. */
export function unreadableFile(path: string, error: unknown): CsvDataError {
  return new CsvDataError(path, null, `cannot read the file (${errorCode(error)})`);
}

/** A parser between two chunks, as another thread goes on from it (`CsvFileParser.resume`). */
export interface ParserState {
  readonly path: string;
  /** File offset of the first byte not parsed yet. */
  readonly offset: number;
  /** Bytes read per step. */
  readonly chunkBytes: number;
  readonly header: CsvHeader;
  readonly rules: RowRules;
  readonly collector: CollectorState;
}

/**
 * The one parsing path of bar files, for the loader and for streams: reads the file chunk by chunk at a remembered
 * offset and hands each chunk's whole lines to the header reader, then to the row collector. The partial line at
 * the end of a chunk is simply read again with the next chunk, so nothing is carried over between steps but the
 * offset: the caller may close the file between steps, and several parsers may share one read buffer.
 *
 * The sink is made once the header is known (`sinkFor`), so that it can be sized from the first row's length.
 */
export class CsvFileParser<S extends BarSink> {
  /** No more bars: the end of the file, the first bar after `rules.until`, or a failed step. */
  finished = false;
  /** The sink made for the header; null until the header has been read. */
  sink: S | null = null;
  private collector: CsvRowCollector | null = null;
  /** File offset of the first byte not parsed yet. */
  private offset = 0;
  private linesBeforeHeader = 0;
  private readonly reader: CsvFieldReader;

  /**
   * `firstRead`: bytes of the first read, when fewer than the buffer's (see openStreamsOf: the staggered first reads
   * of many files, the short first read of a file the read-ahead thread takes over).
   */
  constructor(
    readonly path: string,
    private buf: Buffer,
    private readonly rules: RowRules,
    private readonly sinkFor: (header: CsvHeader) => S,
    private firstRead = Number.POSITIVE_INFINITY,
  ) {
    // An empty buffer would read nothing and take that for the end of the file.
    if (buf.length === 0) throw new RangeError('the read buffer is empty');
    this.reader = new CsvFieldReader(buf, 0);
  }

  /** A parser that goes on where `state` was taken, with `buf` to read into and `sink` for the bars. */
  static resume<S extends BarSink>(state: ParserState, buf: Buffer, sink: S): CsvFileParser<S> {
    const parser = new CsvFileParser(state.path, buf, state.rules, () => sink);
    parser.sink = sink;
    parser.collector = new CsvRowCollector(state.path, state.header, state.rules, sink, state.collector);
    parser.offset = state.offset;
    return parser;
  }

  /** Whether another thread could go on from here: the header has been read and the data goes on. */
  get resumable(): boolean {
    return this.collector !== null && !this.finished;
  }

  /** Where this parser stands (see `resumable`), for another thread to go on from; this one must not step again. */
  state(): ParserState {
    const collector = this.collector;
    if (collector === null || this.finished) throw new Error(`${this.path}: no parser state to hand over`);
    const { path, offset, rules } = this;
    return { path, offset, chunkBytes: this.buf.length, header: collector.header, rules, collector: collector.state() };
  }

  /** Rows left out so far with `skipBadRows`. */
  get skipped(): readonly SkippedRow[] {
    return this.collector?.skipped ?? NOTHING_SKIPPED;
  }

  /**
   * Reads the next chunk from `fd` (the parser's file, open for reading) and parses its whole lines. A line longer
   * than the buffer makes the parser move to a private buffer twice the size. Errors (`CsvDataError`) leave the
   * parser finished; the bars pushed before the failing row stay in the sink.
   */
  step(fd: number): void {
    if (this.finished) return;
    let completed = false;
    try {
      this.readAndParse(fd);
      completed = true;
    } finally {
      if (!completed) this.finished = true;
    }
  }

  private readAndParse(fd: number): void {
    for (;;) {
      const buf = this.buf;
      const want = Math.min(buf.length, this.firstRead);
      let n: number;
      try {
        n = readSync(fd, buf, 0, want, this.offset);
      } catch (error) {
        throw unreadableFile(this.path, error);
      }
      if (n === 0) {
        this.finish();
        return;
      }
      // A regular file gives a short read only at its end.
      const last = n < want;
      let end: number;
      if (last) {
        // The field reader relies on every line ending with LF; give the last line one (there is room: n < length).
        if (buf[n - 1] !== LF) buf[n++] = LF;
        end = n;
      } else {
        end = buf.lastIndexOf(LF, n - 1) + 1;
        if (end === 0) {
          if (want < buf.length) this.firstRead = Number.POSITIVE_INFINITY;
          else this.buf = Buffer.allocUnsafe(buf.length * 2);
          continue;
        }
      }
      this.parse(buf, end);
      this.firstRead = Number.POSITIVE_INFINITY;
      this.offset += end;
      if (last) this.finish();
      else if (this.collector?.ended === true) this.finished = true;
      return;
    }
  }

  private parse(buf: Buffer, end: number): void {
    const reader = this.reader;
    reader.reset(buf, end);
    if (this.offset === 0 && end >= 3 && buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2]) reader.pos = 3;
    if (this.collector === null) {
      const found = readHeader(reader, this.path, this.linesBeforeHeader);
      this.linesBeforeHeader = found.line;
      if (found.header === null) return;
      const sink = this.sinkFor(found.header);
      this.sink = sink;
      this.collector = new CsvRowCollector(this.path, found.header, this.rules, sink);
    }
    reader.pos = this.collector.parse(reader);
  }

  private finish(): void {
    this.finished = true;
    if (this.collector === null) throw new CsvDataError(this.path, 1, 'the file is empty (no header line)');
    this.collector.finish();
  }
}
