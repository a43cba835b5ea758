import type { Bar } from '../../domain/bar.js';
import { halfSpread, tradeCount } from '../market/historical-bars.js';
import { epochSeconds } from '../market/exchange-calendar.js';
import type { ContractRegistry } from '../market/contract-registry.js';
import { parseWhatToShow, type WhatToShow } from '../market/historical-request.js';
import { encodeRealTimeBar } from '../protocol/encoders/market-data.js';
import type { WireContract } from '../protocol/wire-types.js';
import type { ClientSession } from '../server/client-session.js';
import { RateLimiter } from '../server/rate-limiter.js';
import { instrumentFor } from './contract-service.js';
import { MarketDataService } from './market-data-service.js';
import type { Subscription } from './market-data-subscriptions.js';

interface RealtimeSubscription extends Subscription {
  readonly what: WhatToShow;
}

/** reqRealTimeBars: five-second bars of the replay, sent as each one completes. */
export class RealtimeBarsService extends MarketDataService<RealtimeSubscription> {
  /** IB allows 60 new real-time bar requests per 10 minutes; undefined when pacing is not enforced. */
  private readonly pacing: RateLimiter | undefined;

  constructor(
    private readonly registry: ContractRegistry,
    retain: (symbol: string) => void,
    release: (symbol: string) => void,
    enforcePacing = true,
    wallNow: () => number = Date.now,
  ) {
    super(retain, release);
    this.pacing = enforcePacing ? new RateLimiter(60, 600_000, wallNow) : undefined;
  }

  /** Real-time bar streams open now, of every client. */
  get streams(): number {
    return this.subscriptions.size;
  }

  request(session: ClientSession, reqId: number, contract: WireContract, barSize: number, whatToShow: string): void {
    const instrument = instrumentFor(this.registry, session, reqId, contract);
    if (instrument === undefined) return;
    if (barSize !== 5) {
      session.sendError(reqId, 321, `Error validating request.-'bZ' : cause - Invalid bar size ${barSize}: only 5`);
      return;
    }
    const what = parseWhatToShow(whatToShow);
    if (!what.ok || (instrument.secType === 'IND' && what.value !== 'TRADES')) {
      session.sendError(reqId, 321, `Error validating request.-'bZ' : cause - Invalid what to show ${whatToShow}`);
      return;
    }
    if (this.subscriptions.has(session, reqId)) {
      session.sendError(reqId, 322, `Error processing request.-'bZ' : cause - Duplicate ticker id ${reqId}`);
      return;
    }
    if (this.pacing?.record() === true) {
      session.sendError(reqId, 420, 'Invalid Real-time Query:Historical data request pacing violation');
      return;
    }
    this.subscriptions.add({ session, reqId, symbol: instrument.symbol, what: what.value });
  }

  deliver(bar: Bar): void {
    const subscribers = this.subscriptions.forSymbol(bar.symbol);
    if (subscribers === undefined) return;
    const stamp = epochSeconds(bar.time);
    for (const sub of subscribers) {
      if (!sub.session.open) continue;
      if (sub.what === 'TRADES') {
        const wap = (bar.high + bar.low + bar.close) / 3;
        sub.session.send(
          encodeRealTimeBar(
            sub.reqId,
            stamp,
            bar.open,
            bar.high,
            bar.low,
            bar.close,
            bar.volume,
            wap,
            tradeCount(bar.volume),
          ),
        );
        continue;
      }
      const sign = sub.what === 'BID' ? -1 : sub.what === 'ASK' ? 1 : 0;
      const q = (p: number): number => Math.round((p + sign * halfSpread(p)) * 10_000) / 10_000;
      sub.session.send(
        encodeRealTimeBar(sub.reqId, stamp, q(bar.open), q(bar.high), q(bar.low), q(bar.close), -1, -1, -1),
      );
    }
  }
}
