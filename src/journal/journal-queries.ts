import type { Fill } from '../domain/fill.js';
import type { OrderPurpose, OrderSide } from '../domain/order.js';
import { accountLabel } from './journal-account.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import type { JournalDatabase } from './open-journal.js';

/** A query's answer: column names and rows of plain values, ready for a table, CSV or JSON. */
export interface JournalRows {
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, string | number | null>[];
}

function rows(db: JournalDatabase, sql: string, since: number): JournalRows {
  const statement = db.prepare(sql);
  const columns = statement.columns().map((c) => c.name);
  return { columns, rows: statement.all({ since }) as Record<string, string | number | null>[] };
}

/**
 * Sessions with their counts; `since` (exchange time, ms) keeps the sessions that were running at or after it. Start
 * and stop are exchange times, as `since` and every other view's times are (a replay's differ from the wall clock,
 * which `wall_started` keeps). A broker account is masked, as everywhere else a user sees it (a backtest's stays
 * `backtest`).
 */
export function sessionSummary(db: JournalDatabase, since: number): JournalRows {
  const summary = rows(
    db,
    `SELECT s.id AS session, s.mode, s.account, s.strategy, s.version, s.started_at AS started,
       s.stopped_at AS stopped, coalesce(s.stop_reason, CASE WHEN s.stopped_wall IS NULL THEN 'running, or did not stop cleanly' END) AS reason,
       (SELECT count(*) FROM orders o WHERE o.session_id = s.id) AS orders,
       (SELECT count(*) FROM executions e WHERE e.session_id = s.id) AS fills,
       (SELECT count(*) FROM executions e WHERE e.session_id = s.id AND e.recovered = 1) AS recovered_fills,
       (SELECT count(*) FROM events v WHERE v.session_id = s.id AND v.kind = 'difference') AS differences,
       (SELECT q.equity FROM equity q WHERE q.session_id = s.id ORDER BY q.id DESC LIMIT 1) AS last_equity,
       s.started_wall AS wall_started
     FROM sessions s
     WHERE coalesce(s.stopped_at, (SELECT max(time) FROM equity q WHERE q.session_id = s.id), s.started_at, 0) >= @since
        OR s.stopped_wall IS NULL
     ORDER BY s.id`,
    since,
  );
  return {
    columns: summary.columns,
    rows: summary.rows.map((row) =>
      row.mode === 'live' ? { ...row, account: accountLabel(String(row.account)) } : row,
    ),
  };
}

export function orderRows(db: JournalDatabase, since: number): JournalRows {
  return rows(
    db,
    `SELECT created_at AS time, order_id, session_id AS session, symbol, side, quantity, type, limit_price,
       stop_price, tif, parent_id, purpose, status, filled
     FROM orders WHERE created_at >= @since ORDER BY order_id`,
    since,
  );
}

/** Fills, with whether each commission is still the model's estimate (unknown in a journal older than the mark). */
export function fillRows(db: JournalDatabase, since: number): JournalRows {
  const marked =
    db.prepare("SELECT 1 FROM pragma_table_info('executions') WHERE name = 'commission_estimated'").get() !== undefined;
  const estimated = marked ? "CASE commission_estimated WHEN 1 THEN 'yes' ELSE 'no' END" : 'NULL';
  return rows(
    db,
    `SELECT time, exec_id, order_id, session_id AS session, symbol, side, quantity, price, commission,
       ${estimated} AS estimated, purpose, CASE recovered WHEN 1 THEN 'yes' ELSE 'no' END AS recovered
     FROM executions WHERE time >= @since ORDER BY seq`,
    since,
  );
}

/**
 * Closed trades, by exit time from `since`; none in a journal older than the trades table (read-only here, so not
 * migrated: a session's start adds the table).
 */
export function tradeRows(db: JournalDatabase, since: number): JournalRows {
  const columns = ['exit_time', 'symbol', 'quantity', 'entry_time', 'entry_price', 'exit_price', 'pnl', 'commission'];
  if (db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'trades'").get() === undefined) {
    return { columns: [...columns, 'exec_id', 'session'], rows: [] };
  }
  return rows(
    db,
    `SELECT ${columns.join(', ')}, exec_id, session_id AS session FROM trades WHERE exit_time >= @since ORDER BY id`,
    since,
  );
}

/** The latest position per symbol (as of `since` onwards: positions changed at or after it). */
export function positionRows(db: JournalDatabase, since: number): JournalRows {
  return rows(
    db,
    `SELECT time, symbol, quantity, average_cost, last_price, source, session_id AS session
     FROM positions WHERE id IN (SELECT max(id) FROM positions WHERE time >= @since GROUP BY symbol)
     ORDER BY symbol`,
    since,
  );
}

export function equityRows(db: JournalDatabase, since: number): JournalRows {
  return rows(
    db,
    `SELECT time, equity, cash, positions_value, session_id AS session FROM equity WHERE time >= @since ORDER BY id`,
    since,
  );
}

export function eventRows(db: JournalDatabase, since: number): JournalRows {
  return rows(
    db,
    `SELECT time, kind, symbol, message, ours, broker, session_id AS session FROM events WHERE time >= @since
     ORDER BY id`,
    since,
  );
}

/**
 * Every journaled execution as the engine's fill, in the order they were journaled; with `estimated`, only those
 * whose commission is still the model's estimate.
 */
export function journaledFills(db: JournalDatabase, estimated = false): Fill[] {
  const all = db
    .prepare(
      `SELECT exec_id, order_id, symbol, side, quantity, price, commission, time, purpose, strategy_id
       FROM executions ${estimated ? 'WHERE commission_estimated = 1' : ''} ORDER BY seq`,
    )
    .all() as {
    exec_id: string;
    order_id: number;
    symbol: string;
    side: OrderSide;
    quantity: number;
    price: number;
    commission: number;
    time: number;
    purpose: OrderPurpose;
    strategy_id: string | null;
  }[];
  return all.map((r) => ({
    orderId: r.order_id,
    execId: r.exec_id,
    symbol: r.symbol,
    side: r.side,
    quantity: r.quantity,
    price: r.price,
    commission: r.commission,
    time: r.time,
    purpose: r.purpose,
    ...(r.strategy_id === null ? {} : { strategyId: r.strategy_id }),
    ...(estimated && { commissionEstimated: true }),
  }));
}

/**
 * Every closed trade the journal holds, in the order they closed; null when the journal lacks some (its trades
 * table was added after sessions had run: see the schema's third migration).
 */
export function journaledTrades(db: JournalDatabase): TradeRecord[] | null {
  if (db.prepare("SELECT 1 FROM meta WHERE key = 'trades'").get() === undefined) return null;
  const all = db
    .prepare(
      `SELECT symbol, entry_time, entry_price, exit_time, exit_price, quantity, pnl, commission FROM trades ORDER BY id`,
    )
    .all() as {
    symbol: string;
    entry_time: number | null;
    entry_price: number;
    exit_time: number;
    exit_price: number;
    quantity: number;
    pnl: number;
    commission: number;
  }[];
  return all.map((r) => ({
    symbol: r.symbol,
    entryTime: r.entry_time ?? Number.NaN,
    entryPrice: r.entry_price,
    exitTime: r.exit_time,
    exitPrice: r.exit_price,
    quantity: r.quantity,
    pnl: r.pnl,
    commission: r.commission,
  }));
}
