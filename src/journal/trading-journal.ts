import type Database from 'better-sqlite3';
import type { CommissionCorrectedEvent, OrderEvent } from '../domain/events.js';
import type { Fill } from '../domain/fill.js';
import type { OrderRequest } from '../domain/order.js';
import { correctionShares, type TradeRecord, type TradeSpan } from '../portfolio/trade-record.js';
import type { PositionFlip } from '../portfolio/portfolio.js';
import { isAccount, otherAccount } from './journal-account.js';
import { JournalError } from './journal-error.js';
import { openJournalForWriting, type JournalDatabase, type JournalSync } from './open-journal.js';
import { importReservations } from './reservation-import.js';
import { ReservationLog } from './reservation-log.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/** A trade row as the commission correction reads it (its entry time is null when unknown). */
type JournalTradeSpan = Omit<TradeSpan, 'entryTime'> & { readonly entryTime: number | null };

export interface JournalSessionInfo {
  readonly mode: 'live' | 'backtest';
  readonly version: string;
  readonly configHash: string;
  readonly strategy: string;
  /** Exchange time the session starts at, when known. */
  readonly startedAt?: number;
}

/** One position as the book holds it. */
export interface JournalPosition {
  readonly symbol: string;
  readonly quantity: number;
  readonly averageCost: number;
  readonly lastPrice: number;
  /** When it was opened (NaN when flat or unknown). */
  readonly openedAt: number;
  /** The entry commissions of the shares held. */
  readonly entryCommission: number;
  /** The execution that opened it by a flip, and the share of that execution it opened (see PositionLot). */
  readonly flip?: PositionFlip;
}

/** Where an order stands, as the journal records it. */
export type JournalOrderStatus =
  'reserved' | 'sent' | 'accepted' | 'partially_filled' | 'filled' | 'cancelled' | 'failed' | 'never_sent';

/** A kind of event of the `events` table. */
export type JournalEventKind =
  | 'signal_rejected'
  | 'risk'
  | 'halt'
  | 'order_failed'
  | 'order_reduced'
  | 'reconciliation'
  | 'difference'
  | 'orphan'
  | 'recovery';

export interface JournalEventDetail {
  readonly symbol?: string;
  /** Both sides of a difference: our book's value and the broker's. */
  readonly ours?: number;
  readonly broker?: number;
}

/** Which statuses an order can no longer leave (a late report does not bring it back). */
const FINAL = "('filled', 'cancelled', 'failed', 'never_sent')";

type Statement = Database.Statement;

/** What `later` chains the end of the turn's flush to. */
const SETTLED = Promise.resolve();

/**
 * Writes a session's trading to the journal, one transaction per thing that happened: an order's reservation
 * (before it is sent), each status change, each execution together with the book it left, equity, events. The
 * execution's execId is the table's key, so the same execution can never be applied twice.
 *
 * A live session batches what can wait (see `batchPerTurn`): reservations and book snapshots commit at once,
 * everything else when the socket read being handled is done, in one transaction.
 */
export class TradingJournal {
  private sessionId = 0;
  /** The account as the opener records it (see open). */
  private account: string | undefined;
  private checkpointer: WalCheckpointer | undefined;
  /** Where a live session's reservations go first (see logReservations), with every id the journal holds. */
  private log: { readonly file: ReservationLog; readonly ids: Set<number> } | undefined;
  private executionSeq: number;
  private readonly insertOrder: Statement;
  private readonly insertOrderEvent: Statement;
  private readonly updateStatus: Statement;
  private readonly insertExecution: Statement;
  private readonly addFilled: Statement;
  private readonly insertPosition: Statement;
  private readonly insertTrade: Statement;
  private readonly insertCash: Statement;
  private readonly insertEquity: Statement;
  private readonly insertEvent: Statement;
  private readonly remainingOf: Statement;
  /** Writes waiting for the end of the turn, in the order they were asked for. */
  private readonly queued: (() => void)[] = [];
  private batching = false;
  private flushScheduled = false;
  private readonly flushLater = (): void => {
    this.flush();
  };
  private readonly queuedTx: () => void;
  private readonly reserveAll: (event: OrderEvent) => void;
  private readonly sentAll: (event: OrderEvent) => void;
  private readonly fillTx: (fill: Fill, position: JournalPosition, cash: number, settled: number, r: number) => boolean;
  private readonly commissionTx: (
    event: CommissionCorrectedEvent,
    position: JournalPosition,
    cash: number,
    settled: number,
    held: boolean,
  ) => void;
  private readonly bookTx: (
    time: number,
    positions: readonly JournalPosition[],
    cash: number,
    settled: number,
    source: string,
  ) => void;

