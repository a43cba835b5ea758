import type Database from 'better-sqlite3';
import { JournalError } from './journal-error.js';
import { sqlite } from './open-journal.js';

/**
 * One live session writes a journal at a time. The ids a session hands out are checked against the journal's in
 * memory, and a start imports and empties the reservation log: a second writer would do both behind the first one's
 * back. The lock is an SQLite connection in exclusive locking mode on a small file beside the journal (FILE-lock),
 * which the operating system lets go of when the process ends, however it ends (kill -9 included); readers of the
 * journal (`ets journal`) never touch it.
 */
export class JournalWriterLock {
  private constructor(private readonly db: Database.Database) {}

  static take(journalPath: string): JournalWriterLock {
    let db: Database.Database | undefined;
    try {
      db = new (sqlite())(`${journalPath}-lock`);
      db.pragma('busy_timeout = 0');
      db.pragma('locking_mode = EXCLUSIVE');
      // In exclusive locking mode the lock a transaction takes is kept until the connection closes.
      db.exec('BEGIN EXCLUSIVE; COMMIT');
      return new JournalWriterLock(db);
    } catch (error) {
      db?.close();
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
        throw new JournalError(
          `the journal ${journalPath} is being written by another running live session: one session per journal`,
        );
      }
      throw new JournalError(`cannot lock the journal ${journalPath}: ${(error as Error).message}`);
    }
  }

  release(): void {
    if (this.db.open) this.db.close();
  }
}
