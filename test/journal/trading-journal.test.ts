import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CommissionCorrectedEvent, OrderEvent } from '../../src/domain/events.js';
import type { Fill } from '../../src/domain/fill.js';
import { validateConfig } from '../../src/config/load-config.js';
import { createTradingKernel } from '../../src/core/trading-kernel.js';
import { JournalError } from '../../src/journal/journal-error.js';
import { journalEngine } from '../../src/journal/journal-observer.js';
import { readResume } from '../../src/journal/journal-resume.js';
import { journaledTrades, sessionSummary } from '../../src/journal/journal-queries.js';
import { openJournalForReading } from '../../src/journal/open-journal.js';
import { LiveJournal } from '../../src/journal/live-journal.js';
import { SCHEMA_VERSION } from '../../src/journal/schema.js';
import { recordedAccount } from '../../src/journal/journal-account.js';
import { TradingJournal } from '../../src/journal/trading-journal.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import { entry as order, T0 } from '../adapters/ib/execution-client-harness.js';
import { useTempDir } from '../data/temp-dir.js';

const SESSION = { mode: 'live', version: '0.1.0', configHash: 'abc', strategy: 'sma_crossover' } as const;

function bracket(id: number): OrderEvent {
  const child = { side: 'SELL', tif: 'GTC', parentId: id, ocaGroup: `b${id}` } as const;
  return {
    type: 'order',
    time: T0,
    order: order(id),
    children: [
      order(id + 1, { ...child, type: 'STP', stopPrice: 90, purpose: 'stop_loss' }),
      order(id + 2, { ...child, type: 'LMT', limitPrice: 120, purpose: 'take_profit' }),
    ],
  };
}

function fill(execId: string, orderId: number, quantity: number, price = 100): Fill {
  return { execId, orderId, symbol: 'AAPL', side: 'BUY', quantity, price, commission: 1, time: T0, purpose: 'entry' };
}

/** IB's commission for execution e1 of order 1, booked with the estimate 1: 0.35. */
const correction = (time: number): CommissionCorrectedEvent => ({
  type: 'commission_corrected',
  time,
  execId: 'e1',
  orderId: 1,
  symbol: 'AAPL',
  side: 'BUY',
  fillTime: T0,
  commission: 0.35,
  estimate: 1,
});

const position = (quantity: number) => ({
  symbol: 'AAPL',
  quantity,
  averageCost: 100,
  lastPrice: 101,
  openedAt: T0,
  entryCommission: quantity / 100,
});

/** The engine of a session with `cash`, journaled into `journal` as a live session's is. */
function journaledKernel(journal: TradingJournal, cash: number) {
  let id = 1;
  const kernel = createTradingKernel(validateConfig({}), {
    strategy: 'sma_crossover',
    params: {},
    initialCash: cash,
    protectiveStops: false,
    nextOrderId: () => id++,
  });
  journalEngine(kernel, journal);
  return kernel;
}

