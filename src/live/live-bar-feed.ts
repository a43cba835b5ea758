import type { Bar } from '../domain/bar.js';
import type { MarketEvent } from '../domain/events.js';
import type { BarSize } from '../domain/bar-size.js';
import type { Logger } from '../logging/logger.js';
import { planBackfill, type BackfillRequest } from './backfill-plan.js';
import { BarAggregator } from './bar-aggregator.js';

export interface LiveBarFeedOptions {
  /** The strategy's bar size. */
  readonly size: BarSize;
  /** Only regular-hours data (IB's useRTH), as the history was requested. */
  readonly rthOnly: boolean;
  /** A completed bar of the strategy's size; `backfilled` when it was completed by data fetched to fill a gap. */
  readonly onBar: (bar: MarketEvent, backfilled: boolean) => void;
  /** Historical bars for a backfill request (the IB adapter's history, through the pacing scheduler). */
  readonly fetch: (symbol: string, request: BackfillRequest) => Promise<Bar[]>;
  /** Gaps longer than this are filled only for their most recent part. */
  readonly maxGapMs: number;
  readonly logger: Logger;
}

type FeedState = 'warming' | 'live' | 'awaiting' | 'backfilling';

/** One symbol's progress through gaps. */
class SymbolFeed {
  state: FeedState = 'awaiting';
  /** End of the data consumed so far (history or five-second bars); NaN when there is none. */
  covered = Number.NaN;
  /** Live bars that arrived while a backfill was in flight. */
  buffer: MarketEvent[] = [];
  /** Where in `buffer` the stream restarted during a backfill (bars after it may follow another gap); −1: no restart. */
  restartAt = -1;
  /** Waiting for the first live bar while the symbol warms up. */
  readonly firstBarWaiters: ((time: number) => void)[] = [];

  constructor(readonly symbol: string) {}
}

/**
 * The live market data path for one bar size: five-second real-time bars in, the strategy's bars out, with every
 * gap filled. A gap appears when a stream (re)starts: between the end of the history loaded at startup and the
 * first live bar, and between the last bar before a disconnection (or a 1101) and the first one after. The first
 * live bar after a (re)start shows how large the gap is; the symbol's live bars then wait while the gap is fetched
 * (planBackfill), the fetched bars go through the aggregator first and the waiting ones after, so each bar of the
 * strategy's size is built from complete data, in order. Symbols are independent: one symbol's backfill never
 * holds another's bars. Live bars of a symbol without a gap take the synchronous path straight to the strategy.
 */
export class LiveBarFeed {
  private readonly aggregator: BarAggregator;
  private readonly symbols = new Map<string, SymbolFeed>();
  private consumingBackfill = false;
  private backfillCount = 0;
  private backfilledBars = 0;

  constructor(private readonly options: LiveBarFeedOptions) {
    this.aggregator = new BarAggregator({
      size: options.size,
      rthOnly: options.rthOnly,
      onBar: (bar) => {
        options.onBar(bar, this.consumingBackfill);
      },
    });
  }

  /** Backfills started, and the bars they brought. */
  get backfills(): { readonly requests: number; readonly bars: number } {
    return { requests: this.backfillCount, bars: this.backfilledBars };
  }

  /** True while any symbol waits for a backfill. */
  get backfilling(): boolean {
    for (const feed of this.symbols.values()) if (feed.state === 'backfilling') return true;
    return false;
  }

  /**
   * Takes a symbol's live bars before its history is loaded: they wait (in order) until `seed`. History requested to
   * end where the first live bar starts then leaves no gap to fill.
   */
  register(symbol: string): void {
    const feed = new SymbolFeed(symbol);
    feed.state = 'warming';
    this.symbols.set(symbol, feed);
  }

