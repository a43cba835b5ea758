import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import type { CancelOrderEvent, OrderEvent } from '../domain/events.js';
import type { TradingKernel } from '../core/trading-kernel.js';
import type { Fill } from '../domain/fill.js';
import { fillRow, tradeRow } from '../performance/report-rows.js';
import { FILLS_HEADER, reportFiles, TRADES_HEADER } from '../performance/report-writer.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import type { CrashPoint } from './crash-points.js';
import { recordedAccount } from './journal-account.js';
import { positionsOf, journalEngine } from './journal-observer.js';
import { journaledFills, journaledTrades } from './journal-queries.js';
import { NEW_JOURNAL, readResume, type JournalResume } from './journal-resume.js';
import type { JournalSync } from './open-journal.js';
import { TradingJournal, type JournalSessionInfo } from './trading-journal.js';

export type OrphanPolicy = 'keep' | 'cancel';

export interface LiveJournalOptions {
  readonly path: string;
  readonly account: string;
  readonly sync: JournalSync;
  /** What to do with orders open at the broker under this client id that the journal never reserved. */
  readonly orphanOrders: OrphanPolicy;
  readonly session: Omit<JournalSessionInfo, 'mode'>;
  readonly crash?: (point: CrashPoint) => void;
  /**
   * The journal starts anew when its session begins (the embedded gateway without a state file), not when it is
   * opened: this makes way for it then (see prepareEmbeddedJournal). Until then nothing at `path` is read or
   * written, so a start refused before its session begins leaves the earlier journal as it was.
   */
  readonly startAnew?: () => void;
}

/** What the journal needs of the execution client to finish recovery (IbExecutionClient has it). */
export interface RecoveringExecution {
  markExecutionsSeen(execIds: Iterable<string>): void;
  /** Executions journaled with the estimate: their reports, when IB sends them again, correct the commission. */
  expectCommissions(fills: readonly Fill[]): void;
  recoverExecutionsSince(time: number): void;
  workingOrders(): readonly { readonly id: number; readonly symbol: string; readonly purpose: string }[];
  order(orderId: number): { readonly ended: boolean } | undefined;
  cancel(event: CancelOrderEvent): void;
}

/** One figure on which our book and the broker's disagreed (what account-reconciler reports). */
export interface BookDifference {
  readonly field: 'cash' | 'position';
  readonly symbol?: string;
  readonly ours: number;
  readonly broker: number;
}

/**
 * The live session's side of the journal: where the last session stood (ids, executions, book), the reservation
 * of each order before it is sent, the engine's events, and the steps of recovery — executions missed while the
 * process was down applied once, orders that never left or ended while it was down closed, orphans kept or
 * cancelled, and every difference from the broker journaled with both values.
 */
export class LiveJournal {
  readonly resume: JournalResume;
  /** The journal's file, open from the start, or from begin when it starts anew. */
  private opened: TradingJournal | undefined;
  private readonly known: Set<number>;
  private recovering = false;
  /** A commission report corrected a fill this session: fills.csv holds the estimate in that fill's row. */
  private corrected = false;
  private started = false;
  /** Writes the equity rows a session's end owes the journal (see stop); set once the engine is observed. */
  private endEquity: ((time: number) => void) | undefined;
  /** The account at a bar's close (see barClosed); set once the engine is observed. */
  private closedEquity: ((time: number) => void) | undefined;
  /** Within a socket read (see socketReads), and the crash points passed in it, taken as its messages leave. */
  private inRead = false;
  private readonly passedInRead = new Set<CrashPoint>();

  private constructor(
    journal: TradingJournal | undefined,
    private readonly options: LiveJournalOptions,
  ) {
    this.opened = journal;
    this.resume = journal === undefined ? NEW_JOURNAL : readResume(journal.db);
    this.known = new Set(
      journal === undefined
        ? []
        : (journal.db.prepare('SELECT order_id FROM orders').all() as { order_id: number }[]).map((r) => r.order_id),
    );
  }

