import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { journalPath, openLiveJournal } from '../../src/cli/live-journal-setup.js';
import { validateConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { openJournalForReading } from '../../src/journal/open-journal.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';

const work = mkdtempSync(join(tmpdir(), 'ets-journal-setup-'));

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function config(gateway: 'embedded' | 'external', stateFile: string | null) {
  return validateConfig(
    {
      ibkr: { gateway, embedded: { state_file: stateFile } },
      live: { results_directory: join(work, gateway, String(stateFile !== null)) },
    },
    'test.yaml',
  );
}

/** A session that began (and ended) in the config's journal. */
function beganSession(c: Config): void {
  const opened = openLiveJournal(c, undefined);
  opened.journal.begin(new Portfolio({ initialCash: 1000, settlementDays: 0 }), 0, c.live.results_directory);
  opened.close();
}

/** Rows of a journal's table. */
function rows(path: string, table: 'sessions' | 'orders'): unknown {
  const db = openJournalForReading(path);
  try {
    return db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get();
  } finally {
    db.close();
  }
}

describe('the live journal of a session', () => {
  it('is named by the masked account, unless a journal named by the whole id is there from an earlier version', () => {
    const c = config('external', null);
    const results = c.live.results_directory;
    expect(journalPath(c)).toBe(join(results, 'journal-DU1___567.sqlite'));
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, 'journal-DU1234567.sqlite'), '');
    expect(journalPath(c)).toBe(join(results, 'journal-DU1234567.sqlite'));
    rmSync(join(results, 'journal-DU1234567.sqlite'));
  });

  it("gives an account whose mask is another's (DU1999567 beside DU1234567) a journal of its own name", () => {
    const results = join(work, 'two-accounts');
    const of = (account_id: string) =>
      validateConfig({ ibkr: { account_id }, live: { results_directory: results } }, 'test.yaml');
    const [first, second] = [of('DU1234567'), of('DU1999567')];
    beganSession(first);
    const digest = createHash('sha256').update('DU1999567').digest('hex').slice(0, 8);
    expect(journalPath(second)).toBe(join(results, `journal-DU1___567-${digest}.sqlite`));
    beganSession(second);
    for (const [c, path] of [
      [first, 'journal-DU1___567.sqlite'],
      [second, `journal-DU1___567-${digest}.sqlite`],
    ] as const) {
      expect(journalPath(c)).toBe(join(results, path));
      expect(rows(journalPath(c), 'sessions')).toEqual({ n: 1 });
    }
  });

  it('starts anew on the embedded gateway without a state file: the account of an earlier run is gone', () => {
    const c = config('embedded', null);
    const path = journalPath(c);
    beganSession(c);
    // The journal an earlier such run left is replaced, never read: a reservation log of the old account's journal
    // would otherwise be imported into the new one.
    const order = { id: 5, symbol: 'AAPL', side: 'BUY', quantity: 1, type: 'MKT', tif: 'DAY', purpose: 'entry' };
    writeFileSync(
      `${path}-reservations`,
      `${JSON.stringify({ session: 1, time: 0, orders: [{ ...order, createdAt: 0 }] })}\n`,
    );
    const opened = openLiveJournal(c, undefined);
    expect(opened.journal.resumed).toBe(false);
    opened.journal.begin(new Portfolio({ initialCash: 1000, settlementDays: 0 }), 0, c.live.results_directory);
    opened.close();
    expect(rows(path, 'sessions')).toEqual({ n: 1 });
    expect(rows(path, 'orders')).toEqual({ n: 0 });
    // Anything else at the path is refused and left as it is (see prepareEmbeddedJournal).
    writeFileSync(path, 'my notes');
    expect(() => openLiveJournal(c, undefined)).toThrow('is not an SQLite database');
    expect(readFileSync(path, 'utf8')).toBe('my notes');
    rmSync(path);
  });

  it('on the embedded gateway without a state file, replaces the journal only when the session begins', () => {
    const c = config('embedded', null);
    const path = journalPath(c);
    beganSession(c);
    // The database and its reservation log (reading a journal in WAL mode may leave SQLite's empty -wal and -shm).
    const files = (): (string | null)[] =>
      [path, `${path}-reservations`].map((f) =>
        existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : null,
      );
    const before = files();
    // Refused before its session began (an unknown symbol, TWS never answered): the earlier journal is untouched.
    const opened = openLiveJournal(c, undefined);
    expect(opened.journal.resumed).toBe(false);
    // While the run holds it, no other session starts on it.
    expect(() => openLiveJournal(c, undefined)).toThrow('is being written by another running live session');
    opened.close();
    expect(files()).toEqual(before);
    expect(rows(path, 'sessions')).toEqual({ n: 1 });
    // With none before it, a run that never began leaves none.
    rmSync(join(work, 'embedded'), { recursive: true, force: true });
    openLiveJournal(c, undefined).close();
    expect(existsSync(join(work, 'embedded'))).toBe(false);
  });

  it('keeps an existing journal for a broker that keeps its state (and refuses one that is not a journal)', () => {
    for (const c of [config('external', null), config('embedded', join(work, 'gateway-state.json'))]) {
      const path = journalPath(c);
      openLiveJournal(c, undefined).journal.close();
      writeFileSync(path, 'not a journal');
      expect(() => openLiveJournal(c, undefined)).toThrow();
      expect(existsSync(path)).toBe(true);
    }
  });

  it('leaves nothing when no session began in a journal the run created, and keeps any other', () => {
    const c = config('external', null);
    const path = journalPath(c);
    rmSync(join(work, 'external'), { recursive: true, force: true });
    // TWS never answered: the journal made for the session goes, with the directories made for it.
    openLiveJournal(c, undefined).close();
    expect(existsSync(join(work, 'external'))).toBe(false);
    // A session began: it stays.
    beganSession(c);
    expect(existsSync(path)).toBe(true);
    // A journal an earlier run left stays when this one fails to start.
    openLiveJournal(c, undefined).close();
    expect(rows(path, 'sessions')).toEqual({ n: 1 });
  });
});
