import type { Config } from '../config/schema.js';
import {
  equityRows,
  eventRows,
  fillRows,
  orderRows,
  positionRows,
  sessionSummary,
  tradeRows,
  type JournalRows,
} from '../journal/journal-queries.js';
import { openJournalForReading, type JournalDatabase } from '../journal/open-journal.js';
import type { JournalView } from './journal-command.js';
import { formatRows, type JournalFormat } from './journal-format.js';
import { journalPath } from './live-journal-setup.js';

const QUERIES: Record<JournalView, (db: JournalDatabase, since: number) => JournalRows> = {
  summary: sessionSummary,
  orders: orderRows,
  fills: fillRows,
  trades: tradeRows,
  positions: positionRows,
  equity: equityRows,
  events: eventRows,
};

export function journalFileOf(config: Config): string {
  return journalPath(config);
}

/** One view of a journal, read-only, formatted. */
export function runJournalView(file: string, view: JournalView, since: number, format: JournalFormat): string {
  const db = openJournalForReading(file);
  try {
    return formatRows(QUERIES[view](db, since), format);
  } finally {
    db.close();
  }
}
