import type { BarFile } from '../data/bar-files.js';
import { mergingPays } from '../data/bar-thread-rules.js';
import type { MergedBarsOptions } from '../data/merged-bars-protocol.js';
import { MergedBarsThread } from '../data/merged-bars-thread.js';
import { openStreamsOf } from '../data/open-bar-streams.js';
import { StreamFeed, type FileFeed } from './bar-feed.js';
import type { BarThread } from './bar-threads.js';
import { MergedFeed } from './merged-feed.js';

/**
 * The feed of a backtest's files, opened (a file that cannot be fails here). `thread`: `true` starts the one the
 * files want; one given is used when it serves them (its owner closes it too); `false` parses on this thread.
 */
export function openFileFeed(
  files: readonly BarFile[],
  options: MergedBarsOptions,
  thread: boolean | BarThread,
): FileFeed {
  const merging =
    thread === true
      ? mergingPays(files)
        ? MergedBarsThread.start(files, options)
        : null
      : thread instanceof MergedBarsThread && thread.serves(files, options)
        ? thread
        : null;
  if (merging !== null) {
    try {
      merging.open();
    } catch (error) {
      merging.close();
      throw error;
    }
    return new MergedFeed(merging);
  }
  const readAhead = thread instanceof MergedBarsThread ? false : thread;
  return new StreamFeed(openStreamsOf(files, { ...options, readAhead }));
}
