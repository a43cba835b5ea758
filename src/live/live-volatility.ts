import type { IbClient } from '../adapters/ib/ib-client.js';
import { indexContract } from '../adapters/ib/index-contract.js';
import { IbRealtimeBars, REALTIME_BAR_REQUESTS } from '../adapters/ib/realtime-bars.js';
import { FIVE_SECONDS } from '../domain/bar-size.js';
import { normaliseSymbol } from '../domain/symbol.js';
import type { TimeZone } from '../domain/time-zone.js';
import { MessageRateLimiter } from '../execution/message-rate-limiter.js';
import type { Logger } from '../logging/logger.js';
import type { RiskEngine } from '../risk/risk-engine.js';

export interface VolatilityFeedOptions {
  readonly client: IbClient;
  readonly zone: TimeZone;
  readonly risk: RiskEngine;
  readonly currency: string;
  readonly logger: Logger;
}

/**
 * The live side of the volatility rule: IB's five-second bars of the index (VIX, secType IND on CBOE; the embedded
 * gateway serves a synthetic one), each close handed to the risk engine's monitor as of the bar's end. Until the
 * first bar arrives, and whenever bars stop for longer than `stale_after_hours`, the monitor's missing/stale
 * behaviour applies. Returns the stream, for resubscription after a reconnection and for shutdown; null when the
 * volatility rule is off.
 */
export function startVolatilityFeed(options: VolatilityFeedOptions): IbRealtimeBars | null {
  const monitor = options.risk.volatility;
  if (monitor === null) return null;
  const symbol = normaliseSymbol(monitor.settings.symbol);
  const bars = new IbRealtimeBars(options.client, {
    // Indexes have no quotes, only the index value, which IB serves as TRADES.
    whatToShow: 'TRADES',
    useRth: false,
    zone: options.zone,
    pacer: new MessageRateLimiter(REALTIME_BAR_REQUESTS),
    onBar: (bar) => {
      monitor.update(bar.time + FIVE_SECONDS.ms, bar.close);
    },
    onProblem: (_symbol, code, message) => {
      options.logger.warn({ symbol, code }, `volatility index stream: ${message}`);
    },
  });
  bars.subscribe(symbol, indexContract(symbol, options.currency));
  return bars;
}
