import type { MarketEvent } from '../domain/events.js';
import type { LiveBarFeed } from './live-bar-feed.js';
import type { LiveFeedPlan } from './live-strategy.js';

/** One bar size's feed and the symbols it aggregates. */
export interface SizedFeed {
  readonly plan: LiveFeedPlan;
  readonly feed: LiveBarFeed;
}

/**
 * The session's live feeds, one per bar size: each symbol's five-second bars go to the feed of its strategy's bar
 * size, which aggregates, seeds from history and backfills gaps on its own; the clock and the stream restarts reach
 * them all.
 */
export class LiveBarFeeds {
  private readonly bySymbol = new Map<string, LiveBarFeed>();

  constructor(readonly feeds: readonly SizedFeed[]) {
    for (const { plan, feed } of feeds) for (const symbol of plan.symbols) this.bySymbol.set(symbol, feed);
  }

  /** A live five-second bar, on the socket's callback. */
  push(bar: MarketEvent): void {
    this.bySymbol.get(bar.symbol)?.push(bar);
  }

  /** The exchange clock has reached `time`: bars whose period has ended go out. */
  flush(time: number): void {
    for (const { feed } of this.feeds) feed.flush(time);
  }

  /** The streams restart (new socket, 1101): every symbol's first bar from now on shows the gap to fill. */
  awaitGaps(): void {
    for (const { feed } of this.feeds) feed.awaitGaps();
  }
}
