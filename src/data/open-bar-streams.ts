import { resolveBarFiles, timeRange, type BarFile, type TimeRangeOptions } from './bar-files.js';
import { checkChunkBytes, CsvBarStream, DEFAULT_CHUNK_BYTES } from './csv-bar-stream.js';
import { READ_AHEAD_MIN_BYTES, readAheadPays } from './bar-thread-rules.js';
import { CsvReadAhead } from './csv-read-ahead.js';

export interface OpenBarStreamsOptions extends TimeRangeOptions {
  /** Symbols to open, in this order; all `*.csv` files (sorted by symbol) when absent. */
  readonly symbols?: readonly string[];
  readonly skipBadRows?: boolean;
  /**
   * Bytes read per step, through one buffer shared by all the streams; each stream holds about this much text's
   * worth of bars. Default: `DEFAULT_CHUNK_BYTES` shared out over the files, at least 16 KiB per file (measured on
   * 500 daily files: smaller chunks cost more in opening and closing files than they save in memory).
   */
  readonly chunkBytes?: number;
  /**
   * Each file's first read a different share of a chunk, the k-th of n files (k + 1) / n of it: files whose rows come
   * in step (daily bars of many symbols) then reach the ends of their chunks at different bars, and the reading and
   * parsing go on evenly through the run rather than for every file at once, every chunk's worth of bars.
   */
  readonly staggered?: boolean;
  /**
   * Parse a few files that hold at least `minBytes` in all on a second thread (CsvReadAhead): `true` starts one for
   * these streams, which ends once they are all released; a thread given is used as it is (its owner closes it).
   */
  readonly readAhead?: boolean | CsvReadAhead;
}

const MIN_DEFAULT_CHUNK_BYTES = 16 << 10;
/** Chunks the thread may parse ahead of a stream: it is woken when half of them are free (CsvReadAhead.freed). */
const READ_AHEAD_SLOTS = 8;
/**
 * The first read of a file parsed ahead: the stream comes to the end of it after a few hundred bars, once V8 keeps
 * type feedback for the bar path but before it compiles it, so that the compiled code has seen a refill (one first
 * made thousands of bars later throws that code away), and the thread takes over from there.
 */
const HANDED_OVER_FIRST_CHUNK_BYTES = 16 << 10;

/**
 * `loadBarDirectory` as streams: the same symbol resolution and errors (a missing directory, a missing symbol file,
 * two files for one symbol, bad bounds), each file's header and first rows read and checked here, the rest as the
 * streams advance. Bad rows skipped with `skipBadRows` are reported by each stream in its `skipped`.
 */
export function openBarStreams(dir: string, options: OpenBarStreamsOptions = {}): CsvBarStream[] {
  // Bad bounds fail before the directory is read, as in loadBarDirectory.
  timeRange(options);
  return openStreamsOf(resolveBarFiles(dir, options.symbols), options);
}

/** `openBarStreams` of files already resolved (the merging thread opens the files the run resolved). */
export function openStreamsOf(files: readonly BarFile[], options: OpenBarStreamsOptions = {}): CsvBarStream[] {
  const chunkBytes = checkChunkBytes(
    options.chunkBytes ?? Math.max(MIN_DEFAULT_CHUNK_BYTES, Math.floor(DEFAULT_CHUNK_BYTES / files.length)),
  );
  // Streams read only inside their own constructor or advance(), one at a time: one buffer serves them all.
  const readBuffer = Buffer.allocUnsafe(chunkBytes);
  const given = options.readAhead ?? false;
  const minBytes = given === true ? READ_AHEAD_MIN_BYTES : given === false ? 0 : given.minBytes;
  const worth = given !== false && readAheadPays(files, minBytes);
  const thread = !worth ? null : given === true ? CsvReadAhead.start({ endWhenUnused: true }) : given;
  const readAhead = thread === null ? undefined : { thread, slots: READ_AHEAD_SLOTS };
  const streamOptions = {
    start: options.start,
    end: options.end,
    skipBadRows: options.skipBadRows,
    readBuffer,
    ...(readAhead && { readAhead }),
  };
  const n = files.length;
  const streams: CsvBarStream[] = [];
  try {
    for (const [k, { symbol, path }] of files.entries()) {
      const firstChunkBytes =
        options.staggered === true
          ? Math.ceil((chunkBytes * (k + 1)) / n)
          : readAhead !== undefined
            ? Math.min(chunkBytes, HANDED_OVER_FIRST_CHUNK_BYTES)
            : undefined;
      streams.push(new CsvBarStream(path, symbol, { ...streamOptions, firstChunkBytes }));
    }
    // One wake for the streams handed over while opening (a hand-over alone does not wake the thread).
    readAhead?.thread.wake();
  } catch (error) {
    // the files the streams opened so far are let go: an in-process caller may go on
    for (const stream of streams) stream.release();
    throw error;
  }
  return streams;
}