  static open(options: LiveJournalOptions): LiveJournal {
    return new LiveJournal(options.startAnew === undefined ? openForSession(options) : undefined, options);
  }

  /** The journal's file; there once the session has begun (from the start when the journal is continued). */
  get journal(): TradingJournal {
    if (this.opened === undefined) throw new Error('the journal starts anew when its session begins');
    return this.opened;
  }

  /**
   * The executions of the earlier sessions this journal continues (0 for a new one): a session that continues them
   * continues their results too, whose fills.csv and trades.csv it rewrites from the journal.
   */
  continuedExecutions(): number {
    if (!this.resumed || this.opened === undefined) return 0;
    return (this.opened.db.prepare('SELECT COUNT(*) AS n FROM executions').get() as { n: number }).n;
  }

  /** A session began in this journal (see begin): it holds what the session did, and stays. */
  get begun(): boolean {
    return this.started;
  }

  /** An earlier session wrote this journal: the book, the ids and the result files continue from it. */
  get resumed(): boolean {
    return this.resume.resumed;
  }

  /**
   * Brings fills.csv and trades.csv in line with the journal before the session appends to them: a fill journaled
   * just before the process died may not have reached the files. trades.csv stays as it is when the journal lacks
   * earlier sessions' trades (one written by a version before it kept them).
   */
  rewriteResults(resultsDirectory: string): TradeRecord[] | null {
    mkdirSync(resultsDirectory, { recursive: true });
    const files = reportFiles(resultsDirectory);
    replaceLines(files.fills, [FILLS_HEADER, ...journaledFills(this.journal.db).map(fillRow)]);
    const trades = journaledTrades(this.journal.db);
    if (trades !== null) replaceLines(files.trades, [TRADES_HEADER, ...trades.map(tradeRow)]);
    return trades;
  }

  /**
   * As the session ends, its results closed: fills booked with the estimate and corrected later in the session get
   * IB's commission in fills.csv too (a row cannot change once streamed), as a restart would write them, and so do
   * the trades they closed in trades.csv. Returns the trades written, for the metrics to follow them; null when
   * nothing was corrected or trades.csv stays as it is.
   */
  settleResults(resultsDirectory: string): TradeRecord[] | null {
    if (!this.corrected) return null;
    this.journal.flush();
    return this.rewriteResults(resultsDirectory);
  }

  /**
   * Starts the journal's session at the broker's time, restores the book (see restoreBook) and, when continuing,
   * brings the results' fills.csv and trades.csv in line with the journal before the session appends to them.
   */
  begin(portfolio: Portfolio, time: number, resultsDirectory: string): void {
    if (this.opened === undefined) {
      this.options.startAnew?.();
      this.opened = openForSession(this.options);
    }
    this.started = true;
    this.journal.startSession({ mode: 'live', ...this.options.session, startedAt: time });
    this.restoreBook(portfolio, time);
    if (this.resumed) this.rewriteResults(resultsDirectory);
  }

  /**
   * Sets the book to where the journal left it, so that the executions the broker reports and the journal lacks
   * are applied on top of it once; the broker's figures are compared afterwards. False when there is nothing to
   * restore (a new journal: the broker's book stands).
   */
  restoreBook(portfolio: Portfolio, time: number): boolean {
    const book = this.resume.book;
    if (!this.resumed || book === undefined) {
      this.journal.book(time, positionsOf(portfolio), portfolio.cash, portfolio.settledCash, 'broker');
      return false;
    }
    const journaled = new Set(book.positions.map((p) => p.symbol));
    for (const position of portfolio.openPositions()) {
      if (!journaled.has(position.symbol)) {
        portfolio.setPosition(position.symbol, 0, Number.NaN, portfolio.lastPrice(position.symbol), time);
      }
    }
    for (const p of book.positions) {
      const price = Number.isFinite(portfolio.lastPrice(p.symbol)) ? portfolio.lastPrice(p.symbol) : p.lastPrice;
      const lot = Number.isFinite(p.openedAt)
        ? { openedAt: p.openedAt, entryCommission: p.entryCommission, ...(p.flip && { flip: p.flip }) }
        : undefined;
      portfolio.setPosition(p.symbol, p.quantity, p.averageCost, price, time, lot);
    }
    portfolio.setCash(book.cash, book.settledCash);
    return true;
  }

