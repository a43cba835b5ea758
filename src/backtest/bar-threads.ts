import type { BarFile } from '../data/bar-files.js';
import { mergingPays, readAheadPays } from '../data/bar-thread-rules.js';
import { CsvReadAhead } from '../data/csv-read-ahead.js';
import type { MergedBarsOptions } from '../data/merged-bars-protocol.js';
import { MergedBarsThread } from '../data/merged-bars-thread.js';

// Light on imports, as traded-files.ts: `ets backtest` starts the thread before it loads the backtest's modules.

/** A second thread for a run's bar files: one that parses a few large files ahead, or one that merges many. */
export type BarThread = CsvReadAhead | MergedBarsThread;

/**
 * The thread a run's files want, started: a merging thread for many files, a read-ahead thread for a few large
 * ones, none for a few megabytes (a thread takes 50–90 ms to start).
 */
export function startBarThread(files: readonly BarFile[], options: MergedBarsOptions): BarThread | null {
  if (mergingPays(files)) return MergedBarsThread.start(files, options);
  return readAheadPays(files) ? CsvReadAhead.start({ endWhenUnused: true }) : null;
}
