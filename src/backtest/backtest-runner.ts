import { performance } from 'node:perf_hooks';
import type { Config } from '../config/schema.js';
import { SimClock } from '../core/clock.js';
import { createTradingKernel, type TradingKernel } from '../core/trading-kernel.js';
import type { BarSeries } from '../domain/bar.js';
import type { MarketEvent, OrderEvent } from '../domain/events.js';
import type { Fill } from '../domain/fill.js';
import { dayNumber } from '../domain/time.js';
import { createCommissionModel } from '../execution/commission-model.js';
import { SimulatedExecutionClient } from '../execution/simulated-execution-client.js';
import type { BarFeed } from './bar-feed.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/silent-logger.js';
import type { EquityRowSink } from '../performance/equity-csv-writer.js';
import { equitySeries, type EquityColumns } from '../performance/equity-curve.js';
import { EquityRecorder } from '../performance/equity-recorder.js';
import { computeMetrics, type PerformanceMetrics } from '../performance/metrics.js';
import { TradeTally } from '../performance/trade-tally.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import type { StrategyFactory } from '../strategy/load-strategy.js';
import type { StrategyAssignment } from '../strategy/strategy-set.js';
import type { EntryGate } from '../risk/signal-router.js';
import type { RiskCounts } from '../risk/risk-engine.js';
import type { RiskEvent } from '../risk/risk-events.js';
import { logRiskEvent } from '../risk/risk-log.js';
import type { VolatilitySeries } from '../risk/volatility-series.js';

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
  /** Extra reasons to hold new entries (a walk-forward window's warm-up bars decide nothing). */
  readonly entryGates?: readonly EntryGate[];
  /**
   * Which rows the equity sink gets: `every_bar` (the default here) or `changes`, each date's last row and the rows
   * where cash or settled cash moved (`backtest.equity_rows`).
   */
  readonly equityRows?: 'changes' | 'every_bar';
  /**
   * Receives every order, fill, closed trade and risk event as the run goes on (trades.csv, fills.csv, orders.csv,
   * risk_events.csv). The result then keeps none of them — its `orders`, `fills`, `trades` and `riskEvents` are
   * empty and the counts say how many there were — so memory does not grow with them (a run of limits refuses tens
   * of thousands of signals). Without it the result holds them all.
   */
  readonly records?: BacktestRecordSink;
  /** The volatility index's history (VIX.csv) when the volatility rule is on. */
  readonly volatility?: VolatilitySeries | null;
  /** Sees the kernel before the first bar (a journal observes its engine). */
  readonly onKernel?: (kernel: TradingKernel) => void;
  /** Sees each time slice's bars (`size` of them, valid until it returns) after their orders were matched. */
  readonly onSlice?: (time: number, bars: readonly MarketEvent[], size: number) => void;
}

/** Where a run's records go as they happen, instead of into the result. */
export interface BacktestRecordSink {
  order(event: OrderEvent): void;
  fill(fill: Fill): void;
  trade(trade: TradeRecord): void;
  riskEvent(event: RiskEvent): void;
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
  /** How many orders (order events, with their children), fills and closed trades the run had. */
  readonly orderCount: number;
  readonly fillCount: number;
  readonly tradeCount: number;
  readonly metrics: PerformanceMetrics;
  readonly rejectedSignals: number;
  /**
   * Every refusal, change of trading state and data notice of the risk engine (risk_events.csv); none when `records`
   * took them.
   */
  readonly riskEvents: readonly RiskEvent[];
  /** The same, counted by rule (metrics.json's `risk_events`). */
  readonly riskCounts: RiskCounts;
  readonly bars: number;
  /** Seconds spent in the event loop alone: its wall time less reading input and writing equity rows. */
  readonly loopSeconds: number;
  /** Seconds the feed spent reading and parsing input during the loop (not before it). */
  readonly loadSeconds: number;
}

/**
 * The name a run's summary, results and journal carry: the strategy's id (a module's own name, not its path), or
 * the ids of several strategies joined by "+", as each order carries its own.
 */
export function runStrategyName(
  config: Config,
  strategy: StrategyFactory | undefined,
  several: readonly StrategyAssignment[] | undefined,
): string {
  return several?.map((a) => a.factory.id).join('+') ?? strategy?.id ?? config.backtest.strategy;
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
  const strategyName = runStrategyName(config, input.strategy, several);

  const clock = new SimClock();
  let nextOrderId = 1;
  const kernel = createTradingKernel(config, {
    strategy: input.strategy ?? configured,
    params,
    initialCash: config.account.initial_capital,
    protectiveStops: config.backtest.stops && config.trading.use_bracket_orders,
    nextOrderId: () => nextOrderId++,
    ...(several === undefined ? {} : { strategies: several }),
    ...(input.entryGates !== undefined && { entryGates: input.entryGates }),
    keepTrades: input.records === undefined,
  });
  const { portfolio, risk, router, engine } = kernel;
  const execution = new SimulatedExecutionClient({
    sink: engine.emit,
    clock,
    book: { slippageBps: config.backtest.slippage_bps },
    commission: createCommissionModel(config.backtest.commission, config.commission_rates),
  });
  engine.attachExecution(execution);
  const records = input.records;
  const riskEvents: RiskEvent[] = [];
  risk.onEvent((event) => {
    if (records === undefined) riskEvents.push(event);
    else records.riskEvent(event);
    logRiskEvent(logger, event);
  });
  const volatility = input.volatility ?? null;
  const monitor = risk.volatility;
  input.onKernel?.(kernel);

  const fills: Fill[] = [];
  const orders: OrderEvent[] = [];
  const tally = new TradeTally();
  let orderCount = 0;
  let fillCount = 0;
  let rejectedSignals = 0;
  engine.observe({
    onFill: (fill) => {
      fillCount++;
      if (records === undefined) fills.push(fill);
      else records.fill(fill);
    },
    onOrder: (order) => {
      orderCount++;
      if (records === undefined) orders.push(order);
      else records.order(order);
    },
    onTrade: (trade) => {
      tally.add(trade);
      records?.trade(trade);
    },
    onSignalRejected(event) {
      rejectedSignals++;
      logger.debug({ symbol: event.signal.symbol, reason: event.reason }, 'signal rejected');
    },
  });

  const feed = input.feed;
  const recorder = new EquityRecorder(input.equitySink ?? null, input.equityRows !== 'changes');
  // The bars of the current time slice: one slot per series, reused for every slice.
  const slice: MarketEvent[] = [];
  let session = Number.NaN;
  let lastTime = Number.NaN;
  // Reading input and writing equity rows happen inside the loop but are not the loop's own cost: timed apart.
  const loadBefore = feed.loadSeconds;
  const writeBefore = input.equitySink?.busySeconds ?? 0;
  const onSlice = input.onSlice;
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
      risk.startDay(day, time);
      session = day;
    }
    const size = feed.size;
    bars += size;
    for (let k = 0; k < size; k++) {
      const bar = feed.event(k);
      slice[k] = bar;
      execution.processBar(bar);
    }
    onSlice?.(time, slice, size);
    if (volatility !== null && monitor !== null) volatility.advance(time, monitor);
    engine.publish(slice, size);
    recorder.record(time, portfolio);
    risk.observe(time);
    // A halt found at the bar's close cancels working entries (and flattens, if so configured) before the next bar.
    for (const action of router.riskActions(time)) engine.receive(action);
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
    trades: tally,
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
    orderCount,
    fillCount,
    tradeCount: tally.count,
    metrics,
    rejectedSignals,
    riskEvents,
    riskCounts: risk.countsByRule(),
    bars,
    loopSeconds,
    loadSeconds,
  };
}
