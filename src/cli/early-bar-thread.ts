import { startBarThread, type BarThread } from '../backtest/bar-threads.js';
import { barRange, tradedSymbols } from '../backtest/traded-files.js';
import type { Config } from '../config/schema.js';
import { ThreadShell } from '../core/thread-shell.js';
import { resolveBarFiles } from '../data/bar-files.js';

/**
 * The thread the run's bar files will want (see `startBarThread`), started before the backtest's modules load and
 * its set-up runs rather than as the files are opened: a thread takes 50–90 ms to start; a read-ahead thread's run
 * parses the file itself until it is up, a merging thread opens the files meanwhile. Null when the files want none.
 */
export function earlyBarThread(config: Config): BarThread | null {
  // The shell the `ets` entry started for it, from the command line alone (see barThreadLikely).
  const shell = ThreadShell.take();
  let files;
  try {
    files = resolveBarFiles(config.backtest.csv_directory, tradedSymbols(config));
  } catch {
    // the run says what is wrong with the directory
    shell?.end();
    return null;
  }
  return startBarThread(files, barRange(config), shell);
}
