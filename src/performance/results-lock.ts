import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { holderFile, lockHolder, runningProcess, takeProcessLock, type ProcessLock } from '../journal/process-lock.js';
import { makeResultDirectory } from './result-directory.js';

/** Another run writes the results directory (exit code 1, see exit-codes.ts). */
export class ResultsLockedError extends Error {
  override readonly name = 'ResultsLockedError';
}

/** The process lock of a results directory: a small file in it, with its holder's id beside it. */
const LOCK_NAME = '.session-lock';

/** A results directory held by this session, until released. */
export interface ResultsLock {
  release(): void;
}

/** The refusal of a run on a directory another run holds, naming that run's process when it is known. */
function lockedBy(directory: string, pid: number | null): ResultsLockedError {
  return new ResultsLockedError(
    `${directory}: another ets run${pid === null ? '' : ` (PID ${pid})`} is writing its results into this directory; one run per results directory at a time`,
  );
}

/**
 * One live session writes a results directory at a time, read-only ones as trading ones: a second would start the
 * first one's files anew under it, or interleave its rows with them. The second is refused before it starts
 * anything, with one line naming the directory and the first session's process id. The lock is a process lock (see
 * takeProcessLock), so a session killed outright blocks no later one.
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
  if (lock === null) throw lockedBy(directory, lockHolder(path));
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

/** The lock of a backtest, an optimisation or a walk-forward analysis: a file holding the run's process id. */
const RUN_LOCK_NAME = '.run-lock';

/**
 * Runs a backtest, an optimisation or a walk-forward analysis (`work`) as the one run writing `directory`: a second
 * would write the same temporary files and clear the first one's results as an earlier run's. It is refused before
 * it starts, with one line naming the directory and the first run's process id. The lock is a file created only if
 * absent, holding the run's process id, and removed when the run ends; one left by a run killed outright names a
 * process that is gone, and is taken over. (Not the live sessions' lock, which needs the SQLite driver a backtest
 * does not otherwise load: a tenth of a second of start-up, and a native build an installation may lack.)
 */
export async function holdingResultsDirectory<T>(directory: string, work: () => Promise<T>): Promise<T> {
  const undoDirectory = makeResultDirectory(directory);
  const path = join(directory, RUN_LOCK_NAME);
  let taken: boolean;
  try {
    taken = takeRunLock(path);
  } catch (error) {
    undoDirectory();
    throw error;
  }
  if (!taken) throw lockedBy(directory, runningProcess(path));
  try {
    return await work();
  } finally {
    rmSync(path, { force: true });
    undoDirectory();
  }
}

/** Creates the lock file with this process's id, taking over one a process that is gone left; false when held. */
function takeRunLock(path: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (runningProcess(path) !== null || justCreated(path)) return false;
    rmSync(path, { force: true });
  }
  return false;
}

/** A lock file another run has made and not written its id into yet (creating and writing are two steps). */
function justCreated(path: string): boolean {
  try {
    const stat = statSync(path);
    return stat.size === 0 && Date.now() - stat.mtimeMs < 5_000;
  } catch {
    return false;
  }
}
