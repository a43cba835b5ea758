import type { ThreadShell } from '../core/thread-shell.js';
import type { BarFile } from '../data/bar-files.js';
import { mergingPays, readAheadPays } from '../data/bar-thread-rules.js';
import { CsvReadAhead } from '../data/csv-read-ahead.js';
import type { MergedBarsOptions } from '../data/merged-bars-protocol.js';
import { MergedBarsThread } from '../data/merged-bars-thread.js';

// Light on imports, as traded-files.ts: `ets backtest` starts the thread before it loads the backtest's modules.

/** A second thread for a run's bar files: one that parses a few large files ahead, or one that merges many. */
export type BarThread = CsvReadAhead | MergedBarsThread;

/**
 * The thread a run's files want, started (in `shell`, when given one): a merging thread for many files, a read-ahead
 * thread for a few large ones, none for a few megabytes (a thread takes 50–150 ms to start). A shell not wanted is
 * ended.
 */
export function startBarThread(
  files: readonly BarFile[],
  options: MergedBarsOptions,
  shell: ThreadShell | null = null,
): BarThread | null {
  if (mergingPays(files)) return MergedBarsThread.start(files, options, undefined, shell);
  if (readAheadPays(files)) return CsvReadAhead.start({ endWhenUnused: true, shell });
  shell?.end();
  return null;
}
