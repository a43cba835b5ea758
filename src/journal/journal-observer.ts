import type { TradingKernel } from '../core/trading-kernel.js';
import { assertNever } from '../domain/events.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { JournalPosition, TradingJournal } from './trading-journal.js';

/** A moment the chaos test kills the process at (see crash-points.ts); nothing happens outside that test. */
export type CrashHook = (point: 'sent' | 'partial-fill') => void;

export interface JournalObserverOptions {
  /** Whether fills arriving now are executions recovered from the broker rather than ones seen as they happened. */
  readonly recovering?: () => boolean;
  readonly crash?: CrashHook;
  /**
   * A live session: the bars' rows are written through `barClosed`, at the time and with the account equity.csv
   * has for them (the bar's close, before any later fill), rather than at the bar's start when the next bar time
   * arrives — live, a fill comes between bars, and by then the portfolio has applied it.
   */
  readonly barsClosedByCaller?: boolean;
}

export function positionOf(portfolio: Portfolio, symbol: string): JournalPosition {
  const position = portfolio.position(symbol);
  const flip = portfolio.flipOf(symbol);
  return {
    symbol,
    quantity: position?.quantity ?? 0,
    averageCost: position?.averageCost ?? Number.NaN,
    lastPrice: position?.lastPrice ?? Number.NaN,
    openedAt: position?.openedAt ?? Number.NaN,
    entryCommission: position?.entryCommission ?? 0,
    ...(flip && { flip }),
  };
}

/** The whole book of a portfolio, for a snapshot. */
export function positionsOf(portfolio: Portfolio): JournalPosition[] {
  return portfolio.openPositions().map((p) => positionOf(portfolio, p.symbol));
}

/**
 * Journals what the engine does, the same way for a backtest and a live session: orders as they are sent, their
 * status changes, fills with the book they leave and the trades they close, refused signals, and the equity at each
 * bar time (in a backtest written when the first bar of the next time arrives, once every symbol's bar of the time
 * has been marked; live as `barClosed` is told, see JournalObserverOptions.barsClosedByCaller).
 */
export function journalEngine(
  kernel: TradingKernel,
  journal: TradingJournal,
  options: JournalObserverOptions = {},
): {
  /**
   * At the end of a run: writes the equity of the last bar time not written yet, then, given a time (a live
   * session's end), the equity at that time.
   */
  readonly finishEquity: (endTime?: number) => void;
  /**
   * Live: the account as of a bar's close at `time`; the row waits until a later time comes, as equity.csv's do, so
   * that the last bar closing at a time (one per symbol) gives it its values.
   */
  readonly barClosed: (time: number) => void;
} {
  const { portfolio } = kernel;
  let barTime = Number.NaN;
  /** The execution being applied: the engine reports the trades it closes right after it. */
  let execId = '';
  /** The latest time an equity row was written for: the rows only go forward, as equity.csv's do. */
  let written = Number.NEGATIVE_INFINITY;
  const row = (time: number, equity: number, cash: number, positionsValue: number): void => {
    // A live session's warm-up marks each symbol's history from its first bar: earlier times come again.
    if (time < written) return;
    written = time;
    journal.equity(time, equity, cash, positionsValue);
  };
  const equityAt = (time: number): void => {
    row(time, portfolio.equity, portfolio.cash, portfolio.positionsValue);
  };
  /** Live: the account at the latest bar close, taken then (a fill after it must not change it). */
  const closed = { time: Number.NaN, equity: 0, cash: 0, positionsValue: 0 };
  const flushEquity = (): void => {
    if (!Number.isNaN(closed.time)) {
      row(closed.time, closed.equity, closed.cash, closed.positionsValue);
      closed.time = Number.NaN;
    }
    if (Number.isNaN(barTime)) return;
    equityAt(barTime);
    barTime = Number.NaN;
  };
  const barClosed = (time: number): void => {
    // Bars complete symbol by symbol and out of their start order across sizes: the rows only go forward.
    if (time < written || time < closed.time) return;
    if (time !== closed.time) flushEquity();
    closed.time = time;
    closed.equity = portfolio.equity;
    closed.cash = portfolio.cash;
    closed.positionsValue = portfolio.positionsValue;
  };
  const byCaller = options.barsClosedByCaller === true;
  kernel.engine.observe({
    onOrder(event) {
      options.crash?.('sent');
      journal.sent(event);
    },
    onEvent(event) {
      switch (event.type) {
        case 'market':
          if (!byCaller && event.time !== barTime) {
            flushEquity();
            barTime = event.time;
          }
          return;
        case 'order_accepted':
          journal.accepted(event.order, event.time);
          return;
        case 'order_failed':
          journal.status(event.orderId, event.time, 'failed', event.reason, event.code);
          return;
        case 'order_cancelled':
          journal.status(event.orderId, event.time, 'cancelled', event.reason);
          return;
        case 'signal_rejected':
          journal.event('signal_rejected', event.time, event.reason, { symbol: event.signal.symbol });
          return;
        case 'order_reduced':
          journal.event(
            'order_reduced',
            event.time,
            `order ${event.orderId} reduced to ${event.quantity} shares (${event.remaining} unfilled): another order of its group executed in part`,
            { symbol: event.symbol },
          );
          return;
        case 'signal':
        case 'order':
        case 'cancel_order':
        case 'fill':
        case 'commission_corrected':
          // Orders, fills and commissions have their own hooks; advice and cancel requests leave no trace of their own.
          return;
        default:
          assertNever(event);
      }
    },
    onFill(fill) {
      if (options.crash !== undefined && journal.remaining(fill.orderId) > fill.quantity) options.crash('partial-fill');
      // A bar's row is written before the fill's; one at the fill's very time is replaced by it, as in equity.csv.
      if (closed.time === fill.time) closed.time = Number.NaN;
      if (fill.time > barTime || byCaller) flushEquity();
      execId = fill.execId;
      const recovered = options.recovering?.() ?? false;
      journal.fill(fill, positionOf(portfolio, fill.symbol), portfolio.cash, portfolio.settledCash, recovered);
      equityAt(fill.time);
    },
    onTrade(trade) {
      journal.trade(execId, trade);
    },
    onCommissionCorrected(event, held) {
      journal.commission(event, positionOf(portfolio, event.symbol), portfolio.cash, portfolio.settledCash, held);
    },
  });
  return {
    barClosed,
    finishEquity: (endTime) => {
      flushEquity();
      if (endTime !== undefined && Number.isFinite(endTime)) equityAt(endTime);
    },
  };
}
