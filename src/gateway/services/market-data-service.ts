import type { Bar } from '../../domain/bar.js';
import type { ClientSession } from '../server/client-session.js';
import { SubscriptionTable, type Subscription } from './market-data-subscriptions.js';

/**
 * What the market-data services (real-time bars, ticks, keepUpToDate history) share: subscriptions owned by client
 * requests, which end with their cancel, with the client's connection, or all at once (connectivity restored with
 * data lost: clients must re-subscribe); and the replay's completed bars to pass on.
 */
export abstract class MarketDataService<S extends Subscription> {
  protected readonly subscriptions: SubscriptionTable<S>;

  protected constructor(retain: (symbol: string) => void, release: (symbol: string) => void) {
    this.subscriptions = new SubscriptionTable(retain, release);
  }

  cancel(session: ClientSession, reqId: number): void {
    this.subscriptions.remove(session, reqId);
  }

  dropSession(session: ClientSession): void {
    this.subscriptions.removeSession(session);
  }

  dropAll(): void {
    this.subscriptions.clear();
  }

  /** Passes a completed five-second bar (`time` = its start) to the symbol's subscribers. */
  abstract deliver(bar: Bar): void;
}
