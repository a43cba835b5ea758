import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Bar } from '../domain/bar.js';
import { periodStart, type BarSize } from '../domain/bar-size.js';
import { isSymbol, SYMBOL_EXPECTED } from '../domain/symbol.js';
import { formatTime, parseTime } from '../domain/time.js';
import { BarSeriesBuilder } from './bar-series-builder.js';
import {
  FETCH_MANIFEST_NAME,
  FetchManifest,
  sameRequest,
  type FetchEntry,
  type FetchParameters,
} from './fetch-manifest.js';
import {
  completeBarsEnd,
  firstBarStart,
  formatHistoryDuration,
  historyRangeStart,
  planHistoryChunks,
  type HistoryChunk,
  type HistoryDuration,
} from './history-chunk-plan.js';
import { loadBarFile } from './load-bar-file.js';
import { formatBarCsv, writeBarCsv } from './write-bar-csv.js';

/** One request for a symbol's bars: `duration` back from `end` (exchange time). */
export interface HistoryChunkRequest {
  readonly symbol: string;
  readonly barSize: BarSize;
  readonly end: number;
  readonly duration: string;
}

/** Where history comes from (TWS / IB Gateway through the IB adapter); the download knows nothing else of it. */
export interface HistorySource {
  /** The source's current exchange time: what "now" means for a download without an end. */
  now(): Promise<number>;
  /** Bars of one request, oldest first (an empty range gives none). */
  fetch(request: HistoryChunkRequest): Promise<Bar[]>;
}

export interface HistoryDownloadRequest {
  /** Where `SYMBOL.csv` files, their `.partial` files and the manifest go (created if missing). */
  readonly directory: string;
  readonly symbols: readonly string[];
  readonly barSize: BarSize;
  readonly duration: HistoryDuration;
  /** The end as given (exchange time and its text); absent for "now". */
  readonly end?: { readonly time: number; readonly text: string };
  readonly whatToShow: string;
  readonly useRth: boolean;
  /** Requests in flight at once, over all symbols. */
  readonly concurrency: number;
}

export interface DownloadPlan {
  /** The range of bar starts, exchange time: [start, end). */
  readonly start: number;
  readonly end: number;
  readonly symbols: readonly {
    readonly symbol: string;
    readonly chunks: number;
    /** Chunks done by an earlier run (all of them for a symbol already complete). */
    readonly done: number;
  }[];
}

export interface ChunkDone {
  readonly symbol: string;
  /** Chunks of the symbol now done, out of `chunks`. */
  readonly done: number;
  readonly chunks: number;
  /** Bars this chunk added, and the symbol's bars so far. */
  readonly bars: number;
  readonly symbolBars: number;
}

export interface SymbolDownload {
  readonly symbol: string;
  /** written: SYMBOL.csv is complete; skipped: it was complete before this run; empty: IB had no bars. */
  readonly status: 'written' | 'skipped' | 'empty';
  readonly bars: number;
  readonly chunks: number;
  /** Chunks requested by this run (fewer than `chunks` when it resumed an interrupted download). */
  readonly fetched: number;
  /** The complete file, when there is one. */
  readonly path: string | undefined;
}

/** What the caller shows while the download runs; every method is optional. */
export interface DownloadProgress {
  planned?(plan: DownloadPlan): void;
  chunkDone?(event: ChunkDone): void;
  symbolDone?(result: SymbolDownload): void;
}

export interface HistoryDownloadResult {
  readonly start: number;
  readonly end: number;
  readonly symbols: readonly SymbolDownload[];
  /** Requests made by this run. */
  readonly requests: number;
  /** Why an existing manifest was ignored, if it was. */
  readonly manifestProblem: string | undefined;
}

/** A chunk could not be fetched or stored; what was complete before it stays on disk for the next run. */
export class HistoryDownloadError extends Error {
  override readonly name = 'HistoryDownloadError';

  constructor(
    readonly symbol: string,
    readonly chunk: HistoryChunk | undefined,
    override readonly cause: unknown,
    message: string,
  ) {
    super(message);
  }
}

