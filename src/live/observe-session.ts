import type { TradingKernel } from '../core/trading-kernel.js';
import { formatTime } from '../domain/time.js';
import type { Logger } from '../logging/logger.js';
import { logRiskEvent } from '../risk/risk-log.js';
import type { LiveResults } from './live-results.js';

export interface SessionObserverOptions {
  /** A signal the router refused. */
  rejected(): void;
  /** An order a risk rule refused (a row of risk_events.csv): most refused signals, but not those an entry hold kept. */
  refusedByRisk(): void;
  /**
   * Read-only sessions send nothing: orders.csv lists what they would have placed, and the execution client's "would
   * place" log line stands for the order's.
   */
  readonly readOnly: boolean;
}

/**
 * Connects the engine's events to the live result files and the log: orders as they are sent, fills and the account
 * after each, trades as they close, refusals and failures with their reasons, and the risk engine's events.
 */
export function observeSession(
  kernel: TradingKernel,
  results: LiveResults,
  logger: Logger,
  options: SessionObserverOptions,
): void {
  const { portfolio } = kernel;
  kernel.risk.onEvent((event) => {
    if (event.type === 'risk_rejected') options.refusedByRisk();
    results.riskEvent(event);
    logRiskEvent(logger, event);
  });
  kernel.engine.observe({
    onOrder(event) {
      // The order is on the socket already; its row and log line wait until the other bars of the read had theirs.
      results.afterTurn.run(() => {
        results.order(event);
        if (options.readOnly) return;
        const { order } = event;
        logger.info(
          {
            orderId: order.id,
            symbol: order.symbol,
            side: order.side,
            quantity: order.quantity,
            type: order.type,
            children: event.children.length,
            purpose: order.purpose,
            bar: formatTime(event.time),
          },
          'order',
        );
      });
    },
    onEvent(event) {
      if (event.type === 'order_failed') {
        logger.warn(
          { orderId: event.orderId, symbol: event.symbol, code: event.code },
          `order failed: ${event.reason}`,
        );
      } else if (event.type === 'order_cancelled') {
        logger.info(
          { orderId: event.orderId, symbol: event.symbol, remaining: event.remaining },
          `order ended: ${event.reason}`,
        );
      }
    },
    onFill(fill) {
      results.equity(fill.time, portfolio);
      results.afterTurn.run(() => {
        results.fill(fill);
        logger.info(
          {
            orderId: fill.orderId,
            symbol: fill.symbol,
            side: fill.side,
            quantity: fill.quantity,
            price: fill.price,
            commission: fill.commission,
            purpose: fill.purpose,
          },
          'fill',
        );
      });
    },
    onCommissionCorrected(event, held) {
      results.afterTurn.run(() => {
        results.commissionCorrected(event, held);
      });
    },
    onTrade(trade) {
      results.afterTurn.run(() => {
        results.trade(trade);
        logger.info({ symbol: trade.symbol, pnl: +trade.pnl.toFixed(2) }, 'trade closed');
      });
    },
    onSignalRejected(event) {
      options.rejected();
      logger.info(
        { symbol: event.signal.symbol, direction: event.signal.direction },
        `signal refused: ${event.reason}`,
      );
    },
  });
}
