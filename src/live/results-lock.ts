import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { holderFile, lockHolder, takeProcessLock, type ProcessLock } from '../journal/process-lock.js';
import { makeResultDirectory } from '../performance/result-directory.js';

/** Another live session writes the results directory (exit code 1, see exit-codes.ts). */
export class ResultsLockedError extends Error {
  override readonly name = 'ResultsLockedError';
}

/** The process lock of a live session's results directory: a small file in it, with its holder's id beside it. */
const LOCK_NAME = '.session-lock';

/** A results directory held by this session, until released. */
export interface ResultsLock {
  release(): void;
}

/**
 * One live session writes a results directory at a time, read-only sessions in theirs as trading ones in theirs: a
 * second would start the first one's files anew under it, or interleave its rows with them. The second is refused
 * before it starts anything, with one line naming the directory and the first session's process id. The lock is a
 * process lock (see takeProcessLock), so a session killed outright blocks no later one.
 */
export function lockResultsDirectory(directory: string): ResultsLock {
  const undoDirectory = makeResultDirectory(directory);
  const path = join(directory, LOCK_NAME);
  let lock: ProcessLock | null;
  try {
    lock = takeProcessLock(path, true);
  } catch (error) {
    undoDirectory();
    throw error;
  }
  if (lock === null) {
    const pid = lockHolder(path);
    throw new ResultsLockedError(
      `${directory}: another ets live session${pid === null ? '' : ` (PID ${pid})`} is writing its results into this directory; one session per results directory at a time`,
    );
  }
  const held = lock;
  return {
    release: () => {
      // A session refused before it wrote anything leaves the directory as it found it, made for it or not. The
      // lock's files go before the lock does: a session starting meanwhile is refused, as while this one ran.
      // (SQLite's journal of the lock file goes when the lock does.)
      if (readdirSync(directory).every((name) => name.startsWith(LOCK_NAME))) {
        for (const name of [LOCK_NAME, holderFile(LOCK_NAME)]) rmSync(join(directory, name), { force: true });
      }
      held.release();
      undoDirectory();
    },
  };
}
