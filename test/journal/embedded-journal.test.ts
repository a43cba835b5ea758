import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restartEmbeddedJournal } from '../../src/journal/embedded-journal.js';
import { openJournalForReading } from '../../src/journal/open-journal.js';
import { TradingJournal } from '../../src/journal/trading-journal.js';
import { JournalWriterLock } from '../../src/journal/writer-lock.js';
import { useTempDir } from '../data/temp-dir.js';

const SESSION = { mode: 'live', version: '0.1.0', configHash: 'abc', strategy: 'sma_crossover' } as const;

function sessions(path: string): number {
  const db = openJournalForReading(path);
  try {
    return (db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** A journal of one session, as a run that wrote it leaves it. */
function journalWithSession(path: string, account: string, embedded: boolean): void {
  if (embedded) restartEmbeddedJournal(path, account);
  const journal = TradingJournal.open(path, account);
  journal.startSession(SESSION);
  journal.close();
}

describe('restartEmbeddedJournal', () => {
  const temp = useTempDir();

  it("starts the embedded gateway's journal anew, and only a journal of its own", () => {
    const path = join(temp.path(), 'journal.sqlite');
    journalWithSession(path, 'DU1', true);
    expect(sessions(path)).toBe(1);
    restartEmbeddedJournal(path, 'DU1');
    expect(sessions(path)).toBe(0);
  });

  it('keeps a journal of TWS / IB Gateway sessions under another name, and starts a new one', () => {
    const external = join(temp.path(), 'external.sqlite');
    journalWithSession(external, 'DU1', false);
    const kept = restartEmbeddedJournal(external, 'DU1', new Date('2026-12-05T20:36:00Z'));
    expect(kept).toBe(join(temp.path(), 'external.kept-20261205T203600.sqlite'));
    expect(sessions(kept!)).toBe(1);
    expect(sessions(external)).toBe(0);
    // A journal the embedded gateway marked is simply replaced.
    expect(restartEmbeddedJournal(external, 'DU1')).toBeNull();
  });

  it("refuses, untouched, another account's journal and a file that is not one", () => {
    const other = join(temp.path(), 'other.sqlite');
    journalWithSession(other, 'DU2', true);
    expect(() => {
      restartEmbeddedJournal(other, 'DU1');
    }).toThrow(`the journal ${other} belongs to another account whose id masks as DU*** too: each account has its own`);
    expect(sessions(other)).toBe(1);

    const notes = temp.write('notes.txt', 'my notes\n');
    expect(() => {
      restartEmbeddedJournal(notes, 'DU1');
    }).toThrow('is not an SQLite database');
    expect(readFileSync(notes, 'utf8')).toBe('my notes\n');
    expect(() => {
      restartEmbeddedJournal(temp.path(), 'DU1');
    }).toThrow('is not a file');
  });

  it('refuses the journal a running session is writing', () => {
    const path = join(temp.path(), 'running.sqlite');
    journalWithSession(path, 'DU1', true);
    const running = JournalWriterLock.take(path);
    try {
      expect(() => {
        restartEmbeddedJournal(path, 'DU1');
      }).toThrow('is being written by another running live session');
      expect(sessions(path)).toBe(1);
    } finally {
      running.release();
    }
  });
});