  /** Reserves an order's ids; called before its placeOrder is written (within a socket read: see socketReads). */
  beforeSend(event: OrderEvent): void {
    this.journal.reserve(event);
    for (const order of [event.order, ...event.children]) this.known.add(order.id);
    this.crashAt('reserved');
  }

  /**
   * For the socket reads of the session's connection, whose messages leave together as each read ends: the
   * reservations a read makes are written in one write() just before its placeOrder messages leave (a failed write
   * keeps them all from leaving). A crash point passed within a read is taken where it stands on the wire: `reserved`
   * once the read's reservations are written and before anything leaves, `sent` once its messages are on the socket.
   */
  readonly socketReads = {
    started: (): void => {
      this.inRead = true;
      this.opened?.holdReservations();
    },
    sending: (): void => {
      this.opened?.releaseReservations();
      this.takeCrash('reserved');
    },
    sent: (): void => {
      this.inRead = false;
      this.takeCrash('sent');
    },
  };

  private crashAt(point: CrashPoint): void {
    const crash = this.options.crash;
    if (crash === undefined) return;
    if (this.inRead && point !== 'partial-fill') this.passedInRead.add(point);
    else crash(point);
  }

  private takeCrash(point: CrashPoint): void {
    if (this.passedInRead.delete(point)) this.options.crash?.(point);
  }

  observe(kernel: TradingKernel): void {
    // What can wait is committed once per socket read, off the bar → order path (see TradingJournal.batchPerTurn).
    this.journal.batchPerTurn();
    const equity = journalEngine(kernel, this.journal, {
      recovering: () => this.recovering,
      barsClosedByCaller: true,
      ...(this.options.crash === undefined
        ? {}
        : {
            crash: (point: CrashPoint) => {
              this.crashAt(point);
            },
          }),
    });
    this.endEquity = equity.finishEquity;
    this.closedEquity = equity.barClosed;
    kernel.engine.observe({
      onCommissionCorrected: () => {
        this.corrected = true;
      },
    });
    // Refusals, changes of trading state (halts among them) and data notices, with the rule and its numbers.
    kernel.risk.onEvent((event) => {
      const halt = event.type === 'trading_state' && event.to === 'HALTED';
      this.risk(halt ? 'halt' : 'risk', event.time, `${event.rule}: ${event.reason}`);
    });
  }

  /**
   * Runs the start-up reconciliation with the journal's executions marked seen, so that only the ones it lacks are
   * applied (and journaled as recovered), and reaching back to the oldest one journaled with the estimate, so that
   * the commission reports the last session did not live to see correct it.
   */
  async recover(execution: RecoveringExecution, reconcile: () => Promise<void>): Promise<void> {
    const { execIds, lastExecutionTime, estimated } = this.resume;
    execution.markExecutionsSeen(execIds);
    execution.expectCommissions(estimated);
    // Without a time TWS lists today's executions only: those of a day the process was down on would be lost.
    const since = estimated.length > 0 ? Math.min(...estimated.map((fill) => fill.time)) : lastExecutionTime;
    if (since !== undefined) execution.recoverExecutionsSince(since);
    this.recovering = true;
    try {
      await reconcile();
    } finally {
      this.recovering = false;
    }
  }

