import { EventName, WhatToShow, type Contract } from '@stoqey/ib';
import type { MarketEvent } from '../../domain/events.js';
import type { TimeZone } from '../../domain/time-zone.js';
import type { MessageRateLimiter } from '../../execution/message-rate-limiter.js';
import type { IbClient } from './ib-client.js';

/**
 * IB allows 60 new real-time bar requests in any 10 minutes (TWS API docs, "5 Second Real Time Bars"); re-subscribing
 * after a reconnection counts too. 100 ms are added to the window: IB counts arrivals on its side, and a delayed
 * earlier request can arrive closer to a later one than they were sent.
 */
export const REALTIME_BAR_REQUESTS = { max: 60, windowMs: 600_100 } as const;

export interface IbRealtimeBarsOptions {
  readonly whatToShow: 'TRADES' | 'MIDPOINT';
  readonly useRth: boolean;
  /** The exchange's zone: bar stamps arrive as epoch seconds and become exchange wall time. */
  readonly zone: TimeZone;
  /** Paces new requests: a MessageRateLimiter with REALTIME_BAR_REQUESTS. */
  readonly pacer: MessageRateLimiter;
  /** Every five-second bar, synchronously from the socket's callback. */
  readonly onBar: (bar: MarketEvent) => void;
  /** A request TWS refused or ended (no permissions, unknown contract, …). */
  readonly onProblem: (symbol: string, code: number, message: string) => void;
}

/**
 * IB's five-second real-time bars for the traded symbols. Subscriptions are remembered so that `resubscribeAll`
 * can renew every stream after a new socket or a 1101 ("data lost"); each request gets a fresh id, so a late bar of
 * an old request can never be taken for a new one.
 */
export class IbRealtimeBars {
  private readonly contracts = new Map<string, Contract>();
  private readonly symbolByRequest = new Map<number, string>();
  private readonly requestBySymbol = new Map<string, number>();

  constructor(
    private readonly client: IbClient,
    private readonly options: IbRealtimeBarsOptions,
  ) {
    const { zone, onBar } = options;
    client.on(
      EventName.realtimeBar,
      (reqId: number, time: number, open: number, high: number, low: number, close: number, volume: number) => {
        const symbol = this.symbolByRequest.get(reqId);
        if (symbol === undefined) return;
        onBar({ type: 'market', symbol, time: zone.toLocal(time * 1000), open, high, low, close, volume });
      },
    );
    client.onMessage((id, code, message) => {
      const symbol = this.symbolByRequest.get(id);
      if (symbol === undefined) return;
      this.symbolByRequest.delete(id);
      this.requestBySymbol.delete(symbol);
      options.onProblem(symbol, code, message);
    });
  }

  /** Symbols with a live request. */
  get streaming(): number {
    return this.requestBySymbol.size;
  }

  isStreaming(symbol: string): boolean {
    return this.requestBySymbol.has(symbol);
  }

  /** Starts (or, when already known, keeps) the symbol's stream. */
  subscribe(symbol: string, contract: Contract): void {
    this.contracts.set(symbol, contract);
    if (!this.requestBySymbol.has(symbol)) this.request(symbol, contract);
  }

  /** Requests every known stream again: the old requests died with the socket or with a 1101. */
  resubscribeAll(): void {
    this.options.pacer.clear();
    this.symbolByRequest.clear();
    this.requestBySymbol.clear();
    for (const [symbol, contract] of this.contracts) this.request(symbol, contract);
  }

  /** Cancels every stream (shutdown). */
  unsubscribeAll(): void {
    this.options.pacer.clear();
    for (const reqId of this.symbolByRequest.keys()) this.client.send((api) => api.cancelRealTimeBars(reqId));
    this.symbolByRequest.clear();
    this.requestBySymbol.clear();
  }

  private request(symbol: string, contract: Contract): void {
    const reqId = this.client.nextRequestId();
    this.symbolByRequest.set(reqId, symbol);
    this.requestBySymbol.set(symbol, reqId);
    const whatToShow = this.options.whatToShow === 'TRADES' ? WhatToShow.TRADES : WhatToShow.MIDPOINT;
    this.options.pacer.send(() => {
      // A resubscription may have replaced this request while it waited for the pace.
      if (this.requestBySymbol.get(symbol) !== reqId) return;
      this.client.send((api) => api.reqRealTimeBars(reqId, contract, 5, whatToShow, this.options.useRth));
    });
  }
}
