import { JournalError } from './journal-error.js';
import { lockHolder, takeProcessLock, type ProcessLock } from './process-lock.js';

/**
 * One live session writes a journal at a time. The ids a session hands out are checked against the journal's in
 * memory, and a start imports and empties the reservation log: a second writer would do both behind the first one's
 * back. The lock is a process lock (see takeProcessLock) on a small file beside the journal (FILE-lock, its holder's
 * process id in FILE-lock.pid, for the session refused to name it); readers of the journal (`ets journal`) never
 * touch it.
 */
export class JournalWriterLock {
  private constructor(private readonly lock: ProcessLock) {}

  static take(journalPath: string): JournalWriterLock {
    const path = `${journalPath}-lock`;
    let lock: ProcessLock | null;
    try {
      lock = takeProcessLock(path, true);
    } catch (error) {
      throw new JournalError(`cannot lock the journal ${journalPath}: ${(error as Error).message}`);
    }
    if (lock === null) {
      const pid = lockHolder(path);
      throw new JournalError(
        `the journal ${journalPath} is being written by another running live session` +
          `${pid === null ? '' : ` (PID ${pid})`}: one session per journal`,
      );
    }
    return new JournalWriterLock(lock);
  }

  release(): void {
    this.lock.release();
  }
}
