import { resolveBarFiles, timeRange, type TimeRangeOptions } from './bar-files.js';
import { checkChunkBytes, CsvBarStream, DEFAULT_CHUNK_BYTES } from './csv-bar-stream.js';

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
}

const MIN_DEFAULT_CHUNK_BYTES = 16 << 10;

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
  const streamOptions = { start: options.start, end: options.end, skipBadRows: options.skipBadRows, readBuffer };
  const streams: CsvBarStream[] = [];
  try {
    for (const { symbol, path } of files) streams.push(new CsvBarStream(path, symbol, streamOptions));
  } catch (error) {
    // the files the streams opened so far are let go: an in-process caller may go on
    for (const stream of streams) stream.release();
    throw error;
  }
  return streams;
}
