import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeResultDirectory } from '../performance/result-directory.js';
import type { TradingKernel } from '../core/trading-kernel.js';
import { JournalError } from './journal-error.js';
import { journalEngine } from './journal-observer.js';
import { journalFiles, openJournalForReading } from './open-journal.js';
import { TradingJournal, type JournalSessionInfo } from './trading-journal.js';

/** The account name a backtest's journal carries (a live journal carries the IB account's). */
export const BACKTEST_ACCOUNT = 'backtest';

/** A live journal is the record of real orders: a backtest never replaces one. */
function refuseLiveJournal(file: string): void {
  if (!existsSync(file)) return;
  const db = openJournalForReading(file);
  try {
    const live = db.prepare("SELECT count(*) AS n FROM sessions WHERE mode = 'live'").get() as { n: number };
    if (live.n > 0) throw new JournalError(`${file} is the journal of live sessions: a backtest does not replace it`);
  } finally {
    db.close();
  }
}

/**
 * A backtest's journal, in the live journal's schema so that the two compare in SQL. The run writes into
 * FILE.partial inside one transaction, and the file takes its name only when the run has succeeded: a failed run
 * leaves no journal, and an earlier backtest's journal stays until a new one replaces it.
 */
export class BacktestJournal {
  private readonly partial: string;
  private flush: (() => void) | undefined;

  private constructor(
    private readonly file: string,
    private readonly journal: TradingJournal,
    private readonly undoDirectory: () => void,
  ) {
    this.partial = `${file}.partial`;
  }

  static open(file: string, session: Omit<JournalSessionInfo, 'mode'>): BacktestJournal {
    refuseLiveJournal(file);
    const partial = `${file}.partial`;
    for (const file of journalFiles(partial)) rmSync(file, { force: true });
    const undoDirectory = makeResultDirectory(dirname(file));
    let journal: TradingJournal;
    try {
      journal = TradingJournal.open(partial, BACKTEST_ACCOUNT);
    } catch (error) {
      undoDirectory();
      throw error;
    }
    journal.db.exec('BEGIN');
    journal.startSession({ mode: 'backtest', ...session });
    return new BacktestJournal(file, journal, undoDirectory);
  }

  /** Journals the kernel's orders, fills, refusals and equity as the run goes. */
  observe(kernel: TradingKernel): void {
    kernel.engine.observe({
      onOrder: (event) => {
        this.journal.reserve(event);
      },
    });
    this.flush = journalEngine(kernel, this.journal).finishEquity;
  }

  /** The run succeeded: commit and give the file its name. */
  finish(reason: string): void {
    this.flush?.();
    const span = this.journal.db.prepare('SELECT min(time) AS first, max(time) AS last FROM equity').get() as {
      first: number | null;
      last: number | null;
    };
    // The run's exchange-time span, known only now: `ets journal summary` shows it and `--since` filters on it.
    this.journal.db.prepare('UPDATE sessions SET started_at = ? WHERE id = ?').run(span.first, this.journal.session);
    this.journal.stopSession(span.last ?? Number.NaN, reason);
    this.journal.db.exec('COMMIT');
    this.journal.db.pragma('wal_checkpoint(TRUNCATE)');
    this.journal.db.pragma('journal_mode = DELETE');
    this.journal.close();
    renameSync(this.partial, this.file);
  }

  /** The run failed: nothing of it stays. */
  abort(): void {
    this.journal.close();
    for (const file of journalFiles(this.partial)) rmSync(file, { force: true });
    this.undoDirectory();
  }
}
