import { formatTime } from '../domain/time.js';
import type { Logger } from '../logging/logger.js';
import type { RiskEvent } from './risk-events.js';

/** One log line per risk event: state changes and data notices as warnings, refusals at debug (there can be one per bar). */
export function logRiskEvent(logger: Logger, event: RiskEvent): void {
  const at = formatTime(event.time);
  switch (event.type) {
    case 'trading_state':
      logger.warn({ rule: event.rule, from: event.from, to: event.to, at }, `trading ${event.to}: ${event.reason}`);
      return;
    case 'risk_notice':
      logger.warn({ rule: event.rule, at }, event.reason);
      return;
    case 'risk_rejected':
      logger.debug({ rule: event.rule, symbol: event.symbol, at }, `order refused: ${event.reason}`);
      return;
  }
}
