import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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
 *
 * With `recordHolder`, this process's id goes into PATH.pid while it holds the lock, for a process refused it to
 * name the holder (see lockHolder); the lock file itself cannot say, as nothing can read it while it is held.
 */
export function takeProcessLock(path: string, recordHolder = false): ProcessLock | null {
  let db: Database.Database | undefined;
  try {
    db = new (sqlite())(path);
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    // In exclusive locking mode the lock a transaction takes is kept until the connection closes.
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    if (recordHolder) writeFileSync(holderFile(path), `${process.pid}\n`);
  } catch (error) {
    db?.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return null;
    throw error;
  }
  const held = db;
  return {
    release: () => {
      if (!held.open) return;
      // Removed while the lock is held: once it is let go, the file may be the next holder's already.
      if (recordHolder) rmSync(holderFile(path), { force: true });
      held.close();
    },
  };
}

/** Where the holder of the lock on `path` records its process id. */
export function holderFile(path: string): string {
  return `${path}.pid`;
}

/**
 * The process id the holder of the lock on `path` recorded (see takeProcessLock), or null when there is none or no
 * process of that id runs: a holder that was killed leaves its file behind, naming a process that is gone.
 */
export function lockHolder(path: string): number | null {
  return runningProcess(holderFile(path));
}

/** The process id a file records (its first line), or null when there is none or no process of that id runs. */
export function runningProcess(file: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: running, as another user.
    return (error as { code?: unknown }).code === 'EPERM' ? pid : null;
  }
}
