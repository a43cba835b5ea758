import { closeSync, existsSync, fsyncSync, openSync } from 'node:fs';
import type { OrderRequest } from '../domain/order.js';
import { JournalError } from './journal-error.js';
import type { JournalDatabase } from './open-journal.js';
import type { LoggedReservation } from './reservation-log.js';

function syncToDisk(file: string): void {
  if (!existsSync(file)) return;
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the reservations of a log into the journal (`insert` skips orders the journal has already) in one
 * transaction, then syncs the journal's files to disk: only then may the log be emptied, so that not even a power
 * cut right after can lose a reservation that was only in the log. A reservation of a session the journal does not
 * have means the log belongs to another journal (one removed by hand, say): refused, the log left as it is.
 */
export function importReservations(
  db: JournalDatabase,
  path: string,
  pending: readonly LoggedReservation[],
  insert: (order: OrderRequest, time: number, session: number) => void,
): void {
  const known = db.prepare('SELECT 1 FROM sessions WHERE id = ?').pluck();
  for (const record of pending) {
    if (known.get(record.session) === undefined) {
      throw new JournalError(
        `the reservation log beside ${path} names session ${record.session}, which the journal does not have: ` +
          "it is not this journal's (both left as they are)",
      );
    }
  }
  db.transaction(() => {
    for (const record of pending) for (const order of record.orders) insert(order, record.time, record.session);
  })();
  syncToDisk(`${path}-wal`);
  syncToDisk(path);
}