  private constructor(readonly db: JournalDatabase) {
    this.executionSeq = (db.prepare('SELECT coalesce(max(seq), 0) AS n FROM executions').get() as { n: number }).n;
    this.insertOrder = db.prepare(
      `INSERT INTO orders (order_id, session_id, parent_id, symbol, side, quantity, type, limit_price, stop_price,
         trail_amount, trail_percent, tif, oca_group, purpose, strategy_id, created_at, status, updated_at)
       VALUES (@id, @session, @parentId, @symbol, @side, @quantity, @type, @limitPrice, @stopPrice, @trailAmount,
         @trailPercent, @tif, @ocaGroup, @purpose, @strategyId, @createdAt, @status, @createdAt)
       ON CONFLICT (order_id) DO NOTHING`,
    );
    this.insertOrderEvent = db.prepare(
      'INSERT INTO order_events (session_id, order_id, time, status, reason, code) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.updateStatus = db.prepare(
      `UPDATE orders SET status = ?, updated_at = ? WHERE order_id = ? AND status NOT IN ${FINAL}`,
    );
    this.insertExecution = db.prepare(
      `INSERT INTO executions (exec_id, seq, session_id, order_id, symbol, side, quantity, price, commission, time,
         purpose, strategy_id, recovered, commission_estimated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (exec_id) DO NOTHING`,
    );
    this.addFilled = db.prepare(
      `UPDATE orders SET filled = filled + ?, updated_at = ?,
         status = CASE WHEN filled + ? >= quantity THEN 'filled' ELSE 'partially_filled' END
       WHERE order_id = ?`,
    );
    this.insertPosition = db.prepare(
      `INSERT INTO positions (session_id, time, symbol, quantity, average_cost, last_price, source, opened_at,
         entry_commission, flip_exec_id, flip_share) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertTrade = db.prepare(
      `INSERT INTO trades (session_id, exec_id, symbol, entry_time, entry_price, exit_time, exit_price, quantity, pnl,
         commission) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (exec_id) DO NOTHING`,
    );
    this.insertCash = db.prepare(
      'INSERT INTO cash (session_id, time, cash, settled_cash, source) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertEquity = db.prepare(
      'INSERT INTO equity (session_id, time, equity, cash, positions_value) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertEvent = db.prepare(
      'INSERT INTO events (session_id, time, kind, symbol, message, ours, broker) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.remainingOf = db.prepare('SELECT quantity - filled AS left FROM orders WHERE order_id = ?');
    this.queuedTx = db.transaction(() => {
      this.drainQueued();
    });
    this.reserveAll = db.transaction((event: OrderEvent) => {
      this.drainQueued();
      for (const order of [event.order, ...event.children]) this.reserveOne(order, event.time);
    });
    this.sentAll = db.transaction((event: OrderEvent) => {
      for (const order of [event.order, ...event.children]) this.writeStatus(order.id, event.time, 'sent');
    });
    this.fillTx = db.transaction(
      (fill: Fill, position: JournalPosition, cash: number, settled: number, recovered: number): boolean => {
        this.drainQueued();
        const seq = this.executionSeq + 1;
        const inserted = this.insertExecution.run(
          fill.execId,
          seq,
          this.sessionId,
          fill.orderId,
          fill.symbol,
          fill.side,
          fill.quantity,
          fill.price,
          fill.commission,
          fill.time,
          fill.purpose,
          fill.strategyId ?? null,
          recovered,
          fill.commissionEstimated === true ? 1 : 0,
        );
        if (inserted.changes === 0) return false;
        this.executionSeq = seq;
        this.addFilled.run(fill.quantity, fill.time, fill.quantity, fill.orderId);
        this.insertOrderEvent.run(this.sessionId, fill.orderId, fill.time, 'execution', fill.execId, null);
        this.positionRow(fill.time, position, 'fill');
        this.insertCash.run(this.sessionId, fill.time, cash, settled, 'fill');
        return true;
      },
    );
    const setCommission = db.prepare(
      'UPDATE executions SET commission = ?, commission_estimated = 0 WHERE exec_id = ?',
    );
    // A trade takes its share of a corrected commission (see correctionShares).
    const correctTrade = db.prepare(
      `UPDATE trades SET commission = commission + @share, pnl = pnl - @share
       WHERE exec_id = @execId`,
    );
    const executionQuantity = db.prepare('SELECT quantity FROM executions WHERE exec_id = ?').pluck();
    // The trade the execution closed, and those that may have closed the position it opened (from its time on). An
    // unknown entry time (a position taken from the broker) is NaN: no fill's position is found by it.
    const closedSince = db.prepare(
      `SELECT exec_id AS execId, symbol, entry_time AS entryTime, exit_time AS exitTime, quantity
       FROM trades WHERE symbol = @symbol AND (exit_time >= @time OR exec_id = @execId) ORDER BY id`,
    );
    this.commissionTx = db.transaction(
      (event: CommissionCorrectedEvent, position: JournalPosition, cash: number, settled: number, held: boolean) => {
        setCommission.run(event.commission, event.execId);
        const quantity = executionQuantity.get(event.execId) as number | undefined;
        if (quantity !== undefined) {
          const { execId, symbol, side, fillTime: time } = event;
          const rows = closedSince.all({ symbol, time, execId }) as (JournalTradeSpan & { execId: string })[];
          const trades = rows.map((t) => ({ ...t, entryTime: t.entryTime ?? Number.NaN }));
          const closedAt = trades.findIndex((t) => t.execId === execId);
          const fill = { symbol, side, time, quantity };
          const correction = event.commission - event.estimate;
          const shares = correctionShares(trades, closedAt < 0 ? undefined : closedAt, fill, correction, held);
          for (const { index, share } of shares) {
            correctTrade.run({ share, execId: trades[index]!.execId });
          }
        }
        this.positionRow(event.time, position, 'commission');
        this.insertCash.run(this.sessionId, event.time, cash, settled, 'commission');
      },
    );
    this.bookTx = db.transaction(
      (time: number, positions: readonly JournalPosition[], cash: number, settled: number, source: string) => {
        this.drainQueued();
        for (const position of positions) this.positionRow(time, position, source);
        this.insertCash.run(this.sessionId, time, cash, settled, source);
      },
    );
  }

  /**
   * Opens the journal of `account` (creating it), refusing one that belongs to another account: each account has
   * its own journal, so that ids, executions and the book of one never mix with another's. `account` is recorded as
   * given: a live session gives its broker account's recordedAccount.
   */
  static open(
    path: string,
    account: string,
    sync: JournalSync = 'normal',
    checkpoints: 'inline' | 'background' = 'inline',
  ): TradingJournal {
    const db = openJournalForWriting(path, sync);
    const row = db.prepare("SELECT value FROM meta WHERE key = 'account'").get() as { value: string } | undefined;
    if (row === undefined) {
      db.prepare("INSERT INTO meta (key, value) VALUES ('account', ?)").run(account);
    } else if (!isAccount(row.value, account)) {
      db.close();
      throw otherAccount(path, row.value, account);
    }
    const journal = new TradingJournal(db);
    journal.account = account;
    if (checkpoints === 'background') {
      db.pragma('wal_autocheckpoint = 0');
      journal.checkpointer = new WalCheckpointer(path, () => {
        if (db.open) db.pragma('wal_autocheckpoint = 1000');
      });
    }
    return journal;
  }

  get session(): number {
    return this.sessionId;
  }

  startSession(info: JournalSessionInfo): number {
    const recorded = (this.db.prepare("SELECT value FROM meta WHERE key = 'account'").get() as { value: string }).value;
    const account = this.account ?? recorded;
    if (account !== recorded) {
      // Recorded the other way (an earlier version kept the whole id): as the caller records it from the first
      // session on (not at open, which leaves a journal refused afterwards as it was).
      this.db.transaction(() => {
        this.db.prepare("UPDATE meta SET value = ? WHERE key = 'account'").run(account);
        this.db.prepare('UPDATE sessions SET account = ? WHERE account = ?').run(account, recorded);
      })();
    }
    const result = this.db
      .prepare(
        `INSERT INTO sessions (mode, account, version, config_hash, strategy, started_wall, started_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        info.mode,
        account,
        info.version,
        info.configHash,
        info.strategy,
        new Date().toISOString(),
        info.startedAt ?? null,
      );
    this.sessionId = Number(result.lastInsertRowid);
    return this.sessionId;
  }

  stopSession(time: number, reason: string): void {
    this.flush();
    this.db
      .prepare('UPDATE sessions SET stopped_wall = ?, stopped_at = ?, stop_reason = ? WHERE id = ?')
      .run(new Date().toISOString(), Number.isFinite(time) ? time : null, reason, this.sessionId);
  }

  /**
   * From now on, reservations are appended to the journal's reservation log (one write() each) and their rows
   * follow with the writes that wait (see batchPerTurn), instead of a transaction of their own on the bar →
   * placeOrder path. First the log's reservations the journal lacks — those of a process that died before their
   * rows were committed — are imported, and the log emptied once they are on disk.
   */
  logReservations(path: string, sync: JournalSync): void {
    const { log, pending } = ReservationLog.open(path, sync);
    try {
      if (pending.length > 0) {
        importReservations(this.db, path, pending, (order, time, session) => {
          this.insertReserved(order, time, session);
        });
      }
      log.clear();
    } catch (error) {
      log.close();
      throw error;
    }
    const ids = (this.db.prepare('SELECT order_id FROM orders').all() as { order_id: number }[]).map((r) => r.order_id);
    this.log = { file: log, ids: new Set(ids) };
  }

  /**
   * Reserves the ids of an order and its bracket children: on disk (committed, or in the reservation log) before
   * the caller sends anything.
   */
  reserve(event: OrderEvent): void {
    const log = this.log;
    if (log === undefined) {
      this.reserveAll(event);
      return;
    }
    const orders = [event.order, ...event.children];
    for (const order of orders) {
      if (log.ids.has(order.id)) throw new JournalError(`order id ${order.id} was reserved before: not sent again`);
    }
    log.file.append(this.sessionId, event.time, orders);
    for (const order of orders) log.ids.add(order.id);
    const session = this.sessionId;
    this.later(() => {
      for (const order of orders) this.insertReserved(order, event.time, session);
    });
  }

  /**
   * Until `releaseReservations`, the reservation log's lines wait in memory and are then written together (see
   * ReservationLog.hold); the caller sends none of the orders before that.
   */
  holdReservations(): void {
    this.log?.file.hold();
  }

  /** Writes the reservations held since `holdReservations`; throws a JournalError when that fails. */
  releaseReservations(): void {
    this.log?.file.release();
  }

  /**
   * The venue accepted an order: its status, or, for an order the journal has not seen (adopted from the broker at
   * reconciliation), its first row.
   */
  accepted(order: OrderRequest, time: number): void {
    const row = this.orderRow(order, 'accepted');
    this.log?.ids.add(order.id);
    this.later(() => {
      this.insertOrder.run(row);
      this.writeStatus(order.id, time, 'accepted');
    });
  }

  /** An order event's placeOrder messages were written: one transaction for the order and its children. */
  sent(event: OrderEvent): void {
    this.later(() => {
      this.sentAll(event);
    });
  }

  /** A status change of an order; an order that has ended keeps its final status. */
  status(orderId: number, time: number, status: JournalOrderStatus, reason?: string, code?: number): void {
    this.later(() => {
      this.writeStatus(orderId, time, status, reason, code);
    });
  }

  /**
   * An execution with the book it left (the position in its symbol, cash): one transaction, so a restart finds
   * either both or neither. False when the execution was journaled already (known at once only when not batching).
   */
  fill(fill: Fill, position: JournalPosition, cash: number, settledCash: number, recovered = false): boolean {
    if (!this.batching) return this.fillTx(fill, position, cash, settledCash, recovered ? 1 : 0);
    // Queued: a repeat is still dropped when it is written (execId is the key), so it counts as new here.
    this.later(() => this.fillTx(fill, position, cash, settledCash, recovered ? 1 : 0));
    return true;
  }

  /**
   * The venue's commission of an execution journaled with the estimate, with the book it left: the execution's row
   * takes the venue's figure, so that a restart's book and the executions agree, and the trades take the difference:
   * the one the execution closed for the shares it closed, or, when it opened or added to a position that has closed
   * since (`held` false: the portfolio's open position did not take it), those that closed that position.
   */
  commission(
    event: CommissionCorrectedEvent,
    position: JournalPosition,
    cash: number,
    settledCash: number,
    held: boolean,
  ): void {
    this.later(() => {
      this.commissionTx(event, position, cash, settledCash, held);
    });
  }

  /** A trade closed by the execution `execId` (journaled with it, in the same transaction when batching). */
  trade(execId: string, trade: TradeRecord): void {
    const session = this.sessionId;
    this.later(() => {
      this.insertTrade.run(
        session,
        execId,
        trade.symbol,
        Number.isFinite(trade.entryTime) ? trade.entryTime : null,
        trade.entryPrice,
        trade.exitTime,
        trade.exitPrice,
        trade.quantity,
        trade.pnl,
        trade.commission,
      );
    });
  }

  /** The whole book at once: at the start of a session and whenever the broker's figures are taken. */
  book(time: number, positions: readonly JournalPosition[], cash: number, settledCash: number, source: string): void {
    this.bookTx(time, positions, cash, settledCash, source);
  }

  /** Shares of an order not filled yet by the executions journaled; 0 for an order the journal does not know. */
  remaining(orderId: number): number {
    const row = this.remainingOf.get(orderId) as { left: number } | undefined;
    return row?.left ?? 0;
  }

  equity(time: number, equity: number, cash: number, positionsValue: number): void {
    const session = this.sessionId;
    this.later(() => {
      this.insertEquity.run(session, time, equity, cash, positionsValue);
    });
  }

  event(kind: JournalEventKind, time: number, message: string, detail: JournalEventDetail = {}): void {
    const session = this.sessionId;
    this.later(() => {
      this.insertEvent.run(
        session,
        time,
        kind,
        detail.symbol ?? null,
        message,
        detail.ours ?? null,
        detail.broker ?? null,
      );
    });
  }

  /**
   * From now on, writes that can wait — executions, status changes, equity, events — are queued and committed
   * together as soon as the socket read being handled is done (before any result file is written, so the journal is
   * never behind them), or with the next reservation or snapshot if that comes first, so that rows keep their order.
   * A live session's bar → order path then commits one transaction per order — its reservation, which must precede
   * placeOrder — instead of one per row. A process killed mid-read loses at most that read's queued rows: statuses
   * and executions the start-up reconciliation takes from the broker again (each execution applied once), and
   * equity the next bar writes.
   */
  batchPerTurn(): void {
    this.batching = true;
  }

  /** Commits the queued writes now. */
  flush(): void {
    this.flushScheduled = false;
    if (this.queued.length > 0 && this.db.open) this.queuedTx();
  }

  close(): void {
    this.flush();
    this.log?.file.close();
    this.log = undefined;
    void this.checkpointer?.stop();
    this.checkpointer = undefined;
    if (this.db.open) this.db.close();
  }

  private writeStatus(orderId: number, time: number, status: JournalOrderStatus, reason?: string, code?: number): void {
    if (this.updateStatus.run(status, time, orderId).changes === 0) return;
    this.insertOrderEvent.run(this.sessionId, orderId, time, status, reason ?? null, code ?? null);
  }

  private later(write: () => void): void {
    if (!this.batching) {
      write();
      return;
    }
    this.queued.push(write);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // A microtask runs when the current socket read's handler returns, ahead of the result files' setImmediate.
    // A reaction of a settled promise rather than queueMicrotask, which wraps each callback in an AsyncResource:
    // this runs on the bar → placeOrder path (inside the reservation), where that cost about 0.015 ms more at p50
    // once the path has gone cold. A flush that throws ends the process all the same (as an unhandled rejection).
    void SETTLED.then(this.flushLater);
  }

  /** Runs the queued writes inside the transaction that is open. */
  private drainQueued(): void {
    if (this.queued.length === 0) return;
    for (const write of this.queued.splice(0)) write();
  }

  private reserveOne(order: OrderRequest, time: number): void {
    if (!this.insertReserved(order, time, this.sessionId)) {
      throw new JournalError(`order id ${order.id} was reserved before: not sent again`);
    }
  }

  /** The row of a reserved order and its first status change; false when the journal has the order already. */
  private insertReserved(order: OrderRequest, time: number, session: number): boolean {
    if (this.insertOrder.run(this.orderRow(order, 'reserved', session)).changes === 0) return false;
    this.insertOrderEvent.run(session, order.id, time, 'reserved', null, null);
    return true;
  }

  private orderRow(order: OrderRequest, status: JournalOrderStatus, session = this.sessionId): Record<string, unknown> {
    return {
      id: order.id,
      session,
      parentId: order.parentId ?? null,
      symbol: order.symbol,
      side: order.side,
      quantity: order.quantity,
      type: order.type,
      limitPrice: order.limitPrice ?? null,
      stopPrice: order.stopPrice ?? null,
      trailAmount: order.trailAmount ?? null,
      trailPercent: order.trailPercent ?? null,
      tif: order.tif,
      ocaGroup: order.ocaGroup ?? null,
      purpose: order.purpose,
      strategyId: order.strategyId ?? null,
      createdAt: order.createdAt,
      status,
    };
  }

  private positionRow(time: number, position: JournalPosition, source: string): void {
    this.insertPosition.run(
      this.sessionId,
      time,
      position.symbol,
      position.quantity,
      Number.isFinite(position.averageCost) ? position.averageCost : null,
      Number.isFinite(position.lastPrice) ? position.lastPrice : null,
      source,
      Number.isFinite(position.openedAt) ? position.openedAt : null,
      position.quantity === 0 ? null : position.entryCommission,
      position.flip?.execId ?? null,
      position.flip?.share ?? null,
    );
  }
}
