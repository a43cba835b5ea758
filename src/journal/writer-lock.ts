import { JournalError } from './journal-error.js';
import { takeProcessLock, type ProcessLock } from './process-lock.js';

/**
 * One live session writes a journal at a time. The ids a session hands out are checked against the journal's in
 * memory, and a start imports and empties the reservation log: a second writer would do both behind the first one's
 * back. The lock is a process lock (see takeProcessLock) on a small file beside the journal (FILE-lock); readers of
 * the journal (`ets journal`) never touch it.
 */
export class JournalWriterLock {
  private constructor(private readonly lock: ProcessLock) {}

  static take(journalPath: string): JournalWriterLock {
    let lock: ProcessLock | null;
    try {
      lock = takeProcessLock(`${journalPath}-lock`);
    } catch (error) {
      throw new JournalError(`cannot lock the journal ${journalPath}: ${(error as Error).message}`);
    }
    if (lock === null) {
      throw new JournalError(
        `the journal ${journalPath} is being written by another running live session: one session per journal`,
      );
    }
    return new JournalWriterLock(lock);
  }

  release(): void {
    this.lock.release();
  }
}