  /** Start of the symbol's first live bar once one has arrived; undefined if none came within `timeoutMs`. */
  firstBarTime(symbol: string, timeoutMs: number): Promise<number | undefined> {
    const feed = this.symbols.get(symbol);
    const first = feed?.buffer[0];
    if (feed?.state !== 'warming' || first !== undefined) return Promise.resolve(first?.time);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve(undefined);
      }, timeoutMs);
      feed.firstBarWaiters.push((time) => {
        clearTimeout(timer);
        resolve(time);
      });
    });
  }

  /**
   * A symbol's history covers data up to `coveredUntil` (exchange time), its last complete bar of the strategy's size
   * starting at `lastBarTime` (NaN for either when there is no history). Live bars that waited go through now: the
   * first shows whether a gap is left to fill.
   */
  seed(symbol: string, lastBarTime: number, coveredUntil: number): void {
    const feed = this.symbols.get(symbol) ?? new SymbolFeed(symbol);
    this.symbols.set(symbol, feed);
    feed.covered = coveredUntil;
    if (Number.isFinite(lastBarTime)) this.aggregator.seed(symbol, lastBarTime);
    if (feed.state !== 'warming') return;
    feed.state = 'awaiting';
    const waiting = feed.buffer;
    feed.buffer = [];
    this.drainLate(waiting, 0, waiting.length);
  }

  /** The streams restart (new socket, 1101): each symbol's first bar from now on shows the gap to fill. */
  awaitGaps(): void {
    for (const feed of this.symbols.values()) {
      if (feed.state === 'live') feed.state = 'awaiting';
      else if (feed.state === 'backfilling' && feed.restartAt < 0) feed.restartAt = feed.buffer.length;
    }
  }

  /** A live five-second bar, on the socket's callback. */
  push(bar: MarketEvent): void {
    const feed = this.symbols.get(bar.symbol);
    if (feed === undefined) return;
    switch (feed.state) {
      case 'live':
        this.consume(feed, bar, 5000);
        return;
      case 'backfilling':
        feed.buffer.push(bar);
        return;
      case 'warming':
        feed.buffer.push(bar);
        for (const resolve of feed.firstBarWaiters.splice(0)) resolve(bar.time);
        return;
      case 'awaiting':
        if (bar.time > feed.covered) {
          feed.buffer.push(bar);
          void this.backfill(feed, feed.covered, bar.time);
          return;
        }
        feed.state = 'live';
        this.consume(feed, bar, 5000);
        return;
    }
  }

  /** The exchange clock has reached `time`: bars whose period has ended go out even if their last bar never came. */
  flush(time: number): void {
    this.aggregator.flush(time);
  }

  private consume(feed: SymbolFeed, bar: MarketEvent, lengthMs: number): void {
    const end = bar.time + lengthMs;
    if (!(end <= feed.covered)) feed.covered = end;
    this.aggregator.push(bar);
  }

  private async backfill(feed: SymbolFeed, from: number, to: number): Promise<void> {
    feed.state = 'backfilling';
    const start = Math.max(from, to - this.options.maxGapMs);
    if (start > from) {
      this.options.logger.warn(
        { symbol: feed.symbol, gapMinutes: Math.round((to - from) / 60_000) },
        'gap longer than the backfill limit: only its most recent part is filled',
      );
    }
    const requests = planBackfill(start - (start % 5000), to);
    this.backfillCount += requests.length;
    try {
      for (const request of requests) {
        const bars = await this.options.fetch(feed.symbol, request);
        this.consumingBackfill = true;
        try {
          for (const bar of bars) {
            if (bar.time < request.start || bar.time >= request.end) continue;
            this.backfilledBars++;
            this.consume(feed, { type: 'market', ...bar }, request.barSize.ms);
          }
        } finally {
          this.consumingBackfill = false;
        }
      }
      this.options.logger.debug(
        { symbol: feed.symbol, requests: requests.length, minutes: Math.round((to - start) / 60_000) },
        'gap filled',
      );
    } catch (error) {
      this.options.logger.warn(
        { symbol: feed.symbol, from, to },
        `could not fill the data gap: ${(error as Error).message}; the strategy continues without it`,
      );
    }
    const waiting = feed.buffer;
    const restartAt = feed.restartAt < 0 ? waiting.length : feed.restartAt;
    feed.buffer = [];
    feed.restartAt = -1;
    feed.state = 'live';
    this.drainLate(waiting, 0, restartAt);
    // The stream restarted while this gap was being filled: the bars after the restart may follow a gap of their own.
    if (restartAt < waiting.length) {
      feed.state = 'awaiting';
      this.drainLate(waiting, restartAt, waiting.length);
    }
  }

  /**
   * Live bars that waited (for history, for a backfill) are no longer current when they go through: what they
   * complete counts as backfilled, so no entry is made on them.
   */
  private drainLate(bars: readonly MarketEvent[], from: number, to: number): void {
    const before = this.consumingBackfill;
    this.consumingBackfill = true;
    try {
      for (let i = from; i < to; i++) this.push(bars[i]!);
    } finally {
      this.consumingBackfill = before;
    }
  }
}
