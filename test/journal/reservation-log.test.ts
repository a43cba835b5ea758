import { appendFileSync, closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../src/domain/events.js';
import { JournalError } from '../../src/journal/journal-error.js';
import { readResume } from '../../src/journal/journal-resume.js';
import { openJournalForReading } from '../../src/journal/open-journal.js';
import { reservationLogPath } from '../../src/journal/reservation-log.js';
import { journaledTrades } from '../../src/journal/journal-queries.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/journal/schema.js';
import { TradingJournal } from '../../src/journal/trading-journal.js';
import { entry as order, T0 } from '../adapters/ib/execution-client-harness.js';
import { useTempDir } from '../data/temp-dir.js';

const SESSION = { mode: 'live', version: '0.1.0', configHash: 'abc', strategy: 'sma_crossover' } as const;

function bracket(id: number, time = T0): OrderEvent {
  const child = { side: 'SELL', tif: 'GTC', parentId: id, ocaGroup: `b${id}` } as const;
  return {
    type: 'order',
    time,
    order: order(id),
    children: [
      order(id + 1, { ...child, type: 'STP', stopPrice: 90, purpose: 'stop_loss' }),
      order(id + 2, { ...child, type: 'LMT', limitPrice: 120, purpose: 'take_profit' }),
    ],
  };
}

type Rows = { order_id: number; status: string; parent_id: number | null }[];

describe('the reservation log of a live journal', () => {
  const temp = useTempDir();
  let name = 'journal.sqlite';
  const file = () => join(temp.path(), name);
  beforeEach(() => {
    name = 'journal.sqlite';
  });
  const logLines = () =>
    readFileSync(reservationLogPath(file()), 'utf8')
      .split('\n')
      .filter((l) => l !== '');

  /** A journal as a live session writes it: reservations through the log, the rest after the read. */
  function openLive(): TradingJournal {
    const journal = TradingJournal.open(file(), 'DU1');
    try {
      journal.logReservations(file(), 'normal');
    } catch (error) {
      journal.close();
      throw error;
    }
    journal.startSession(SESSION);
    journal.batchPerTurn();
    return journal;
  }

  /**
   * What a process killed now leaves: its files as they are, the writes queued for the end of the read never
   * committed (and its locks gone, as the operating system lets go of a dead process's).
   */
  function die(journal: TradingJournal): void {
    (journal as unknown as { queued: unknown[] }).queued.length = 0;
    journal.close();
  }

  /** A session that does `steps` and is then killed. */
  function crashAfter(steps: (journal: TradingJournal) => void): void {
    const journal = openLive();
    steps(journal);
    die(journal);
  }

  const orders = (journal: TradingJournal): Rows =>
    journal.db.prepare('SELECT order_id, status, parent_id FROM orders ORDER BY order_id').all() as Rows;

  it('writes a bracket in one line before its rows, which follow with the writes after the read', async () => {
    const journal = openLive();
    journal.reserve(bracket(7));
    expect(logLines()).toHaveLength(1);
    expect(JSON.parse(logLines()[0]!)).toEqual({
      session: 1,
      time: T0,
      orders: [bracket(7).order, ...bracket(7).children],
    });
    expect(orders(journal)).toEqual([]);
    await Promise.resolve();
    expect(orders(journal)).toEqual([
      { order_id: 7, status: 'reserved', parent_id: null },
      { order_id: 8, status: 'reserved', parent_id: 7 },
      { order_id: 9, status: 'reserved', parent_id: 7 },
    ]);
    expect(journal.db.prepare("SELECT count(*) AS n FROM order_events WHERE status = 'reserved'").get()).toEqual({
      n: 3,
    });
    journal.close();
  });

  it('writes the reservations of a socket read together when they are released, before anything leaves', () => {
    const journal = openLive();
    journal.reserve(bracket(1));
    journal.holdReservations();
    journal.reserve(bracket(4));
    journal.reserve(bracket(7));
    // What a process killed now leaves: only the reservation written before the read; nothing of the read was sent.
    expect(logLines()).toHaveLength(1);
    journal.releaseReservations();
    expect(logLines().map((line) => (JSON.parse(line) as { orders: { id: number }[] }).orders[0]!.id)).toEqual([
      1, 4, 7,
    ]);
    // Released, the log writes each reservation again as it comes.
    journal.reserve(bracket(10));
    expect(logLines()).toHaveLength(4);
    // Held many times over the buffer's size, the lines are written whole and in order.
    journal.holdReservations();
    for (let id = 13; id < 13 + 3 * 200; id += 3) journal.reserve(bracket(id));
    journal.releaseReservations();
    const ids = logLines().map((line) => (JSON.parse(line) as { orders: { id: number }[] }).orders[0]!.id);
    expect(ids).toEqual(Array.from({ length: 204 }, (_, i) => 1 + 3 * i));
    journal.close();
  });

  it('a held write that fails throws a JournalError naming the log, and the reservations after it still go', () => {
    const journal = openLive();
    journal.holdReservations();
    journal.reserve(bracket(1));
    const log = (journal as unknown as { log: { file: { fd: number } } }).log.file;
    const fd = log.fd;
    // A descriptor that refuses writes stands for a failing disk.
    log.fd = openSync(file(), 'r');
    expect(() => {
      journal.releaseReservations();
    }).toThrow(new RegExp(`^cannot write the reservation to ${reservationLogPath(file())}: EBADF`));
    closeSync(log.fd);
    log.fd = fd;
    expect(logLines()).toEqual([]);
    journal.reserve(bracket(4));
    expect(logLines()).toHaveLength(1);
    journal.close();
  });

  it('refuses an id the journal has, before writing anything', () => {
    const journal = openLive();
    journal.reserve(bracket(7));
    expect(() => {
      journal.reserve(bracket(9));
    }).toThrow(new JournalError('order id 9 was reserved before: not sent again'));
    journal.accepted(order(40), T0);
    expect(() => {
      journal.reserve(bracket(40));
    }).toThrow(/order id 40 was reserved before/);
    expect(logLines()).toHaveLength(1);
    journal.close();
  });

  it('a process killed after the reservation: the next start imports it as reserved and empties the log', () => {
    crashAfter((journal) => {
      journal.reserve(bracket(1));
      journal.sent(bracket(1));
    });
    const second = openLive();
    expect(orders(second)).toEqual([
      { order_id: 1, status: 'reserved', parent_id: null },
      { order_id: 2, status: 'reserved', parent_id: 1 },
      { order_id: 3, status: 'reserved', parent_id: 1 },
    ]);
    expect(second.db.prepare('SELECT DISTINCT session_id FROM orders').pluck().all()).toEqual([1]);
    expect(readResume(second.db)).toMatchObject({ nextOrderId: 4, reserved: [1, 2, 3] });
    expect(readFileSync(reservationLogPath(file()), 'utf8')).toBe('');
    expect(() => {
      second.reserve(bracket(3));
    }).toThrow(/order id 3 was reserved before/);
    second.close();
  });

  it('skips what the journal already holds, and drops a line torn at the end', () => {
    crashAfter((journal) => {
      journal.reserve(bracket(1));
      journal.flush();
      journal.status(1, T0, 'sent');
      journal.flush();
      journal.reserve(bracket(4));
    });
    const torn = JSON.stringify({ session: 1, time: T0, orders: [order(7)] });
    appendFileSync(reservationLogPath(file()), torn.slice(0, 60));
    const second = openLive();
    expect(orders(second).map((r) => [r.order_id, r.status])).toEqual([
      [1, 'sent'],
      [2, 'reserved'],
      [3, 'reserved'],
      [4, 'reserved'],
      [5, 'reserved'],
      [6, 'reserved'],
    ]);
    expect(second.db.prepare('SELECT count(*) FROM order_events WHERE order_id = 1').pluck().get()).toBe(2);
    second.close();
  });

  it('refuses a log damaged before its end, and one of another journal, leaving both as they are', () => {
    crashAfter((journal) => {
      journal.reserve(bracket(1));
      journal.reserve(bracket(4));
    });
    const log = reservationLogPath(file());
    const lines = readFileSync(log, 'utf8').split('\n');
    const damaged = [lines[0]!.replace('"quantity":100', '"quantity":1\u0000'), ...lines.slice(1)].join('\n');
    writeFileSync(log, damaged);
    const journalBytes = readFileSync(file());
    expect(() => openLive()).toThrow(
      new JournalError(`the reservation log ${log} is damaged at line 1: left as it is`),
    );
    expect(readFileSync(log, 'utf8')).toBe(damaged);
    expect(readFileSync(file()).equals(journalBytes)).toBe(true);

    writeFileSync(log, `${JSON.stringify({ session: 9, time: T0, orders: [order(70)] })}\n`);
    expect(() => openLive()).toThrow(/names session 9, which the journal does not have/);
    expect(existsSync(log)).toBe(true);
  });

  it('lets one session at a time write a journal', () => {
    const first = openLive();
    expect(() => openLive()).toThrow(
      new JournalError(
        `the journal ${file()} is being written by another running live session (PID ${process.pid}): one session per journal`,
      ),
    );
    first.reserve(bracket(1));
    first.flush();
    // Readers take no lock: `ets journal` reads while the session writes.
    const reader = openJournalForReading(file());
    expect(reader.prepare('SELECT order_id FROM orders ORDER BY order_id').pluck().all()).toEqual([1, 2, 3]);
    reader.close();
    first.close();
    const second = openLive();
    expect(orders(second).map((r) => r.order_id)).toEqual([1, 2, 3]);
    second.close();
  });

  it('property: whenever the process dies, every id reserved is in the journal once, none sent is lost', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 6 }), {
          minLength: 1,
          maxLength: 4,
        }),
        (runs) => {
          name = `journal-${runs.length}-${Math.random().toString(36).slice(2)}.sqlite`;
          const reserved: number[] = [];
          let nextId = 1;
          for (const run of runs) {
            const journal = openLive();
            // Each step: a bracket, whether it was held with its socket read's others (and released as the read's
            // messages left), and whether the read ended (its writes committed) before the next.
            for (const [held, readEnded] of run) {
              if (held) journal.holdReservations();
              journal.reserve(bracket(nextId));
              if (held) journal.releaseReservations();
              reserved.push(nextId, nextId + 1, nextId + 2);
              nextId += 3;
              if (readEnded) journal.flush();
            }
            die(journal);
          }
          const last = openLive();
          expect(orders(last).map((r) => r.order_id)).toEqual(reserved);
          const events = last.db
            .prepare("SELECT order_id FROM order_events WHERE status = 'reserved' ORDER BY order_id")
            .pluck()
            .all();
          expect(events).toEqual(reserved);
          expect(readResume(last.db).nextOrderId).toBe(nextId);
          last.close();
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('journal schema migrations', () => {
  const temp = useTempDir();

  it('opens a journal of the first version, migrating it in place and keeping its rows', () => {
    const path = join(temp.path(), 'v1.sqlite');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    db.exec(`INSERT INTO meta (key, value) VALUES ('account', 'DU1');
      INSERT INTO sessions (id, mode, account, version, config_hash, strategy, started_wall) VALUES
        (1, 'live', 'DU1', '0.1.0', 'x', 'sma', '2024-10-17T14:00:00Z');
      INSERT INTO orders (order_id, session_id, symbol, side, quantity, type, tif, purpose, created_at, status,
        updated_at) VALUES (5, 1, 'AAPL', 'BUY', 100, 'MKT', 'DAY', 'entry', 1, 'accepted', 1);
      INSERT INTO executions (exec_id, seq, session_id, order_id, symbol, side, quantity, price, commission, time,
        purpose) VALUES ('e5', 1, 1, 5, 'AAPL', 'BUY', 40, 100, 1, 2, 'entry');
      INSERT INTO positions (session_id, time, symbol, quantity, average_cost, last_price, source) VALUES
        (1, 2, 'AAPL', 40, 100, 100, 'fill');`);
    db.close();
    const journal = TradingJournal.open(path, 'DU1');
    journal.logReservations(path, 'normal');
    expect(journal.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(5);
    // Its positions were not opened by a flip that the journal knows of.
    expect(journal.db.prepare('SELECT flip_exec_id, flip_share FROM positions').all()).toEqual([
      { flip_exec_id: null, flip_share: null },
    ]);
    expect(journal.db.prepare("SELECT value FROM meta WHERE key = 'reservation_log'").pluck().get()).toMatch(
      /FILE-reservations/,
    );
    // Its executions were journaled with IB's commission or without a word: none counts as an estimate.
    expect(readResume(journal.db)).toMatchObject({ resumed: true, nextOrderId: 6, open: [5], estimated: [] });
    expect(journal.db.prepare('SELECT commission_estimated FROM executions').pluck().all()).toEqual([0]);
    // Its sessions' trades were never journaled: the trades table is not taken for all of them.
    expect(journaledTrades(journal.db)).toBeNull();
    expect(() => {
      journal.reserve(bracket(5));
    }).toThrow(/order id 5 was reserved before/);
    journal.close();
  });
});
