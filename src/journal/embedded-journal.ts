import { existsSync, rmSync } from 'node:fs';
import { maskAccount } from '../live/live-safety.js';
import { JournalError } from './journal-error.js';
import { journalFiles, openJournalForReading } from './open-journal.js';
import { TradingJournal } from './trading-journal.js';
import { JournalWriterLock } from './writer-lock.js';

/** The journal's meta key that marks a journal of sessions on the embedded gateway without a state file. */
const EMBEDDED_KEY = 'embedded_gateway';

/** The journal's meta keys and values, read after checking that it is an intact journal. */
function metaOf(path: string): Map<string, string> {
  const db = openJournalForReading(path);
  try {
    const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
    return new Map(rows.map((row) => [row.key, row.value]));
  } finally {
    db.close();
  }
}

/**
 * Starts the journal of a session on the embedded gateway without a state file anew. That gateway opens a new paper
 * account on every run, so a journal an earlier such run left describes an account that no longer exists, and goes;
 * anything else at the path is refused and left as it is: a file that is not an intact journal, another account's
 * journal, one that sessions on TWS / IB Gateway (or a gateway with a state file) wrote, or one a running session is
 * writing. The new journal is marked as the embedded gateway's.
 */
export function restartEmbeddedJournal(path: string, account: string): void {
  if (existsSync(path)) {
    const meta = metaOf(path);
    const owner = meta.get('account');
    if (owner !== undefined && owner !== account) {
      throw new JournalError(
        `the journal ${path} belongs to account ${maskAccount(owner)}, not ${maskAccount(account)}: each account has its own`,
      );
    }
    if (!meta.has(EMBEDDED_KEY)) {
      throw new JournalError(
        `the journal ${path} holds sessions on TWS / IB Gateway (or an embedded gateway with a state file): a session ` +
          'on the embedded gateway without one starts a journal of its own; set live.journal_file (or ' +
          'live.results_directory) to another place, or delete the file',
      );
    }
    const lock = JournalWriterLock.take(path);
    try {
      for (const file of journalFiles(path)) rmSync(file, { force: true });
    } finally {
      lock.release();
    }
  } else {
    // Side files without their journal (a reservation log, say) belong to no account: never imported into this one.
    for (const file of journalFiles(path)) rmSync(file, { force: true });
  }
  const journal = TradingJournal.open(path, account);
  journal.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(EMBEDDED_KEY, 'no state file');
  journal.close();
}
