import { closeSync, fstatSync, openSync } from 'node:fs';
import type { BarSeries } from '../domain/bar.js';
import { BarSeriesBuilder } from './bar-series-builder.js';
import type { SkippedRow } from './csv-data-error.js';
import { CsvFileParser, unreadableFile } from './csv-file-parser.js';

export interface LoadBarFileOptions {
  /** Leave out bad rows (reported in `skipped`) instead of failing; a missing column or empty file still fails. */
  readonly skipBadRows?: boolean;
}

export interface LoadedSeries {
  readonly series: BarSeries;
  readonly skipped: readonly SkippedRow[];
}

/**
 * Bytes read per step. The file goes through one reused buffer of this size rather than into a single Buffer of the
 * file's size: touching tens of megabytes of fresh memory costs more than parsing them (page faults, 2–3 ms per MB
 * on a virtual machine), while a 256 KiB buffer stays hot in cache.
 */
const CHUNK_BYTES = 256 << 10;

/**
 * The read buffer of every load: loading is synchronous, so two loads never use it at once, and a report or a study
 * that loads hundreds of files then touches one buffer instead of a fresh one per file (fresh memory is what costs).
 */
let readBuffer: Buffer | null = null;

/**
 * Loads one `SYMBOL.csv` of OHLCV bars (see csv-header.ts for the accepted header and csv-row-collector.ts for the
 * row rules). Bytes are parsed in place, without a string per line or field: a million intraday rows load in a few
 * hundred milliseconds at most.
 */
export function loadBarFile(path: string, symbol: string, options: LoadBarFileOptions = {}): LoadedSeries {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw unreadableFile(path, error);
  }
  try {
    const size = fstatSync(fd).size;
    const rules = { skipBadRows: options.skipBadRows ?? false, from: -Infinity, until: Infinity };
    readBuffer ??= Buffer.allocUnsafe(CHUNK_BYTES);
    const buffer = readBuffer;
    // A file within one read is in the buffer when the header is found: its lines bound its rows, so the columns
    // neither grow nor need trimming. A longer one is sized from its first row's length and hardly ever grows.
    const sinkFor = (header: { readonly firstRowLength: number }): BarSeriesBuilder =>
      new BarSeriesBuilder(
        symbol,
        size < buffer.length ? lineCount(buffer, size) + 1 : (size / Math.max(8, header.firstRowLength)) * 1.05 + 16,
      );
    const parser = new CsvFileParser(path, buffer, rules, sinkFor);
    while (!parser.finished) parser.step(fd);
    // A finished parser without a sink has thrown (no header), so the sink is there.
    return { series: parser.sink!.build(), skipped: parser.skipped };
  } finally {
    closeSync(fd);
  }
}

/** Line feeds in the first `end` bytes. */
function lineCount(buffer: Buffer, end: number): number {
  const bytes = buffer.subarray(0, end);
  let count = 0;
  for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) count++;
  return count;
}