describe('TradingJournal', () => {
  const temp = useTempDir();
  const file = () => join(temp.path(), 'journal.sqlite');

  function open(): TradingJournal {
    const journal = TradingJournal.open(file(), 'DU1');
    journal.startSession(SESSION);
    return journal;
  }

  it('creates the schema in WAL mode at the current version', () => {
    const journal = open();
    expect(journal.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(journal.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(journal.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    journal.close();
    const full = TradingJournal.open(file(), 'DU1', 'full');
    expect(full.db.pragma('synchronous', { simple: true })).toBe(2);
    full.close();
  });

  it('reserves a bracket in one go and never twice', () => {
    const journal = open();
    journal.reserve(bracket(7));
    const rows = journal.db.prepare('SELECT order_id, status, parent_id FROM orders ORDER BY order_id').all();
    expect(rows).toEqual([
      { order_id: 7, status: 'reserved', parent_id: null },
      { order_id: 8, status: 'reserved', parent_id: 7 },
      { order_id: 9, status: 'reserved', parent_id: 7 },
    ]);
    expect(() => {
      journal.reserve(bracket(9));
    }).toThrow(JournalError);
    // The failed reservation left nothing behind: the transaction rolled back order 10 and 11 with 9.
    expect(journal.db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 3 });
    expect(readResume(journal.db).nextOrderId).toBe(10);
    journal.close();
  });

  it('applies an execution once, with the book it left, and keeps final statuses', () => {
    const journal = open();
    journal.reserve(bracket(1));
    journal.status(1, T0, 'sent');
    journal.accepted(order(1), T0);
    expect(journal.remaining(1)).toBe(100);
    expect(journal.fill(fill('e1', 1, 40), position(40), 96_000, 96_000)).toBe(true);
    expect(journal.remaining(1)).toBe(60);
    expect(journal.fill(fill('e1', 1, 40), position(80), 92_000, 92_000)).toBe(false);
    expect(journal.fill(fill('e2', 1, 60), position(100), 90_000, 90_000)).toBe(true);
    journal.status(1, T0, 'cancelled', 'late report');
    const row = journal.db.prepare('SELECT status, filled FROM orders WHERE order_id = 1').get();
    expect(row).toEqual({ status: 'filled', filled: 100 });
    const resume = readResume(journal.db);
    expect(resume.execIds).toEqual(['e1', 'e2']);
    expect(resume.book).toEqual({
      cash: 90_000,
      settledCash: 90_000,
      positions: [
        { symbol: 'AAPL', quantity: 100, averageCost: 100, lastPrice: 101, openedAt: T0, entryCommission: 1 },
      ],
    });
    expect(resume.open).toEqual([2, 3]);
    expect(resume.reserved).toEqual([2, 3]);
    journal.close();
  });

  it("takes the venue's commission for an execution journaled with the estimate, with the book it left", () => {
    const journal = open();
    journal.reserve(bracket(1));
    journal.fill(fill('e1', 1, 100), position(100), 89_999, 89_999);
    journal.commission(
      correction(T0 + 60_000),
      { ...position(100), entryCommission: 0.35 },
      89_999.65,
      89_999.65,
      true,
    );
    expect(journal.db.prepare('SELECT commission FROM executions WHERE exec_id = ?').get('e1')).toEqual({
      commission: 0.35,
    });
    expect(readResume(journal.db).book).toEqual({
      cash: 89_999.65,
      settledCash: 89_999.65,
      positions: [
        { symbol: 'AAPL', quantity: 100, averageCost: 100, lastPrice: 101, openedAt: T0, entryCommission: 0.35 },
      ],
    });
    journal.close();
  });

  it('takes the difference into the trade the corrected execution closed, for the shares it closed', () => {
    const journal = open();
    journal.fill(fill('e1', 1, 100), position(100), 89_999, 89_999);
    // A sale of 150 booked with the estimate 1.5: it closes the 100 held (a trade) and opens a short of 50.
    const sale = { ...fill('e2', 2, 150, 110), side: 'SELL', commission: 1.5, commissionEstimated: true } as const;
    journal.fill(sale, { ...position(-50), averageCost: 110 }, 106_497.5, 106_497.5);
    journal.trade('e2', {
      symbol: 'AAPL',
      entryTime: T0,
      entryPrice: 100,
      exitTime: T0,
      exitPrice: 110,
      quantity: 100,
      pnl: 998,
      commission: 2,
    });
    journal.commission(
      { ...correction(T0 + 60_000), execId: 'e2', orderId: 2, side: 'SELL', commission: 0.6, estimate: 1.5 },
      { ...position(-50), averageCost: 110 },
      106_498.4,
      106_498.4,
      true,
    );
    // Two thirds of the 0.9 refunded belong to the 100 shares the trade closed.
    const row = journal.db.prepare("SELECT commission, pnl FROM trades WHERE exec_id = 'e2'").get() as {
      commission: number;
      pnl: number;
    };
    expect(row.commission).toBeCloseTo(1.4, 12);
    expect(row.pnl).toBeCloseTo(998.6, 12);
    expect(journal.db.prepare("SELECT commission_estimated FROM executions WHERE exec_id = 'e2'").pluck().get()).toBe(
      0,
    );
    journal.close();
  });

  it("journals a session's commission correction as the engine books it", () => {
    const journal = open();
    const { engine, portfolio } = journaledKernel(journal, 10_000);
    const bought = fill('e1', 1, 10);
    engine.receive({ type: 'fill', time: T0, fill: bought });
    engine.receive(correction(T0 + 1_000));
    expect(portfolio.cash).toBeCloseTo(10_000 - 1_000 - 0.35, 9);
    expect(journal.db.prepare('SELECT commission FROM executions').all()).toEqual([{ commission: 0.35 }]);
    expect(readResume(journal.db).book).toMatchObject({
      cash: portfolio.cash,
      positions: [{ symbol: 'AAPL', quantity: 10, entryCommission: 0.35 }],
    });
    journal.close();
  });

  it("gives an opening fill's correction to the trades that closed its position, once that has closed", () => {
    const journal = open();
    const { engine, portfolio } = journaledKernel(journal, 100_000);
    const at = (minutes: number) => T0 + minutes * 60_000;
    const sale = (execId: string, quantity: number, time: number): Fill => ({
      ...fill(execId, 2, quantity, 110),
      side: 'SELL',
      time,
      purpose: 'exit',
    });
    // 100 bought with the estimate 1, sold as 60 and 40 (two trades), 10 bought again; then the first buy's report.
    engine.receive({ type: 'fill', time: T0, fill: { ...fill('e1', 1, 100), commissionEstimated: true } });
    engine.receive({ type: 'fill', time: at(1), fill: sale('e2', 60, at(1)) });
    engine.receive({ type: 'fill', time: at(2), fill: sale('e3', 40, at(2)) });
    engine.receive({ type: 'fill', time: at(3), fill: { ...fill('e4', 3, 10), time: at(3) } });
    const before = journaledTrades(journal.db)!;
    engine.receive(correction(at(4)));
    const after = journaledTrades(journal.db)!;
    // 0.65 refunded: 60 % of it to the first trade, 40 % to the second, as the entry commission was split.
    expect(after.map((t, k) => t.commission - before[k]!.commission)).toEqual([
      expect.closeTo(-0.39, 12),
      expect.closeTo(-0.26, 12),
    ]);
    expect(after.map((t, k) => t.pnl - before[k]!.pnl)).toEqual([expect.closeTo(0.39, 12), expect.closeTo(0.26, 12)]);
    // The trades now carry every commission of the shares they closed: IB's 0.35 and the sales' 1 + 1.
    expect(after.reduce((sum, t) => sum + t.commission, 0)).toBeCloseTo(2.35, 12);
    // The position opened since keeps its own entry commission; cash has the refund.
    expect(portfolio.position('AAPL')).toMatchObject({ quantity: 10, entryCommission: 1 });
    expect(portfolio.cash).toBeCloseTo(100_000 - 10_000 + 11_000 - 1_000 - 3 - 0.35, 9);
    journal.close();
  });

  it('splits the correction of a fill that closed one position and opened another over both, once both closed', () => {
    const journal = open();
    const { engine } = journaledKernel(journal, 100_000);
    const at = (minutes: number) => T0 + minutes * 60_000;
    engine.receive({ type: 'fill', time: T0, fill: fill('e1', 1, 100) });
    // 150 sold with the estimate 1.5: the long's 100 closed (a trade), a short of 50 opened, closed by a buy of 50.
    const sale: Fill = {
      ...fill('e2', 2, 150, 110),
      side: 'SELL',
      time: at(1),
      commission: 1.5,
      commissionEstimated: true,
    };
    engine.receive({ type: 'fill', time: at(1), fill: sale });
    engine.receive({ type: 'fill', time: at(2), fill: { ...fill('e3', 3, 50, 105), time: at(2) } });
    const before = journaledTrades(journal.db)!;
    engine.receive({
      ...correction(at(3)),
      execId: 'e2',
      side: 'SELL',
      fillTime: at(1),
      commission: 0.6,
      estimate: 1.5,
    });
    const after = journaledTrades(journal.db)!;
    // Of the 0.9 refunded, 100/150 to the long's trade, 50/150 to the short's.
    expect(after.map((t) => t.quantity)).toEqual([100, -50]);
    expect(after.map((t, k) => t.commission - before[k]!.commission)).toEqual([
      expect.closeTo(-0.6, 12),
      expect.closeTo(-0.3, 12),
    ]);
    expect(after.reduce((sum, t) => sum + t.commission, 0)).toBeCloseTo(1 + 0.6 + 1, 12);
    journal.close();
  });

  it('keeps the flip that opened a position across a restart: a late report corrects it for its share only', () => {
    const journal = open();
    const { engine } = journaledKernel(journal, 100_000);
    engine.receive({ type: 'fill', time: T0, fill: fill('e1', 1, 100) });
    // 150 sold with the estimate 1.5: the long's 100 closed, a short of 50 opened by a third of the execution.
    const sale: Fill = { ...fill('e2', 2, 150, 110), side: 'SELL', time: T0 + 60_000, commission: 1.5 };
    engine.receive({ type: 'fill', time: sale.time, fill: sale });
    journal.close();
    const resumed = LiveJournal.open({
      path: file(),
      account: 'DU1',
      sync: 'normal',
      orphanOrders: 'keep',
      session: SESSION,
    });
    expect(resumed.resume.book?.positions).toEqual([
      expect.objectContaining({ quantity: -50, entryCommission: 0.5, flip: { execId: 'e2', share: 50 / 150 } }),
    ]);
    const portfolio = new Portfolio({ initialCash: 100_000, settlementDays: 0 });
    resumed.journal.startSession(SESSION);
    resumed.restoreBook(portfolio, T0 + 120_000);
    // IB's report comes after the restart: 0.6 instead of 1.5, the short's third of the refund is its own.
    expect(portfolio.correctCommission('AAPL', 'SELL', -0.9, sale.time, 'e2')).toBe(true);
    expect(portfolio.position('AAPL')!.entryCommission).toBeCloseTo(0.2, 12);
    resumed.close();
  });

  it('journals closed trades, all of them since it began, in the order they closed', () => {
    const journal = open();
    expect(journaledTrades(journal.db)).toEqual([]);
    const trade = (exitTime: number, pnl: number) => ({
      symbol: 'AAPL',
      entryTime: T0,
      entryPrice: 100,
      exitTime,
      exitPrice: 101,
      quantity: 40,
      pnl,
      commission: 2,
    });
    journal.trade('x1', trade(T0 + 60_000, 38));
    journal.trade('x2', trade(T0 + 120_000, 18));
    journal.trade('x1', trade(T0 + 60_000, 38));
    expect(journaledTrades(journal.db)).toEqual([trade(T0 + 60_000, 38), trade(T0 + 120_000, 18)]);
    journal.close();
  });

  it('an adopted order gets its first row when accepted', () => {
    const journal = open();
    journal.accepted(order(40, { quantity: 5 }), T0);
    expect(journal.db.prepare('SELECT status, quantity FROM orders WHERE order_id = 40').get()).toEqual({
      status: 'accepted',
      quantity: 5,
    });
    journal.close();
  });

  it('refuses another account', () => {
    open().close();
    expect(() => TradingJournal.open(file(), 'DU2')).toThrow(
      /belongs to another account whose id masks as DU\*\*\* too: each account has its own$/,
    );
    expect(() => TradingJournal.open(file(), 'U7654321')).toThrow(/belongs to account DU\*\*\*, not U76\*\*\*321:/);
  });

  it("records a broker account masked with a digest, and a journal of an earlier version's whole id as such", () => {
    // An earlier version recorded the whole id in the journal and its sessions.
    const earlier = TradingJournal.open(file(), 'DU1234567');
    earlier.startSession({ mode: 'live', version: 'old', configHash: 'x', strategy: 's' });
    earlier.close();
    const recorded = recordedAccount('DU1234567');
    expect(recorded).toMatch(/^DU1\*\*\*567#[0-9a-f]{16}$/);
    const journal = TradingJournal.open(file(), recorded);
    journal.startSession({ mode: 'live', version: 'new', configHash: 'x', strategy: 's' });
    const accounts = journal.db.prepare('SELECT account FROM sessions').all();
    const meta = journal.db.prepare("SELECT value FROM meta WHERE key = 'account'").get();
    journal.close();
    expect([accounts, meta]).toEqual([[{ account: recorded }, { account: recorded }], { value: recorded }]);
    expect(() => TradingJournal.open(file(), recordedAccount('DU1999567'))).toThrow(
      /belongs to another account whose id masks as DU1\*\*\*567 too/,
    );
  });

  it('refuses a file that is not SQLite and leaves it as it was', () => {
    const path = temp.write('journal.sqlite', 'these are not the bytes of a database\n'.repeat(200));
    const before = readFileSync(path);
    expect(() => TradingJournal.open(path, 'DU1')).toThrow(/not an SQLite database: left as it is/);
    expect(() => openJournalForReading(path)).toThrow(JournalError);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a damaged journal and leaves it as it was', () => {
    const journal = open();
    for (let i = 0; i < 200; i++) journal.reserve({ type: 'order', time: T0, order: order(i + 1), children: [] });
    journal.db.pragma('wal_checkpoint(TRUNCATE)');
    journal.close();
    const bytes = readFileSync(file());
    // Overwrite the middle pages: the header stays a valid SQLite header, the b-trees do not.
    bytes.fill(0x5a, 4096 * 2, bytes.length - 1024);
    writeFileSync(file(), bytes);
    expect(() => TradingJournal.open(file(), 'DU1')).toThrow(/journal .* (is corrupt|cannot be read)/);
    expect(readFileSync(file()).equals(bytes)).toBe(true);
  });

  it('refuses a journal of a newer schema without writing to it', () => {
    open().close();
    const db = new Database(file());
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = readFileSync(file());
    const mtime = statSync(file()).mtimeMs;
    expect(() => TradingJournal.open(file(), 'DU1')).toThrow(
      `has schema version ${SCHEMA_VERSION + 1}, newer than this program's ${SCHEMA_VERSION}`,
    );
    expect(() => openJournalForReading(file())).toThrow(/newer than this program/);
    expect(readFileSync(file()).equals(before)).toBe(true);
    expect(statSync(file()).mtimeMs).toBe(mtime);
  });

  it('refuses an SQLite database that is not a journal', () => {
    const path = join(temp.path(), 'other.sqlite');
    const db = new Database(path);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => TradingJournal.open(path, 'DU1')).toThrow(/not a trading journal/);
  });

  it('property: executions counted once per execId, ids resumed above every reservation', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.tuple(fc.nat(19), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 10 })), {
          maxLength: 40,
        }),
        (ids, executions) => {
          const journal = TradingJournal.open(':memory:', 'DU1');
          journal.startSession(SESSION);
          for (const id of ids) journal.reserve({ type: 'order', time: T0, order: order(id), children: [] });
          const applied = new Map<string, number>();
          for (const [which, exec, quantity] of executions) {
            const orderId = ids[which % ids.length]!;
            const execId = `${orderId}.${exec}`;
            const fresh = journal.fill(fill(execId, orderId, quantity), position(0), 0, 0);
            expect(fresh).toBe(!applied.has(execId));
            if (fresh) applied.set(execId, quantity);
          }
          const resume = readResume(journal.db);
          expect(new Set(resume.execIds)).toEqual(new Set(applied.keys()));
          expect(resume.nextOrderId).toBe(Math.max(...ids) + 1);
          const filled = journal.db.prepare('SELECT sum(filled) AS n FROM orders').get() as { n: number };
          expect(filled.n).toBe([...applied.values()].reduce((a, b) => a + b, 0));
          journal.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the journal summary', () => {
  const temp = useTempDir();

  it("masks a broker account, as logs and results do, and keeps a backtest's", () => {
    const path = join(temp.path(), 'journal.sqlite');
    const journal = TradingJournal.open(path, 'DU1234567');
    journal.startSession(SESSION);
    journal.close();
    const db = openJournalForReading(path);
    try {
      expect(sessionSummary(db, 0).rows.map((r) => [r.mode, r.account])).toEqual([['live', 'DU1***567']]);
    } finally {
      db.close();
    }
  });
});

describe('TradingJournal with checkpoints in the background', () => {
  const temp = useTempDir();

  it('folds the WAL into the database from its thread while the writer goes on', async () => {
    const path = join(temp.path(), 'journal.sqlite');
    const journal = TradingJournal.open(path, 'DU1', 'normal', 'background');
    journal.startSession(SESSION);
    expect(journal.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    for (let i = 0; i < 300; i++) journal.reserve(bracket(1 + i * 3));
    const walPages = (): number => statSync(`${path}-wal`).size;
    expect(walPages()).toBeGreaterThan(0);
    // A checkpointed WAL is reused from its start: the database file has grown to hold the orders.
    const deadline = Date.now() + 10_000;
    while (statSync(path).size < 64 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(statSync(path).size).toBeGreaterThanOrEqual(64 * 1024);
    journal.close();
    const reader = openJournalForReading(path);
    expect(reader.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 900 });
    reader.close();
  });
});