const CSV_HEADER = 'date,open,high,low,close,volume\n';

/** The names of the files a download of `symbols` writes into its directory (to check the directory up front). */
export function historyFileNames(symbols: readonly string[]): string[] {
  return [FETCH_MANIFEST_NAME, ...symbols.flatMap((s) => [`${s}.csv`, `${s}.csv.partial`, `${s}.csv.tmp`])];
}

function partialPath(directory: string, symbol: string): string {
  return join(directory, `${symbol}.csv.partial`);
}

function finalPath(directory: string, symbol: string): string {
  return join(directory, `${symbol}.csv`);
}

/** The bars of a chunk that belong to it: periods starting in [start, end), strictly increasing. */
function chunkBars(bars: readonly Bar[], chunk: HistoryChunk, size: BarSize): Bar[] {
  const kept: Bar[] = [];
  let last = -Infinity;
  for (const bar of bars) {
    const period = periodStart(size, bar.time);
    if (period < chunk.start || period >= chunk.end || bar.time <= last) continue;
    kept.push(bar);
    last = bar.time;
  }
  return kept;
}

/** CSV rows (no header) of bars, exactly as writeBarCsv formats them. */
function csvRows(symbol: string, bars: readonly Bar[]): Buffer {
  const builder = new BarSeriesBuilder(symbol, bars.length);
  for (const b of bars) builder.push(b.time, b.open, b.high, b.low, b.close, b.volume);
  return formatBarCsv(builder.build()).subarray(CSV_HEADER.length);
}

