/**
 * The journal's schema as an ordered list of migrations: migration i brings a database from version i to i + 1
 * (SQLite's `user_version`). A released migration is never edited; a change to the schema is a new entry. A journal
 * whose version is above the last entry was written by a newer version of the program and is refused, unchanged.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

  -- One row per run of the program against this journal: live sessions and backtests alike.
  CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    mode TEXT NOT NULL CHECK (mode IN ('live', 'backtest')),
    account TEXT NOT NULL,
    version TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    strategy TEXT NOT NULL,
    started_wall TEXT NOT NULL,
    started_at INTEGER,
    stopped_wall TEXT,
    stopped_at INTEGER,
    stop_reason TEXT
  ) STRICT;

  -- Every order the engine decided on, written (status 'reserved') before its placeOrder leaves: an id reserved here
  -- is never handed out again, whatever happens to the process next.
  CREATE TABLE orders (
    order_id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    parent_id INTEGER,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL,
    quantity REAL NOT NULL,
    type TEXT NOT NULL,
    limit_price REAL,
    stop_price REAL,
    trail_amount REAL,
    trail_percent REAL,
    tif TEXT NOT NULL,
    oca_group TEXT,
    purpose TEXT NOT NULL,
    strategy_id TEXT,
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    filled REAL NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  ) STRICT;

  -- Every change of an order's status, in order.
  CREATE TABLE order_events (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    order_id INTEGER NOT NULL,
    time INTEGER NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    code INTEGER
  ) STRICT;
  CREATE INDEX order_events_order ON order_events(order_id);

  -- Executions, once each: the broker's execId is the key, so applying one twice is impossible.
  CREATE TABLE executions (
    exec_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    order_id INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL,
    quantity REAL NOT NULL,
    price REAL NOT NULL,
    commission REAL NOT NULL,
    time INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    strategy_id TEXT,
    recovered INTEGER NOT NULL DEFAULT 0
  ) STRICT;

  -- The book after each change (a fill, or the broker's figure taken at reconciliation): the latest row per symbol
  -- and the latest cash row are where a restarted session stands before it asks the broker.
  CREATE TABLE positions (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    time INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    quantity REAL NOT NULL,
    average_cost REAL,
    last_price REAL,
    source TEXT NOT NULL
  ) STRICT;
  CREATE INDEX positions_symbol ON positions(symbol, id);

  CREATE TABLE cash (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    time INTEGER NOT NULL,
    cash REAL NOT NULL,
    settled_cash REAL NOT NULL,
    source TEXT NOT NULL
  ) STRICT;

  CREATE TABLE equity (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    time INTEGER NOT NULL,
    equity REAL NOT NULL,
    cash REAL NOT NULL,
    positions_value REAL NOT NULL
  ) STRICT;

  -- Everything else worth finding later: risk refusals and halts, reconciliation differences (with both values),
  -- orders adopted or left alone, recovery steps.
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    time INTEGER NOT NULL,
    kind TEXT NOT NULL,
    symbol TEXT,
    message TEXT NOT NULL,
    ours REAL,
    broker REAL
  ) STRICT;
  `,
  // A live session appends each order's reservation to the reservation log beside the journal (FILE-reservations)
  // before its placeOrder, and writes the order's row after the socket read; a start imports what the log holds.
  // A program of the first version would not read the log, and could hand out an id reserved only there again: the
  // new version number keeps it away from such a journal.
  `
  INSERT INTO meta (key, value) VALUES ('reservation_log', 'FILE-reservations: imported into orders on start');
  `,
  // A position a restarted session takes from the journal keeps when it was opened and its entry commissions, so
  // that the trade closing it counts from its entry with its whole cost; and every closed trade is journaled with
  // the execution that closed it, so that a restart rebuilds trades.csv as it rebuilds fills.csv. A journal that had
  // sessions before lacks their trades: 'trades' in meta says the table is complete.
  `
  ALTER TABLE positions ADD COLUMN opened_at INTEGER;
  ALTER TABLE positions ADD COLUMN entry_commission REAL;
  CREATE TABLE trades (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    exec_id TEXT NOT NULL UNIQUE,
    symbol TEXT NOT NULL,
    entry_time INTEGER,
    entry_price REAL NOT NULL,
    exit_time INTEGER NOT NULL,
    exit_price REAL NOT NULL,
    quantity REAL NOT NULL,
    pnl REAL NOT NULL,
    commission REAL NOT NULL
  ) STRICT;
  INSERT INTO meta (key, value) SELECT 'trades', 'complete since the journal began'
    WHERE NOT EXISTS (SELECT 1 FROM sessions);
  `,
  // An execution journaled with the modelled commission because IB's report had not come: a restart asks IB for the
  // executions from the oldest such one on, so that their reports, which a crash kept from the last session, still
  // correct them (the flag is cleared when one does).
  `
  ALTER TABLE executions ADD COLUMN commission_estimated INTEGER NOT NULL DEFAULT 0;
  `,
  // A position opened by an execution that closed the opposite one and went past it (a flip) keeps that execution
  // and the share of its quantity that opened it: a late commission report for it corrects the position for that
  // share only, after a restart too (the rest is the closed trade's).
  `
  ALTER TABLE positions ADD COLUMN flip_exec_id TEXT;
  ALTER TABLE positions ADD COLUMN flip_share REAL;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
