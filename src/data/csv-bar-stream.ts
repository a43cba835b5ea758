import { closeSync, openSync, statSync } from 'node:fs';
import { timeRange, type TimeRangeOptions } from './bar-files.js';
import { BAR_FIELDS, BarWindow } from './bar-window.js';
import { CsvDataError, type SkippedRow } from './csv-data-error.js';
import { CsvFileParser, unreadableFile } from './csv-file-parser.js';
import type { CsvHeader } from './csv-header.js';
import type { CsvReadAhead, RemoteChunks } from './csv-read-ahead.js';

export interface CsvBarStreamOptions extends TimeRangeOptions {
  /** Leave out bad rows (reported in `skipped`) instead of failing; a missing column or empty file still fails. */
  readonly skipBadRows?: boolean;
  /**
   * Bytes read per step (default 256 KiB, at most the file's size). It also bounds the bars held at once: about
   * chunkBytes / row length. `openBarStreams` gives hundreds of files 16 KiB each.
   */
  readonly chunkBytes?: number;
  /** Bytes of the first read, when fewer than a chunk's (see CsvFileParser). */
  readonly firstChunkBytes?: number;
  /**
   * A read buffer shared by streams that are read in turn (used only during the constructor and `advance()`);
   * its length is the chunk size and `chunkBytes` is then ignored.
   */
  readonly readBuffer?: Buffer;
  /**
   * A window for the parsed bars shared by streams that are read one after another, each to its end before the next
   * one is opened (it grows as a chunk needs); without it each stream makes its own.
   */
  readonly window?: BarWindow;
  /**
   * A thread to parse the file ahead of the stream once its first chunk is read, into this many chunks' slots (see
   * CsvReadAhead); without it the stream parses every chunk itself.
   */
  readonly readAhead?: { readonly thread: CsvReadAhead; readonly slots: number };
}

/**
 * The buffer and the window of a chunk's bars then stay within a core's L2 cache: measured on a million minute rows,
 * 256 KiB chunks stream a few percent faster than 1 MiB ones, with 2 MB less memory.
 */
export const DEFAULT_CHUNK_BYTES = 256 << 10;
/** Room for a window a little larger than a chunk's rows, so that it seldom grows. */
const WINDOW_SLACK = 1.25;
/**
 * Files streams keep open between chunks, all streams together. Opening and closing a file for every chunk costs
 * two system calls and a path lookup each time, which adds up over hundreds of files; past this many (Node raises
 * the process's descriptor limit to its hard limit, at least 4096 on common systems) a stream opens its file for
 * each chunk again.
 */
const MAX_HELD_FILES = 1024;
/** The fields of a stream before its first bar and after its last. */
const NO_BAR = new Float64Array(BAR_FIELDS).fill(Number.NaN);
let heldFiles = 0;

/**
 * A forward-only cursor over the bars of one `SYMBOL.csv`, holding only one chunk's bars at a time: the same header
 * handling, row rules, errors and number parsing as `loadBarFile` (they share `CsvFileParser`), in constant memory.
 *
 * After construction the stream stands on its first bar (or is `done`); `advance()` moves to the next. The fields
 * of the current bar are read from the window in place, NaN once done. An error in a row surfaces from the
 * constructor or from `advance()` when the stream reaches that row — the bars before it are delivered first — and
 * again on every later `advance()`. Bounds: bars before `start` are checked but not delivered; the first bar after
 * `end` ends the stream and the rows after it are never read. The file stays open from the first chunk to the last
 * (or to `release()`) while fewer than MAX_HELD_FILES are held, else it is opened for the duration of each read, so
 * any number of streams can be open at once; it must not change while it is streamed.
 *
 * ```ts
 * const stream = new CsvBarStream(path, 'SPY');
 * while (!stream.done) {
 *   total += stream.close;
 *   stream.advance();
 * }
 * ```
 */
export class CsvBarStream {
  done = false;
  /** Bars delivered so far, the current one included. */
  count = 0;
  /** Time spent reading and parsing chunks, in seconds (a few clock reads per chunk, none per bar). */
  parseSeconds = 0;
  private window: BarWindow = new BarWindow(0);
  /**
   * The current bar is rows[at … at + 5], read in place: a copy of it in number fields of the stream would be six
   * more heap numbers to touch per bar (a field holding a double points to one).
   */
  private rows: Float64Array = NO_BAR;
  private at = 0;
  /** Where the window's bars end in `rows`. */
  private end = 0;
  private failure: CsvDataError | null = null;
  private readonly parser: CsvFileParser<BarWindow>;
  /** The file while it is held open between chunks; -1 when not. */
  private fd = -1;
  private readonly readAhead: CsvBarStreamOptions['readAhead'];
  /** The chunks the read-ahead thread parses, once the stream has handed its parser over. */
  private remote: RemoteChunks | null = null;
  private released = false;

