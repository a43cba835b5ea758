import { performance } from 'node:perf_hooks';
import type { Config } from '../config/schema.js';
import { SimClock } from '../core/clock.js';
import { createTradingKernel, type TradingKernel } from '../core/trading-kernel.js';
import type { BarSeries } from '../domain/bar.js';
import type { MarketEvent, OrderEvent } from '../domain/events.js';
import type { Fill } from '../domain/fill.js';
import { dayNumber, formatTime } from '../domain/time.js';
import { createCommissionModel } from '../execution/commission-model.js';
import { SimulatedExecutionClient } from '../execution/simulated-execution-client.js';
import type { BarFeed } from './bar-feed.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { EquityRowSink } from '../performance/equity-csv-writer.js';
import { equitySeries, type EquityColumns } from '../performance/equity-curve.js';
import { EquityRecorder } from '../performance/equity-recorder.js';
import { computeMetrics, type PerformanceMetrics } from '../performance/metrics.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import type { StrategyFactory } from '../strategy/load-strategy.js';
import type { StrategyAssignment } from '../strategy/strategy-set.js';

export interface BacktestInput {
  readonly config: Config;
  /** The traded symbols' bars, merged by time. */
  readonly feed: BarFeed;
  /** Buy-and-hold reference for alpha and beta; null for none. */
  readonly benchmark: BarSeries | null;
  readonly logger?: Logger;
  /** Receives the account after every bar slice (equity.csv); none when only the result is wanted. */
  readonly equitySink?: EquityRowSink;
  /** The strategy when it is not the built-in one `backtest.strategy` names (a loaded module, a definition). */
  readonly strategy?: StrategyFactory;
  /** Several strategies at once, each on its own symbols (instead of `strategy`). */
  readonly strategies?: readonly StrategyAssignment[];
  /** Sees the kernel before the first bar (a journal observes its engine). */
  readonly onKernel?: (kernel: TradingKernel) => void;
}

export interface BacktestResult {
  readonly strategy: string;
  readonly params: Readonly<Record<string, number>>;
  /** The strategies of the run by id with their symbols (one, on every symbol, unless several ran at once). */
  readonly members: readonly { readonly id: string; readonly symbols: readonly string[] }[];
  readonly portfolio: Portfolio;
  /** The account at the end of each date. */
  readonly daily: EquityColumns;
  readonly fills: readonly Fill[];
  /** Every order sent, with its bracket children, in sending order. */
  readonly orders: readonly OrderEvent[];
  readonly trades: readonly TradeRecord[];
  readonly metrics: PerformanceMetrics;
  readonly rejectedSignals: number;
  readonly bars: number;
  /** Seconds spent in the event loop alone: its wall time less reading input and writing equity rows. */
  readonly loopSeconds: number;
  /** Seconds the feed spent reading and parsing input during the loop (not before it). */
  readonly loadSeconds: number;
}

/**
 * Runs one backtest: the shared TradingEngine with a simulated clock, the feed's bars and the simulated execution
 * client. Per time slice: orders working from earlier bars are matched against the new bars
 * first (so a signal on bar t fills at bar t+1's open at the earliest), then the bars go to the portfolio and
 * strategies as market events, then the equity is recorded at the slice's close.
 */
export function runBacktest(input: BacktestInput): BacktestResult {
  const { config } = input;
  const logger = input.logger ?? silentLogger();
  const configured = config.backtest.strategy;
  const params = config.strategies[configured]?.params ?? {};
  const several = input.strategies;
  const strategyName = several?.map((a) => a.factory.id).join('+') ?? input.strategy?.id ?? configured;

  const clock = new SimClock();
  let nextOrderId = 1;
  const kernel = createTradingKernel(config, {
    strategy: input.strategy ?? configured,
    params,
    initialCash: config.account.initial_capital,
    protectiveStops: config.backtest.stops && config.trading.use_bracket_orders,
    nextOrderId: () => nextOrderId++,
    ...(several === undefined ? {} : { strategies: several }),
  });
  const { portfolio, limits, engine } = kernel;
  const execution = new SimulatedExecutionClient({
    sink: engine.emit,
    clock,
    book: { slippageBps: config.backtest.slippage_bps },
    commission: createCommissionModel(config.backtest.commission, config.commission_rates),
  });
  engine.attachExecution(execution);
  input.onKernel?.(kernel);

  const fills: Fill[] = [];
  const orders: OrderEvent[] = [];
  let rejectedSignals = 0;
  engine.observe({
    onFill: (fill) => fills.push(fill),
    onOrder: (order) => orders.push(order),
    onSignalRejected(event) {
      rejectedSignals++;
      logger.debug({ symbol: event.signal.symbol, reason: event.reason }, 'signal rejected');
    },
  });

  const feed = input.feed;
  const recorder = new EquityRecorder(input.equitySink ?? null);
  // The bars of the current time slice: one slot per series, reused for every slice.
  const slice: MarketEvent[] = [];
  let session = Number.NaN;
  let lastTime = Number.NaN;
  // Reading input and writing equity rows happen inside the loop but are not the loop's own cost: timed apart.
  const loadBefore = feed.loadSeconds;
  const writeBefore = input.equitySink?.busySeconds ?? 0;
  const started = performance.now();
  let bars = 0;
  while (feed.next()) {
    const time = feed.time;
    clock.set(time);
    const day = dayNumber(time);
    if (day !== session) {
      // DAY orders that worked through the previous session end before the new one opens.
      if (!Number.isNaN(lastTime)) execution.expireDayOrders(lastTime);
      portfolio.startSession(day);
      limits.startSession(day);
      session = day;
    }
    const size = feed.size;
    bars += size;
    for (let k = 0; k < size; k++) {
      const bar = feed.event(k);
      slice[k] = bar;
      execution.processBar(bar);
    }
    engine.publish(slice, size);
    recorder.record(time, portfolio);
    const breach = limits.observe(time);
    if (breach !== null) logger.warn({ rule: breach.rule, at: formatTime(time) }, breach.reason);
    lastTime = time;
  }
  recorder.finish();
  const loadSeconds = feed.loadSeconds - loadBefore;
  const writeSeconds = (input.equitySink?.busySeconds ?? 0) - writeBefore;
  const loopSeconds = (performance.now() - started) / 1000 - loadSeconds - writeSeconds;
  const daily = recorder.daily();

  const metrics = computeMetrics({
    initialEquity: config.account.initial_capital,
    daily: equitySeries(daily),
    trades: portfolio.trades,
    exposure: recorder.exposure(),
    openPositions: portfolio.openPositionCount,
    riskFreeRate: config.performance.risk_free_rate,
    periodsPerYear: config.performance.periods_per_year,
    benchmark: config.benchmarking.calculate_alpha_beta ? input.benchmark : null,
  });
  return {
    strategy: strategyName,
    params: several === undefined ? params : {},
    members: several?.map((a) => ({ id: a.factory.id, symbols: a.symbols })) ?? [{ id: strategyName, symbols: [] }],
    portfolio,
    daily,
    fills,
    orders,
    trades: portfolio.trades,
    metrics,
    rejectedSignals,
    bars,
    loopSeconds,
    loadSeconds,
  };
}
