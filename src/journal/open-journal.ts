import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import { JournalError } from './journal-error.js';
import { reservationLogPath } from './reservation-log.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

export type JournalDatabase = Database.Database;

let driver: typeof Database | undefined;

/**
 * The SQLite driver, loaded when a journal is first opened: its native module costs a run that keeps no journal
 * (most backtests) a tenth of a second of start-up.
 */
export function sqlite(): typeof Database {
  driver ??= createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return driver;
}

/**
 * How hard a commit waits for the disk. The journal runs in WAL mode, where `normal` writes each commit to the
 * operating system (a process killed right after a commit loses nothing) and syncs the disk at checkpoints only: a
 * power cut may lose the last few commits but never corrupts the file. `full` adds an fsync of the WAL to every
 * commit, which survives a power cut too at the price of a disk flush on the bar → order path. `normal` is the
 * default because what a power cut could take is what the broker still knows: its nextValidId is above every id it
 * has seen, and its executions are reconciled on start.
 */
export type JournalSync = 'normal' | 'full';

const SQLITE_HEADER = 'SQLite format 3\0';

function header(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** The version of an existing file, after checking that it is an intact journal; nothing is written to it. */
function inspect(path: string): number {
  const stats = statSync(path);
  if (!stats.isFile()) throw new JournalError(`the journal ${path} is not a file: expected an SQLite database file`);
  if (stats.size > 0 && header(path) !== SQLITE_HEADER) {
    throw new JournalError(`the journal ${path} is not an SQLite database: left as it is`);
  }
  let db: JournalDatabase | undefined;
  try {
    db = new (sqlite())(path, { readonly: true, fileMustExist: true });
    const version = db.pragma('user_version', { simple: true }) as number;
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw new JournalError(`the journal ${path} is corrupt (${check}): left as it is`);
    if (version === 0) {
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
      if (tables.n > 0)
        throw new JournalError(`${path} is an SQLite database but not a trading journal: left as it is`);
    }
    return version;
  } catch (error) {
    if (error instanceof JournalError) throw error;
    throw new JournalError(`the journal ${path} cannot be read (${(error as Error).message}): left as it is`);
  } finally {
    db?.close();
  }
}

function newer(path: string, version: number): JournalError {
  return new JournalError(
    `the journal ${path} has schema version ${version}, newer than this program's ${SCHEMA_VERSION}: ` +
      'use the newer version of ets with it (the file is left as it is)',
  );
}

/** Every file of a journal: the database, SQLite's WAL and its index, and the live session's reservation log. */
export function journalFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`, reservationLogPath(path)];
}

/** Opens a journal to read: it must exist and be one this program understands. */
export function openJournalForReading(path: string): JournalDatabase {
  if (!existsSync(path)) throw new JournalError(`no journal at ${path}`);
  const version = inspect(path);
  if (version > SCHEMA_VERSION) throw newer(path, version);
  if (version === 0) throw new JournalError(`the journal ${path} is empty`);
  return new (sqlite())(path, { readonly: true, fileMustExist: true });
}

/** The key-value facts a journal keeps about itself (its account among them). */
export function journalMeta(path: string): Map<string, string> {
  const db = openJournalForReading(path);
  try {
    const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
    return new Map(rows.map((row) => [row.key, row.value]));
  } finally {
    db.close();
  }
}

/**
 * Opens (creating it if needed) a journal to write, in WAL mode with the given synchronous level, and brings its
 * schema up to date. A file that is not an intact journal, or one of a newer schema, is refused before anything is
 * written to it.
 */
export function openJournalForWriting(path: string, sync: JournalSync): JournalDatabase {
  const version = existsSync(path) ? inspect(path) : 0;
  if (version > SCHEMA_VERSION) throw newer(path, version);
  let db: JournalDatabase;
  try {
    db = new (sqlite())(path);
  } catch (error) {
    throw new JournalError(`cannot open the journal ${path}: ${(error as Error).message}`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}
