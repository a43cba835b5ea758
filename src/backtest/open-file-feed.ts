import type { BarFile } from '../data/bar-files.js';
import { CsvReadAhead } from '../data/csv-read-ahead.js';
import type { MergedBarsOptions } from '../data/merged-bars-protocol.js';
import { MergedBarsThread } from '../data/merged-bars-thread.js';
import { openStreamsOf } from '../data/open-bar-streams.js';
import { StreamFeed, type FileFeed } from './bar-feed.js';
import { startBarThread, type BarThread } from './bar-threads.js';
import { MergedFeed } from './merged-feed.js';

/**
 * The feed of a backtest's files, opened (a file that cannot be fails here). `thread`: `true` starts the one the
 * files want (startBarThread); one given is used when it serves them (its owner closes it too); `false` parses on
 * this thread.
 */
export function openFileFeed(
  files: readonly BarFile[],
  options: MergedBarsOptions,
  thread: boolean | BarThread,
): FileFeed {
  const given = thread === true ? startBarThread(files, options) : thread === false ? null : thread;
  if (given instanceof MergedBarsThread && given.serves(files, options)) {
    try {
      given.open();
    } catch (error) {
      given.close();
      throw error;
    }
    return new MergedFeed(given);
  }
  const readAhead = given instanceof CsvReadAhead ? given : false;
  return new StreamFeed(openStreamsOf(files, { ...options, readAhead }));
}
