import type { IbClient } from '../adapters/ib/ib-client.js';
import { HistoryPacer } from '../adapters/ib/history-pacer.js';
import { IbHistoricalData } from '../adapters/ib/historical-data.js';
import type { IbQualifiedContract } from '../adapters/ib/contract-qualifier.js';
import { endDateTime, secondsDuration } from '../adapters/ib/ib-request-text.js';
import { IbRealtimeBars, REALTIME_BAR_REQUESTS } from '../adapters/ib/realtime-bars.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { TradingKernel } from '../core/trading-kernel.js';
import type { Bar } from '../domain/bar.js';
import { FIVE_SECONDS, type BarSize } from '../domain/bar-size.js';
import type { MarketEvent } from '../domain/events.js';
import { MS_PER_DAY } from '../domain/time.js';
import type { TimeZone } from '../domain/time-zone.js';
import { MessageRateLimiter } from '../execution/message-rate-limiter.js';
import type { Logger } from '../logging/logger.js';
import { LiveBarFeed } from './live-bar-feed.js';
import { LiveBarFeeds } from './live-bar-feeds.js';
import type { LiveFeedPlan, LiveStrategy } from './live-strategy.js';
import { StrategySet } from '../strategy/strategy-set.js';
import { regularClose, warmUp } from './warm-up.js';

/** Gaps longer than this are backfilled only for their most recent part. */
const MAX_BACKFILL_MS = 5 * MS_PER_DAY;
/** How long a five-second strategy waits for a symbol's first live bar before loading its history up to now. */
const FIRST_BAR_WAIT_MS = 12_000;

export interface LiveMarketDataInput {
  readonly client: IbClient;
  readonly config: Config;
  readonly zone: TimeZone;
  readonly strategy: LiveStrategy;
  readonly contracts: ReadonlyMap<string, IbQualifiedContract>;
  readonly kernel: TradingKernel;
  /** The exchange's clock, as the broker has it. */
  readonly clock: Clock;
  readonly logger: Logger;
  /** A symbol's history has arrived (progress). */
  readonly onHistoryLoaded: (symbol: string) => void;
  /** A bar of its strategy's size, completed live or by backfilled data. */
  readonly onStrategyBar: (bar: MarketEvent, size: BarSize, backfilled: boolean) => void;
  /** Every live five-second bar, on the socket's callback, before it goes to the feed. */
  readonly onFiveSeconds: (bar: MarketEvent) => void;
}

export interface LiveMarketData {
  readonly feed: LiveBarFeeds;
  readonly realtime: IbRealtimeBars;
  /** The history requests' pacing scheduler (startup history and every backfill). */
  readonly pacer: HistoryPacer;
}

/**
 * The market data side of a live start: for every bar size the strategies trade, history in that size for its
 * symbols through the pacing scheduler, the strategies warmed up on it, then the five-second real-time bars
 * subscribed into a feed per bar size that aggregates them to that size and backfills every gap through the same
 * scheduler.
 */
export async function startMarketData(input: LiveMarketDataInput): Promise<LiveMarketData> {
  const { client, config, zone, strategy, contracts, kernel, logger } = input;
  const pacer = new HistoryPacer({
    maxOpen: config.ibkr.max_concurrent_historical_requests,
    onRetry: (info) => {
      logger.warn({ attempt: info.attempt, delayMs: info.delayMs }, `historical request paced: ${info.message}`);
    },
  });
  const history = new IbHistoricalData(client, pacer, { zone });
  const fetchBars = (symbol: string, barSize: BarSize, end: number, duration: string): Promise<Bar[]> =>
    history.fetch({
      contract: contracts.get(symbol)!.contract,
      symbol,
      endDateTime: endDateTime(end, zone),
      duration,
      barSize,
      whatToShow: config.ibkr.what_to_show,
      useRth: config.ibkr.use_rth,
      timeoutMs: config.ibkr.historical_timeout_seconds * 1000,
    });
  const feeds = new LiveBarFeeds(
    strategy.feeds.map((plan) => ({
      plan,
      feed: new LiveBarFeed({
        size: plan.barSize,
        rthOnly: config.ibkr.use_rth,
        onBar: (bar, backfilled) => {
          input.onStrategyBar(bar, plan.barSize, backfilled);
        },
        fetch: (symbol, request) =>
          fetchBars(symbol, request.barSize, request.end, secondsDuration(request.end - request.start)),
        maxGapMs: MAX_BACKFILL_MS,
        logger,
      }),
    })),
  );
  const realtime = new IbRealtimeBars(client, {
    whatToShow: config.ibkr.what_to_show,
    useRth: config.ibkr.use_rth,
    zone,
    pacer: new MessageRateLimiter(REALTIME_BAR_REQUESTS),
    onBar: (bar) => {
      input.onFiveSeconds(bar);
      feeds.push(bar);
    },
    onProblem: (symbol, code, message) => {
      logger.warn({ symbol, code }, `real-time bars stopped: ${message}`);
    },
  });
  const subscribe = (plan: LiveFeedPlan): void => {
    for (const symbol of plan.symbols) realtime.subscribe(symbol, contracts.get(symbol)!.contract);
  };
  const set = kernel.strategy instanceof StrategySet ? kernel.strategy : undefined;
  const now = input.clock.now();
  // Each bar size warms up on its own history; they load side by side through the one pacing scheduler.
  await Promise.all(
    feeds.feeds.map(async ({ plan, feed }) => {
      // A five-second feed subscribes first and loads each symbol's history up to its first live bar, so that no
      // gap is left to backfill: bars of 30 seconds or less count against IB's 60 history requests in ten minutes,
      // and a backfill per symbol on top of the history would exceed it with a few dozen symbols. Larger bar sizes
      // load their history at once (those requests are not counted) and backfill the part of the current bar
      // before the first live one.
      const historyFirst = plan.barSize.ms > FIVE_SECONDS.ms;
      if (!historyFirst) {
        for (const symbol of plan.symbols) feed.register(symbol);
        subscribe(plan);
      }
      const warm = await warmUp({
        symbols: plan.symbols,
        barSize: plan.barSize,
        end: historyFirst
          ? () => Promise.resolve(now)
          : async (symbol) => (await feed.firstBarTime(symbol, FIRST_BAR_WAIT_MS)) ?? input.clock.now(),
        duration: config.ibkr.historical_duration,
        allowPartial: config.system.allow_partial_hist_data,
        fetch: async (symbol, end, duration) => {
          const bars = await fetchBars(symbol, plan.barSize, end, duration);
          input.onHistoryLoaded(symbol);
          return bars;
        },
        sessionClose: regularClose,
        strategy: kernel.strategy,
        ...(set && { owner: (symbol: string) => set.owner(symbol) }),
        portfolio: kernel.portfolio,
        feed,
        logger,
      });
      if (historyFirst) subscribe(plan);
      logger.info(
        { barSize: plan.barSize.text, symbols: warm.symbols, bars: warm.bars, requests: pacer.stats.started },
        'strategy warmed up',
      );
    }),
  );
  return { feed: feeds, realtime, pacer };
}
