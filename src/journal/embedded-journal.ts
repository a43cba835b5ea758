import { existsSync, renameSync, rmSync } from 'node:fs';
import { isAccount, otherAccount, recordedAccount } from './journal-account.js';
import { journalFiles, journalMeta } from './open-journal.js';
import { TradingJournal } from './trading-journal.js';
import { JournalWriterLock } from './writer-lock.js';

/** The journal's meta key that marks a journal of sessions on the embedded gateway without a state file. */
const EMBEDDED_KEY = 'embedded_gateway';

/** `journal-X.sqlite` → `journal-X.kept-20261205T203600.sqlite`: where a journal that is not to be replaced goes. */
function keptName(path: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return path.endsWith('.sqlite') ? `${path.slice(0, -7)}.kept-${stamp}.sqlite` : `${path}.kept-${stamp}`;
}

/** The journal of an embedded run without a state file, checked and locked, to be started anew when asked. */
export interface EmbeddedJournalRestart {
  /**
   * Starts the journal anew (see restartEmbeddedJournal) and lets go of the lock, for the session's journal to take
   * it; returns the name an earlier journal that is not to be replaced was kept under, or null.
   */
  replace(): string | null;
  /** Lets go of the journal, left as it was: the run ends before its session began. */
  release(): void;
}

/**
 * Checks, before anything is done, that the journal at `path` may be started anew for an embedded run without a
 * state file, and holds its writer lock until it is replaced or released. Refused and left as it is: a file that is
 * not an intact journal, another account's journal, and one a running session is writing. Nothing is changed until
 * `replace`, so a run that ends before its session begins leaves the earlier journal as it was.
 */
export function prepareEmbeddedJournal(path: string, account: string, now?: Date): EmbeddedJournalRestart {
  const meta = existsSync(path) ? journalMeta(path) : null;
  const owner = meta?.get('account');
  if (owner !== undefined && !isAccount(owner, account)) throw otherAccount(path, owner, account);
  const lock = JournalWriterLock.take(path);
  return {
    replace: () => {
      let kept: string | null = null;
      try {
        if (meta === null) {
          // Side files without their journal (a reservation log, say) belong to no account: never imported into
          // this one.
          for (const file of journalFiles(path)) rmSync(file, { force: true });
        } else if (meta.has(EMBEDDED_KEY)) {
          for (const file of journalFiles(path)) rmSync(file, { force: true });
        } else {
          const target = keptName(path, now ?? new Date());
          journalFiles(path).forEach((file, i) => {
            if (existsSync(file)) renameSync(file, journalFiles(target)[i]!);
          });
          kept = target;
        }
        const journal = TradingJournal.open(path, recordedAccount(account));
        journal.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(EMBEDDED_KEY, 'no state file');
        journal.close();
      } finally {
        lock.release();
      }
      return kept;
    },
    release: () => {
      lock.release();
    },
  };
}

/**
 * Starts the journal of a session on the embedded gateway without a state file anew. That gateway opens a new paper
 * account on every run, so a journal an earlier such run left describes an account that no longer exists, and goes.
 * A journal of the account that such a run did not write (sessions on TWS / IB Gateway or a gateway with a state
 * file, or a run of a version that did not mark its journals) is kept under another name with its side files, and
 * that name is returned. Refused and left as it is: a file that is not an intact journal, another account's journal,
 * and one a running session is writing. The new journal is marked as the embedded gateway's.
 */
export function restartEmbeddedJournal(path: string, account: string, now = new Date()): string | null {
  return prepareEmbeddedJournal(path, account, now).replace();
}
