import {
  closeSync,
  existsSync,
  fdatasyncSync,
  ftruncateSync,
  fstatSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import type { OrderRequest } from '../domain/order.js';
import { JournalError } from './journal-error.js';
import type { JournalSync } from './open-journal.js';
import { JournalWriterLock } from './writer-lock.js';

/** One order event's reservation as the log holds it: the session, the event's time, the order and its children. */
export interface LoggedReservation {
  readonly session: number;
  readonly time: number;
  readonly orders: readonly OrderRequest[];
}

/** The log beside a journal file. */
export function reservationLogPath(journalPath: string): string {
  return `${journalPath}-reservations`;
}

function isOrder(value: unknown): value is OrderRequest {
  const order = value as Partial<Record<keyof OrderRequest, unknown>> | null;
  return (
    typeof order === 'object' &&
    order !== null &&
    Number.isInteger(order.id) &&
    typeof order.quantity === 'number' &&
    typeof order.createdAt === 'number' &&
    [order.symbol, order.side, order.type, order.tif, order.purpose].every((field) => typeof field === 'string')
  );
}

/**
 * A line of the log, or undefined when it is not a whole one. A line torn by a write cut short is a strict prefix of
 * a JSON object, which never parses, and a block the disk never wrote reads as zeros, which do not either.
 */
function parseLine(line: string): LoggedReservation | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Partial<LoggedReservation>;
  const valid =
    Number.isInteger(record.session) &&
    typeof record.time === 'number' &&
    Array.isArray(record.orders) &&
    record.orders.length > 0 &&
    record.orders.every(isOrder);
  return valid ? (record as LoggedReservation) : undefined;
}

/**
 * The reservations a log holds, in order. Only its tail may be torn (a write the process never saw return, so
 * nothing was sent for it): a bad line with a good one after it means the file is damaged, and it is refused.
 */
function readLog(path: string): LoggedReservation[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const records: LoggedReservation[] = [];
  let torn = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const record = line === '' ? undefined : parseLine(line);
    if (record === undefined) {
      if (torn < 0 && line !== '') torn = i;
      continue;
    }
    if (torn >= 0) {
      throw new JournalError(`the reservation log ${path} is damaged at line ${torn + 1}: left as it is`);
    }
    records.push(record);
  }
  return records;
}

/**
 * Order-id reservations appended to a file beside the journal, one line per order event (the session, the event's
 * time and its orders as JSON), written with a single write() on a file opened once: the only journal write on the
 * bar → placeOrder path. A write that has returned is in the operating system's hands, so a process killed right
 * after it loses nothing, as a commit of the WAL with `synchronous = NORMAL` loses nothing; with `full` each write is
 * also synced to the disk, as each commit then is. The rows of the `orders` table follow in the transaction after
 * the socket read, and a start imports whatever the log holds that the table lacks before it reads the journal.
 */
export class ReservationLog {
  private size: number;
  /** The lines not written yet (see hold), from the buffer's start. */
  private buffer = Buffer.allocUnsafe(16 * 1024);
  private pending = 0;
  private held = false;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    private readonly sync: JournalSync,
    private readonly lock: JournalWriterLock,
  ) {
    this.size = fstatSync(fd).size;
  }

  /**
   * Opens (creating) the log of a journal and returns it with the reservations it holds: those of a process that
   * ended before their rows were committed, and those already in the journal, which the caller skips. The log's
   * writer holds the journal's writer lock until it closes the log.
   */
  static open(journalPath: string, sync: JournalSync): { log: ReservationLog; pending: LoggedReservation[] } {
    const path = reservationLogPath(journalPath);
    const lock = JournalWriterLock.take(journalPath);
    try {
      const pending = existsSync(path) ? readLog(path) : [];
      return { log: new ReservationLog(path, openSync(path, 'a'), sync, lock), pending };
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /**
   * Writes one order event's reservation: when this returns — or, while the log is held, when `release` returns —
   * a restart will know the ids were taken.
   */
  append(session: number, time: number, orders: readonly OrderRequest[]): void {
    const line = `${JSON.stringify({ session, time, orders })}\n`;
    // Encoded once into a buffer the log keeps: Buffer.byteLength and a write() of the string each went over the
    // line again, up to 0.04 ms more on the cold bar → placeOrder path. Three bytes per UTF-16 unit always suffice.
    const room = this.pending + line.length * 3;
    if (room > this.buffer.length) {
      const larger = Buffer.allocUnsafe(Math.max(room, 2 * this.buffer.length));
      this.buffer.copy(larger, 0, 0, this.pending);
      this.buffer = larger;
    }
    this.pending += this.buffer.write(line, this.pending, 'utf8');
    if (!this.held) this.writePending();
  }

  /**
   * From now until `release`, appended lines wait in memory and then leave in one write(): a socket read that makes
   * several orders (one per symbol whose bar crossed) writes their reservations together, before any of its
   * placeOrder messages leaves the socket, instead of a system call each on the way.
   */
  hold(): void {
    this.held = true;
  }

  /** Writes what was appended since `hold`; throws a JournalError when the write fails. */
  release(): void {
    this.held = false;
    if (this.pending > 0) this.writePending();
  }

  /** Empties the log once the journal holds every reservation in it (and has them on disk). */
  clear(): void {
    ftruncateSync(this.fd, 0);
    this.size = 0;
  }

  close(): void {
    try {
      this.release();
    } finally {
      closeSync(this.fd);
      this.lock.release();
    }
  }

  private writePending(): void {
    const length = this.pending;
    this.pending = 0;
    let written: number;
    try {
      written = writeSync(this.fd, this.buffer, 0, length);
      if (this.sync === 'full') fdatasyncSync(this.fd);
    } catch (error) {
      this.undo();
      throw new JournalError(`cannot write the reservation to ${this.path}: ${(error as Error).message}`);
    }
    if (written !== length) {
      this.undo();
      throw new JournalError(`cannot write the reservation to ${this.path}: ${written} of ${length} bytes written`);
    }
    this.size += length;
  }

  /** A write that failed part-way leaves no torn line in front of the next one. */
  private undo(): void {
    try {
      ftruncateSync(this.fd, this.size);
    } catch {
      // The failing disk refuses this too: the torn tail is dropped when the log is next read.
    }
  }
}
