import { statSync } from 'node:fs';
import { resolveBarFiles, timeRange, type TimeRangeOptions } from './bar-files.js';
import { checkChunkBytes, CsvBarStream, DEFAULT_CHUNK_BYTES } from './csv-bar-stream.js';
import type { CsvReadAhead } from './csv-read-ahead.js';

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
   * A thread to parse the files ahead of the streams, for a few files that hold at least its `minBytes` in all;
   * closed at once when it is not used.
   */
  readonly readAhead?: CsvReadAhead | null;
}

const MIN_DEFAULT_CHUNK_BYTES = 16 << 10;
/**
 * Files a read-ahead thread takes on: a few long ones. Measured on 500 daily files, a thread reading ahead for every
 * stream (in 16 KiB chunks, or 4 KiB ones) did not pay: the slots' new memory cost more to set up than the thread
 * saved (every fresh page faults in at some 13 µs on the development machine), and the loop beside it ran 10–20 %
 * slower.
 */
const MAX_READ_AHEAD_FILES = 8;
/** Chunks the thread may parse ahead of a stream: it is woken when half of them are free (CsvReadAhead.freed). */
const READ_AHEAD_SLOTS = 8;

/** The files' bytes in all, counted up to `enough` (a file that cannot be read counts nothing: opening it fails). */
function totalBytes(files: readonly { path: string }[], enough: number): number {
  let total = 0;
  for (const { path } of files) {
    if (total >= enough) break;
    total += statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}

/**
 * `loadBarDirectory` as streams: the same symbol resolution and errors (a missing directory, a missing symbol file,
 * two files for one symbol, bad bounds), each file's header and first rows read and checked here, the rest as the
 * streams advance. Bad rows skipped with `skipBadRows` are reported by each stream in its `skipped`.
 */
export function openBarStreams(dir: string, options: OpenBarStreamsOptions = {}): CsvBarStream[] {
  // Bad bounds fail before the directory is read, as in loadBarDirectory.
  timeRange(options);
  const files = resolveBarFiles(dir, options.symbols);
  const chunkBytes = checkChunkBytes(
    options.chunkBytes ?? Math.max(MIN_DEFAULT_CHUNK_BYTES, Math.floor(DEFAULT_CHUNK_BYTES / files.length)),
  );
  // Streams read only inside their own constructor or advance(), one at a time: one buffer serves them all.
  const readBuffer = Buffer.allocUnsafe(chunkBytes);
  const thread = options.readAhead ?? null;
  const readAhead =
    thread !== null && files.length <= MAX_READ_AHEAD_FILES && totalBytes(files, thread.minBytes) >= thread.minBytes
      ? { thread, slots: READ_AHEAD_SLOTS }
      : undefined;
  // A thread the streams will not use would only hold memory (its own heap) and take a core's time.
  if (readAhead === undefined) thread?.close();
  const streamOptions = {
    start: options.start,
    end: options.end,
    skipBadRows: options.skipBadRows,
    readBuffer,
    ...(readAhead && { readAhead }),
  };
  const streams: CsvBarStream[] = [];

  try {
    for (const { symbol, path } of files) streams.push(new CsvBarStream(path, symbol, streamOptions));
    // The streams handed over so far, all at once.
    readAhead?.thread.wake();
  } catch (error) {
    // the files the streams opened so far are let go: an in-process caller may go on
    for (const stream of streams) stream.release();
    throw error;
  }
  return streams;
}
