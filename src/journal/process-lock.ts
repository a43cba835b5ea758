import type Database from 'better-sqlite3';
import { sqlite } from './open-journal.js';

/** A lock held by this process until released or until the process ends. */
export interface ProcessLock {
  release(): void;
}

/**
 * Takes the lock on `path` (created if missing), or returns null when another process holds it. The lock is an
 * SQLite connection in exclusive locking mode on that small file, which the operating system lets go of when the
 * process ends, however it ends (kill -9 included): no stale lock is ever left to remove by hand. Other failures
 * (a directory that refuses files) throw.
 */
export function takeProcessLock(path: string): ProcessLock | null {
  let db: Database.Database | undefined;
  try {
    db = new (sqlite())(path);
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    // In exclusive locking mode the lock a transaction takes is kept until the connection closes.
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    db?.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return null;
    throw error;
  }
  const held = db;
  return {
    release: () => {
      if (held.open) held.close();
    },
  };
}
