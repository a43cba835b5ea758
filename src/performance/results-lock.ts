import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { holderFile, lockHolder, takeProcessLock, type ProcessLock } from '../journal/process-lock.js';
import { makeResultDirectory } from './result-directory.js';

/** Another run writes the results directory (exit code 1, see exit-codes.ts). */
export class ResultsLockedError extends Error {
  override readonly name = 'ResultsLockedError';
}

/** The process lock of a results directory: a small file in it, with its holder's id beside it. */
const LOCK_NAME = '.session-lock';

/** A results directory held by this run, until released. */
export interface ResultsLock {
  release(): void;
}

/**
 * One run writes a results directory at a time — a live session (read-only ones as trading ones), a backtest, an
 * optimisation or a walk-forward analysis: a second would start the first one's files anew under it, interleave its
 * rows with them, or clear them as an earlier run's while the first still writes. The second is refused before it
 * starts anything, with one line naming the directory and the first run's process id. The lock is a process lock
 * (see takeProcessLock), so a run killed outright blocks no later one.
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
      `${directory}: another ets run${pid === null ? '' : ` (PID ${pid})`} is writing its results into this directory; one run per results directory at a time`,
    );
  }
  const held = lock;
  return {
    release: () => {
      // A run refused before it wrote anything leaves the directory as it found it, made for it or not. The
      // lock's files go before the lock does: a run starting meanwhile is refused, as while this one ran.
      // (SQLite's journal of the lock file goes when the lock does.)
      if (readdirSync(directory).every((name) => name.startsWith(LOCK_NAME))) {
        for (const name of [LOCK_NAME, holderFile(LOCK_NAME)]) rmSync(join(directory, name), { force: true });
      }
      held.release();
      undoDirectory();
    },
  };
}

/** Runs `work` holding the results directory (see lockResultsDirectory), and lets go of it however `work` ends. */
export async function holdingResultsDirectory<T>(directory: string, work: () => Promise<T>): Promise<T> {
  const lock = lockResultsDirectory(directory);
  try {
    return await work();
  } finally {
    lock.release();
  }
}
