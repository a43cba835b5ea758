import type { Fill } from '../domain/fill.js';
import { journaledFills } from './journal-queries.js';
import type { JournalDatabase } from './open-journal.js';
import type { JournalPosition } from './trading-journal.js';

/** The book as the journal last knew it: cash and every position not flat. */
export interface JournalBook {
  readonly cash: number;
  readonly settledCash: number;
  readonly positions: readonly JournalPosition[];
}

/** What a session starting on an existing journal takes from it before it asks the broker. */
export interface JournalResume {
  /** An earlier live session wrote this journal: the session continues it. */
  readonly resumed: boolean;
  /** Above every id ever reserved: ids below are never handed out again. */
  readonly nextOrderId: number;
  /** Every execution journaled: the broker repeating one applies nothing. */
  readonly execIds: readonly string[];
  /** Exchange time of the latest execution journaled; undefined when there is none. */
  readonly lastExecutionTime: number | undefined;
  /** Executions journaled with the modelled commission: IB's reports may still correct them. */
  readonly estimated: readonly Fill[];
  /** The book after the last journaled change; undefined when none was journaled. */
  readonly book: JournalBook | undefined;
  /** Orders reserved whose placeOrder may or may not have left (the process ended in between). */
  readonly reserved: readonly number[];
  /** Orders the journal believes may still work at the broker. */
  readonly open: readonly number[];
}

/** What a journal no session has written holds: nothing to continue. */
export const NEW_JOURNAL: JournalResume = {
  resumed: false,
  nextOrderId: 0,
  execIds: [],
  lastExecutionTime: undefined,
  estimated: [],
  book: undefined,
  reserved: [],
  open: [],
};

/** Reads where the last session stood. */
export function readResume(db: JournalDatabase): JournalResume {
  const sessions = (db.prepare("SELECT count(*) AS n FROM sessions WHERE mode = 'live'").get() as { n: number }).n;
  const maxId = (db.prepare('SELECT max(order_id) AS id FROM orders').get() as { id: number | null }).id;
  const execIds = (db.prepare('SELECT exec_id FROM executions ORDER BY seq').all() as { exec_id: string }[]).map(
    (r) => r.exec_id,
  );
  const cash = db.prepare('SELECT cash, settled_cash FROM cash ORDER BY id DESC LIMIT 1').get() as
    { cash: number; settled_cash: number } | undefined;
  const rows = db
    .prepare(
      `SELECT symbol, quantity, average_cost, last_price, opened_at, entry_commission, flip_exec_id, flip_share
       FROM positions WHERE id IN (SELECT max(id) FROM positions GROUP BY symbol) ORDER BY symbol`,
    )
    .all() as {
    symbol: string;
    quantity: number;
    average_cost: number | null;
    last_price: number | null;
    opened_at: number | null;
    entry_commission: number | null;
    flip_exec_id: string | null;
    flip_share: number | null;
  }[];
  const ids = (status: string): number[] =>
    (
      db.prepare(`SELECT order_id FROM orders WHERE status IN (${status}) ORDER BY order_id`).all() as {
        order_id: number;
      }[]
    ).map((r) => r.order_id);
  return {
    resumed: sessions > 0,
    nextOrderId: maxId === null ? 0 : maxId + 1,
    execIds,
    lastExecutionTime:
      (db.prepare('SELECT max(time) AS t FROM executions').get() as { t: number | null }).t ?? undefined,
    estimated: journaledFills(db, true),
    book:
      cash === undefined
        ? undefined
        : {
            cash: cash.cash,
            settledCash: cash.settled_cash,
            positions: rows
              .filter((r) => r.quantity !== 0)
              .map((r) => ({
                symbol: r.symbol,
                quantity: r.quantity,
                averageCost: r.average_cost ?? Number.NaN,
                lastPrice: r.last_price ?? Number.NaN,
                // Unknown for a row of an older journal: the position then counts from the restart, as before.
                openedAt: r.opened_at ?? Number.NaN,
                entryCommission: r.entry_commission ?? 0,
                ...(r.flip_exec_id === null || r.flip_share === null
                  ? {}
                  : { flip: { execId: r.flip_exec_id, share: r.flip_share } }),
              })),
          },
    reserved: ids("'reserved'"),
    open: ids("'reserved', 'sent', 'accepted', 'partially_filled'"),
  };
}
