import type { ClientSession } from '../server/client-session.js';

/** A live subscription owned by one client request. */
export interface Subscription {
  readonly session: ClientSession;
  readonly reqId: number;
  readonly symbol: string;
}

/**
 * Subscriptions by client and request id and by symbol, with the replay told which symbols it must feed: the
 * table behind every `MarketDataService`.
 */
export class SubscriptionTable<S extends Subscription> {
  private readonly byKey = new Map<string, S>();
  private readonly bySymbol = new Map<string, Set<S>>();

  constructor(
    private readonly retain: (symbol: string) => void,
    private readonly release: (symbol: string) => void,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  has(session: ClientSession, reqId: number): boolean {
    return this.byKey.has(key(session, reqId));
  }

  add(subscription: S): void {
    this.byKey.set(key(subscription.session, subscription.reqId), subscription);
    let set = this.bySymbol.get(subscription.symbol);
    if (set === undefined) {
      set = new Set();
      this.bySymbol.set(subscription.symbol, set);
    }
    set.add(subscription);
    this.retain(subscription.symbol);
  }

  remove(session: ClientSession, reqId: number): S | undefined {
    const k = key(session, reqId);
    const subscription = this.byKey.get(k);
    if (subscription === undefined) return undefined;
    this.byKey.delete(k);
    const set = this.bySymbol.get(subscription.symbol);
    set?.delete(subscription);
    if (set?.size === 0) this.bySymbol.delete(subscription.symbol);
    this.release(subscription.symbol);
    return subscription;
  }

  forSymbol(symbol: string): ReadonlySet<S> | undefined {
    return this.bySymbol.get(symbol);
  }

  removeSession(session: ClientSession): void {
    for (const subscription of [...this.byKey.values()]) {
      if (subscription.session === session) this.remove(session, subscription.reqId);
    }
  }

  clear(): void {
    for (const subscription of [...this.byKey.values()]) this.remove(subscription.session, subscription.reqId);
  }
}

function key(session: ClientSession, reqId: number): string {
  return `${session.id}:${reqId}`;
}
