import type { TradingKernel } from '../core/trading-kernel.js';
import { formatTime } from '../domain/time.js';
import type { Logger } from '../logging/logger.js';
import type { LiveResults } from './live-results.js';

export interface SessionCounters {
  /** A signal the router refused. */
  rejected(): void;
}

/**
 * Connects the engine's events to the live result files and the log: orders as they are sent, fills and the account
 * after each, trades as they close, refusals and failures with their reasons.
 */
export function observeSession(
  kernel: TradingKernel,
  results: LiveResults,
  logger: Logger,
  counters: SessionCounters,
): void {
  const { portfolio } = kernel;
  kernel.engine.observe({
    onEvent(event) {
      switch (event.type) {
        case 'order':
          results.order(event);
          logger.info(
            {
              orderId: event.order.id,
              symbol: event.order.symbol,
              side: event.order.side,
              quantity: event.order.quantity,
              type: event.order.type,
              children: event.children.length,
              purpose: event.order.purpose,
              bar: formatTime(event.time),
            },
            'order',
          );
          return;
        case 'order_failed':
          logger.warn(
            { orderId: event.orderId, symbol: event.symbol, code: event.code },
            `order failed: ${event.reason}`,
          );
          return;
        case 'order_cancelled':
          logger.info(
            { orderId: event.orderId, symbol: event.symbol, remaining: event.remaining },
            `order ended: ${event.reason}`,
          );
          return;
        case 'market':
        case 'signal':
        case 'signal_rejected':
        case 'cancel_order':
        case 'order_accepted':
        case 'fill':
          return;
      }
    },
    onFill(fill) {
      results.fill(fill);
      results.equity(fill.time, portfolio);
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
    },
    onTrade(trade) {
      results.trade(trade);
      logger.info({ symbol: trade.symbol, pnl: +trade.pnl.toFixed(2) }, 'trade closed');
    },
    onSignalRejected(event) {
      counters.rejected();
      logger.info(
        { symbol: event.signal.symbol, direction: event.signal.direction },
        `signal refused: ${event.reason}`,
      );
    },
  });
}