  constructor(
    readonly path: string,
    readonly symbol: string,
    options: CsvBarStreamOptions = {},
  ) {
    const { from, until } = timeRange(options);
    const rules = { skipBadRows: options.skipBadRows ?? false, from, until };
    let buffer = options.readBuffer;
    if (buffer === undefined) {
      const chunkBytes = checkChunkBytes(options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
      // A small file needs no more than its size (+1: a short read is how its end shows).
      buffer = Buffer.allocUnsafe(Math.min(chunkBytes, fileSize(path) + 1));
    }
    // A window for the first read's bars, which grows for the later chunks' as they come: the pages of hundreds of
    // windows sized for the later chunks would all be touched before the first bar.
    const chunk = Math.min(buffer.length, options.firstChunkBytes ?? Number.POSITIVE_INFINITY);
    const sinkFor = (header: CsvHeader): BarWindow => {
      this.window = options.window ?? new BarWindow((chunk / Math.max(8, header.firstRowLength)) * WINDOW_SLACK + 16);
      return this.window;
    };
    this.parser = new CsvFileParser(path, buffer, rules, sinkFor, options.firstChunkBytes);
    this.readAhead = options.readAhead;
    this.readAhead?.thread.use();
    try {
      this.refill();
    } catch (error) {
      // No one will release a stream that failed to open: a thread it handed its file to lets go of it now.
      this.release();
      throw error;
    }
  }

  /** Whether a read-ahead thread has taken over the parsing of this stream's file. */
  get parsedAhead(): boolean {
    return this.remote !== null;
  }

  /**
   * Rows left out so far with `skipBadRows` (found while reading ahead: up to the end of the current chunk, or as
   * far as the read-ahead thread has gone).
   */
  get skipped(): readonly SkippedRow[] {
    if (this.remote === null) return this.parser.skipped;
    return [...this.parser.skipped, ...this.remote.skipped];
  }

  /** Time of the current bar (epoch ms); NaN once done, as are the other fields. */
  get time(): number {
    return this.rows[this.at]!;
  }

  get open(): number {
    return this.rows[this.at + 1]!;
  }

  get high(): number {
    return this.rows[this.at + 2]!;
  }

  get low(): number {
    return this.rows[this.at + 3]!;
  }

  get close(): number {
    return this.rows[this.at + 4]!;
  }

  get volume(): number {
    return this.rows[this.at + 5]!;
  }

  /** Moves to the next bar; sets `done` at the end. Throws the `CsvDataError` of a bad row when it is reached. */
  advance(): void {
    const at = this.at + BAR_FIELDS;
    if (at < this.end) {
      this.at = at;
      this.count++;
    } else this.refill();
  }

  /** Makes the window's first bar the current bar. */
  private standOnFirst(): void {
    const window = this.window;
    this.rows = window.rows;
    this.at = 0;
    this.end = window.length * BAR_FIELDS;
    this.count++;
  }

  private refill(): void {
    // A chunk may deliver no bar at all (all before `start`, blank or skipped rows): read on until one does.
    for (;;) {
      this.window.clear();
      if (this.failure !== null) {
        this.finish();
        throw this.failure;
      }
      if (this.remote !== null) {
        if (this.takeRemote(this.remote)) return;
        continue;
      }
      if (this.parser.finished) {
        this.finish();
        return;
      }
      this.step();
      this.handOver();
      if (this.window.length > 0) {
        this.standOnFirst();
        return;
      }
    }
  }

  /** Once the read-ahead thread is up, it goes on from the next chunk while the stream reads this one. */
  private handOver(): void {
    const readAhead = this.readAhead;
    if (readAhead === undefined || this.failure !== null || !this.parser.resumable || !readAhead.thread.ready) return;
    // The open file goes with the parser: the thread reads on from the very file this stream opened.
    const fd = this.fd;
    if (fd >= 0) {
      this.fd = -1;
      heldFiles--;
    }
    this.remote = readAhead.thread.adopt(this.parser.state(), fd, readAhead.slots);
  }

  /**
   * The read-ahead thread's next chunk into the window (or the end); false when the stream's data error was
   * reached instead, kept as `failure`.
   */
  private takeRemote(remote: RemoteChunks): boolean {
    const started = performance.now();
    try {
      const window = remote.take();
      if (window === null) this.finish();
      else {
        this.window = window;
        this.standOnFirst();
      }
      return true;
    } catch (error) {
      if (!(error instanceof CsvDataError)) throw error;
      this.failure = error;
      return false;
    } finally {
      this.parseSeconds += (performance.now() - started) / 1000;
    }
  }

  /** One chunk into the window; a data error is kept until the bars before it have been delivered. */
  private step(): void {
    const started = performance.now();
    let fd = this.fd;
    if (fd < 0) {
      try {
        fd = openSync(this.path, 'r');
      } catch (error) {
        this.failure = unreadableFile(this.path, error);
        return;
      }
      if (heldFiles < MAX_HELD_FILES) {
        this.fd = fd;
        heldFiles++;
      }
    }
    try {
      this.parser.step(fd);
    } catch (error) {
      if (!(error instanceof CsvDataError)) throw error;
      this.failure = error;
    } finally {
      if (this.fd !== fd) closeSync(fd);
      else if (this.parser.finished) this.closeFile();
      this.parseSeconds += (performance.now() - started) / 1000;
    }
  }

  /**
   * Lets go of the file if it is held open; the stream opens it again should it advance — unless the read-ahead
   * thread parses it, which then drops it for good. Safe to call again.
   */
  release(): void {
    this.remote?.release();
    if (this.readAhead !== undefined && !this.released) this.readAhead.thread.unuse();
    this.released = true;
    this.closeFile();
  }

  private closeFile(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    heldFiles--;
    closeSync(fd);
  }

  private finish(): void {
    this.done = true;
    this.rows = NO_BAR;
    this.at = 0;
    this.end = 0;
  }
}

/** A chunk size must be a whole number of bytes ≥ 1 (tiny ones are for tests: lines longer grow the buffer). */
export function checkChunkBytes(chunkBytes: number): number {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1) {
    throw new RangeError(`chunkBytes ${chunkBytes} must be a whole number of bytes ≥ 1`);
  }
  return chunkBytes;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    throw unreadableFile(path, error);
  }
}
