import type { Bar } from '../../domain/bar.js';
import { halfSpread, tradeCount } from '../market/historical-bars.js';
import { EXCHANGE_TIME_ZONE } from '../market/exchange-calendar.js';
import type { ContractRegistry } from '../market/contract-registry.js';
import { parseWhatToShow, type WhatToShow } from '../market/historical-request.js';
import { encodeRealTimeBar } from '../protocol/encoders/market-data.js';
import type { WireContract } from '../protocol/wire-types.js';
import type { ClientSession } from '../server/client-session.js';
import { NO_SECURITY_DEFINITION } from './contract-service.js';
import { SubscriptionTable, type Subscription } from './market-data-subscriptions.js';

interface RealtimeSubscription extends Subscription {
  readonly what: WhatToShow;
}

/** IB allows 60 new real-time bar requests per 10 minutes. */
const REQUEST_LIMIT = { count: 60, windowMs: 600_000 } as const;

/** reqRealTimeBars: five-second bars of the replay, sent as each one completes. */
export class RealtimeBarsService {
  private readonly subscriptions: SubscriptionTable<RealtimeSubscription>;
  private readonly requestTimes: number[] = [];

  constructor(
    private readonly registry: ContractRegistry,
    retain: (symbol: string) => void,
    release: (symbol: string) => void,
    private readonly enforcePacing = true,
    private readonly wallNow: () => number = Date.now,
  ) {
    this.subscriptions = new SubscriptionTable(retain, release);
  }

  get count(): number {
    return this.subscriptions.size;
  }

  request(session: ClientSession, reqId: number, contract: WireContract, barSize: number, whatToShow: string): void {
    const found = this.registry.find(contract);
    if (found.length !== 1) {
      session.sendError(reqId, 200, NO_SECURITY_DEFINITION);
      return;
    }
    const instrument = found[0]!;
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
    const now = this.wallNow();
    while (this.requestTimes.length > 0 && now - this.requestTimes[0]! >= REQUEST_LIMIT.windowMs) {
      this.requestTimes.shift();
    }
    if (this.enforcePacing && this.requestTimes.length >= REQUEST_LIMIT.count) {
      session.sendError(reqId, 420, 'Invalid Real-time Query:Historical data request pacing violation');
      return;
    }
    this.requestTimes.push(now);
    this.subscriptions.add({ session, reqId, symbol: instrument.symbol, what: what.value });
  }

  cancel(session: ClientSession, reqId: number): void {
    this.subscriptions.remove(session, reqId);
  }

  dropSession(session: ClientSession): void {
    this.subscriptions.removeSession(session);
  }

  /** Ends every subscription silently (connectivity restored with data lost: clients must re-subscribe). */
  dropAll(): void {
    this.subscriptions.clear();
  }

  /** Sends a completed bar (`time` = its end) to the symbol's subscribers. */
  deliver(bar: Bar): void {
    const subscribers = this.subscriptions.forSymbol(bar.symbol);
    if (subscribers === undefined) return;
    const epochSeconds = Math.round(EXCHANGE_TIME_ZONE.toEpoch(bar.time) / 1000);
    for (const sub of subscribers) {
      if (!sub.session.open) continue;
      if (sub.what === 'TRADES') {
        const wap = (bar.high + bar.low + bar.close) / 3;
        sub.session.send(
          encodeRealTimeBar(
            sub.reqId,
            epochSeconds,
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
        encodeRealTimeBar(sub.reqId, epochSeconds, q(bar.open), q(bar.high), q(bar.low), q(bar.close), -1, -1, -1),
      );
    }
  }
}