/** Appends and flushes to disk before the manifest says the bytes are there. */
function appendDurably(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'a');
  try {
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/** Runs `worker` over `items` with at most `limit` at a time; stops taking new items once `stop()` is true. */
async function pool<T>(items: readonly T[], limit: number, stop: () => boolean, worker: (item: T) => Promise<void>) {
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < items.length && !stop()) await worker(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}

/**
 * Downloads bars of several symbols into `SYMBOL.csv` files, one request per chunk of the range (see
 * planHistoryChunks), oldest first. Each chunk's bars are appended to `SYMBOL.csv.partial` and recorded in the
 * directory's manifest; the finished partial file is rewritten as the complete `SYMBOL.csv` (via a temporary file
 * and a rename), so a file with the final name is always complete. A later run with the same parameters skips
 * complete symbols and continues partial ones after their last recorded chunk, to the end the interrupted run
 * chose. Without an end (or with one still in the future) the end is the source's "now": once everything is
 * complete, a later run downloads again up to the new "now".
 *
 * Symbols run in parallel (`concurrency` requests in flight overall, a symbol prefetching the chunks after the one
 * it writes); the first failure stops new requests and is thrown as a HistoryDownloadError once every symbol has
 * stopped writing (prefetched requests still open are left to the caller's disconnection).
 */
export async function downloadHistory(
  source: HistorySource,
  request: HistoryDownloadRequest,
  progress: DownloadProgress = {},
): Promise<HistoryDownloadResult> {
  const { directory, barSize, useRth, whatToShow } = request;
  const symbols = [...new Set(request.symbols)];
  // Each symbol names files in `directory`: one that is not a symbol could name a path outside it. Callers take
  // symbols through parseSymbol at their edge; this guards the file names for every caller.
  const bad = symbols.find((symbol) => !isSymbol(symbol));
  if (bad !== undefined) throw new RangeError(`${JSON.stringify(bad)} is not ${SYMBOL_EXPECTED}`);
  mkdirSync(directory, { recursive: true });
  const manifest = FetchManifest.open(directory);
  const asked = {
    barSize: barSize.text,
    duration: formatHistoryDuration(request.duration),
    end: request.end?.text ?? null,
    whatToShow,
    useRth,
  };
  // An end in the future is "now": the bars after it do not exist yet, and a later run must not take the symbol
  // for complete. An interrupted run's end holds until it is finished.
  const resolved =
    interruptedEnd(manifest, symbols, asked) ?? Math.min(request.end?.time ?? Infinity, await source.now());
  const parameters: FetchParameters = { ...asked, resolvedEnd: formatStamp(resolved) };
  const end = completeBarsEnd(resolved, barSize, useRth);
  const start = firstBarStart(historyRangeStart(end, request.duration), barSize);
  const chunks = planHistoryChunks({ barSize, start, end, useRth });

  const states = symbols.map((symbol) => prepare(directory, manifest, symbol, parameters, chunks.length));
  progress.planned?.({
    start,
    end,
    symbols: states.map((s) => ({ symbol: s.symbol, chunks: chunks.length, done: s.done })),
  });

  let requests = 0;
  let failure: HistoryDownloadError | undefined;
  const results = new Map<string, SymbolDownload>();
  const active = states.filter((s) => s.status !== 'complete');
  for (const s of states) {
    if (s.status !== 'complete') continue;
    const result: SymbolDownload = {
      symbol: s.symbol,
      status: 'skipped',
      bars: s.bars,
      chunks: chunks.length,
      fetched: 0,
      path: s.bars > 0 ? finalPath(directory, s.symbol) : undefined,
    };
    results.set(s.symbol, result);
    progress.symbolDone?.(result);
  }
  const workers = Math.max(1, Math.min(request.concurrency, active.length));
  const lookahead = Math.max(1, Math.floor(request.concurrency / workers));

  await pool(
    active,
    workers,
    () => failure !== undefined,
    async (state) => {
      const { symbol } = state;
      const fetchChunk = (chunk: HistoryChunk): Promise<Bar[]> => {
        requests++;
        return source.fetch({ symbol, barSize, end: chunk.end, duration: chunk.duration });
      };
      const inFlight = new Map<number, Promise<Bar[]>>();
      const startFetch = (index: number): void => {
        if (index >= chunks.length || inFlight.has(index) || failure !== undefined) return;
        const fetched = fetchChunk(chunks[index]!);
        // Settled in order below; a prefetch failing first must not count as unhandled.
        fetched.catch(() => undefined);
        inFlight.set(index, fetched);
      };
      let fetchedCount = 0;
      for (let index = state.done; index < chunks.length; index++) {
        if (failure !== undefined) return;
        for (let ahead = index; ahead < index + lookahead; ahead++) startFetch(ahead);
        const chunk = chunks[index]!;
        let bars: Bar[];
        try {
          bars = await inFlight.get(index)!;
        } catch (error) {
          failure ??= chunkFailure(symbol, chunk, index, chunks.length, error);
          return;
        }
        inFlight.delete(index);
        fetchedCount++;
        const kept = chunkBars(bars, chunk, barSize);
        try {
          state.record(index + 1, kept);
        } catch (error) {
          failure ??= chunkFailure(symbol, chunk, index, chunks.length, error);
          return;
        }
        progress.chunkDone?.({
          symbol,
          done: index + 1,
          chunks: chunks.length,
          bars: kept.length,
          symbolBars: state.bars,
        });
      }
      let result: SymbolDownload;
      try {
        result = { ...state.finish(), fetched: fetchedCount };
      } catch (error) {
        failure ??= chunkFailure(symbol, undefined, chunks.length, chunks.length, error);
        return;
      }
      results.set(symbol, result);
      progress.symbolDone?.(result);
    },
  );
  if (failure !== undefined) throw failure;
  return {
    start,
    end,
    symbols: symbols.map((s) => results.get(s)!),
    requests,
    manifestProblem: manifest.problem,
  };
}

/** "2024-01-05 16:00:00": how the manifest records an exchange time. */
function formatStamp(time: number): string {
  const text = formatTime(time);
  return text.length === 10 ? `${text} 00:00:00` : text;
}

/** The end an interrupted run with the same request chose, when one of the symbols is still partial. */
function interruptedEnd(
  manifest: FetchManifest,
  symbols: readonly string[],
  asked: Omit<FetchParameters, 'resolvedEnd'>,
): number | undefined {
  for (const symbol of symbols) {
    const entry = manifest.get(symbol);
    if (entry === undefined || entry.status !== 'partial' || !sameRequest(entry, asked)) continue;
    const time = parseTime(entry.resolvedEnd);
    if (Number.isFinite(time)) return time;
  }
  return undefined;
}

function chunkFailure(
  symbol: string,
  chunk: HistoryChunk | undefined,
  index: number,
  total: number,
  error: unknown,
): HistoryDownloadError {
  const text = error instanceof Error ? error.message : String(error);
  // Sources name the symbol too; once is enough.
  const reason = text.startsWith(`${symbol}: `) ? text.slice(symbol.length + 2) : text;
  const where =
    chunk === undefined
      ? 'while completing its file'
      : `at request ${index + 1} of ${total} (${formatTime(chunk.start)} to ${formatTime(chunk.end)})`;
  return new HistoryDownloadError(symbol, chunk, error, `${symbol} failed ${where}: ${reason}`);
}

interface SymbolState {
  readonly symbol: string;
  readonly status: 'partial' | 'complete';
  /** Chunks already in the partial file (all for a complete symbol). */
  readonly done: number;
  readonly bars: number;
  /** Appends a chunk's bars and records that `done` chunks are in. */
  record(done: number, bars: readonly Bar[]): void;
  /** Turns the partial file into SYMBOL.csv (or nothing, without bars) and marks the symbol complete. */
  finish(): Omit<SymbolDownload, 'fetched'>;
}

/** Where a symbol stands: complete, resumable from its last chunk, or to be started afresh. */
function prepare(
  directory: string,
  manifest: FetchManifest,
  symbol: string,
  parameters: FetchParameters,
  chunks: number,
): SymbolState {
  const partial = partialPath(directory, symbol);
  const final = finalPath(directory, symbol);
  const entry = manifest.get(symbol);
  const same =
    entry !== undefined &&
    sameRequest(entry, parameters) &&
    entry.resolvedEnd === parameters.resolvedEnd &&
    entry.chunks === chunks;
  let current: FetchEntry;
  if (same && entry.status === 'complete' && (entry.bars === 0 || existsSync(final))) {
    current = entry;
  } else if (same && entry.status === 'partial' && (fileSize(partial) ?? -1) >= entry.partialBytes) {
    // Bytes past the recorded length belong to a chunk the interrupted run did not finish.
    truncateSync(partial, entry.partialBytes);
    current = entry;
  } else {
    // An older SYMBOL.csv stays until the new one replaces it by rename: it is complete, for its own request.
    rmSync(partial, { force: true });
    appendDurably(partial, Buffer.from(CSV_HEADER, 'latin1'));
    current = {
      ...parameters,
      status: 'partial',
      chunks,
      chunksDone: 0,
      partialBytes: CSV_HEADER.length,
      bars: 0,
    };
    manifest.set(symbol, current);
  }
  return {
    symbol,
    status: current.status,
    done: current.chunksDone,
    get bars() {
      return current.bars;
    },
    record(done, bars) {
      let bytes = 0;
      if (bars.length > 0) {
        const rows = csvRows(symbol, bars);
        appendDurably(partial, rows);
        bytes = rows.length;
      }
      current = {
        ...current,
        chunksDone: done,
        partialBytes: current.partialBytes + bytes,
        bars: current.bars + bars.length,
      };
      manifest.set(symbol, current);
    },
    finish() {
      let path: string | undefined;
      if (current.bars > 0) {
        // Rewritten from the parsed rows: the file is then exactly what writeBarCsv makes of the bars, and checked
        // by the very reader `ets backtest` uses.
        const { series } = loadBarFile(partial, symbol);
        const temporary = `${final}.tmp`;
        writeBarCsv(temporary, series);
        renameSync(temporary, final);
        path = final;
      }
      // No bars (a weekend, a holiday, a symbol not yet listed): a SYMBOL.csv already there stays as it was, rather
      // than years of data going for a request that brought nothing.
      current = { ...current, status: 'complete' };
      manifest.set(symbol, current);
      rmSync(partial, { force: true });
      return {
        symbol,
        status: current.bars > 0 ? 'written' : 'empty',
        bars: current.bars,
        chunks,
        path,
      };
    },
  };
}
