import { formatTime } from '../domain/time.js';
import type { Logger } from '../logging/logger.js';
import type { RiskEvent } from './risk-events.js';

/** One log line per risk event: state changes and data notices as warnings, refusals at debug (there can be one per bar). */
export function logRiskEvent(logger: Logger, event: RiskEvent): void {
  switch (event.type) {
    case 'trading_state':
      logger.warn(
        { rule: event.rule, from: event.from, to: event.to, at: formatTime(event.time) },
        `trading ${event.to}: ${event.reason}`,
      );
      return;
    case 'risk_notice':
      logger.warn({ rule: event.rule, at: formatTime(event.time) }, event.reason);
      return;
    case 'risk_rejected':
      // A run of limits refuses tens of thousands of entries: their line is built only when debug lines are kept.
      if (!logger.isLevelEnabled('debug')) return;
      logger.debug(
        { rule: event.rule, symbol: event.symbol, at: formatTime(event.time) },
        `order refused: ${event.reason}`,
      );
      return;
  }
}