  /**
   * After the start-up reconciliation: orders the journal believed open that the broker does not have are closed
   * (`never_sent` when only their reservation was written), orders open at the broker that the journal never
   * reserved are orphans (kept or cancelled), and the book is compared.
   */
  reconciled(execution: RecoveringExecution, time: number): void {
    const { journal } = this;
    // The executions recovered a moment ago are in the database before it is asked which orders reached the broker.
    journal.flush();
    for (const id of this.resume.open) {
      const tracked = execution.order(id);
      if (tracked !== undefined && !tracked.ended) continue;
      if (this.resume.reserved.includes(id) && tracked === undefined && !this.reachedBroker(id)) {
        journal.status(id, time, 'never_sent', 'reserved, but the broker never had it (the process ended first)');
        journal.event('recovery', time, `order ${id} was reserved but never reached the broker`);
      } else {
        journal.status(id, time, 'cancelled', 'no longer open at the broker after a restart');
      }
    }
    for (const order of execution.workingOrders()) {
      if (this.known.has(order.id)) continue;
      const keep = this.options.orphanOrders === 'keep';
      journal.event(
        'orphan',
        time,
        `order ${order.id} (${order.symbol} ${order.purpose}) is open at the broker but not in the journal: ${keep ? 'kept' : 'cancelled'}`,
        { symbol: order.symbol },
      );
      if (!keep) {
        execution.cancel({ type: 'cancel_order', time, orderId: order.id, reason: 'orphan order: not in the journal' });
      }
    }
  }

  /**
   * Whether an order the journal only knows as reserved was at the broker all the same: it or an order of its
   * bracket executed (a bracket goes out whole, so a child of an entry that filled was sent with it).
   */
  private reachedBroker(orderId: number): boolean {
    const row = this.journal.db
      .prepare(
        `SELECT 1 FROM executions e JOIN orders o ON o.order_id = e.order_id
         WHERE coalesce(o.parent_id, o.order_id) =
           (SELECT coalesce(parent_id, order_id) FROM orders WHERE order_id = ?) LIMIT 1`,
      )
      .get(orderId);
    return row !== undefined;
  }

  /**
   * The broker's figures were taken over ours: each difference with both values, then the book as it now is (also
   * when only settled cash was taken, `taken`, which is not compared and so is no difference).
   */
  differences(differences: readonly BookDifference[], portfolio: Portfolio, time: number, taken = false): void {
    if (differences.length === 0 && !taken) return;
    for (const d of differences) {
      this.journal.event(
        'difference',
        time,
        `${d.field}${d.symbol === undefined ? '' : ` ${d.symbol}`}: ours ${d.ours}, broker ${d.broker}; the broker's taken`,
        { ...(d.symbol === undefined ? {} : { symbol: d.symbol }), ours: d.ours, broker: d.broker },
      );
    }
    this.journal.book(time, positionsOf(portfolio), portfolio.cash, portfolio.settledCash, 'broker');
  }

  /**
   * A strategy bar closed at `time` and the engine has run it: the account's row for it, at the time and with the
   * values equity.csv gets (the session calls both at the same moment).
   */
  barClosed(time: number): void {
    this.closedEquity?.(time);
  }

  /** A risk limit breached or a halt: the rule and why. */
  risk(kind: 'risk' | 'halt', time: number, message: string): void {
    this.journal.event(kind, time, message);
  }

  /** Ends the journal's session: the last bar's equity and the equity at the end, as the session's summary has it. */
  stop(time: number, reason: string): void {
    this.endEquity?.(time);
    this.journal.stopSession(time, reason);
  }

  close(): void {
    this.opened?.close();
  }
}

/** Opens the journal for a live session, with the reservations a process that died left in the log imported. */
function openForSession(options: LiveJournalOptions): TradingJournal {
  const journal = TradingJournal.open(options.path, recordedAccount(options.account), options.sync, 'background');
  try {
    // Before anything is read from the journal: a process that died may have left reservations only in the log.
    journal.logReservations(options.path, options.sync);
  } catch (error) {
    journal.close();
    throw error;
  }
  return journal;
}

/** Writes the file beside and renames it over, so that a reader never sees half of it. */
function replaceLines(path: string, lines: readonly string[]): void {
  writeFileSync(`${path}.partial`, `${lines.join('\n')}\n`);
  renameSync(`${path}.partial`, path);
}
