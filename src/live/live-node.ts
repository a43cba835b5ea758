import { performance } from 'node:perf_hooks';
import { IbAccountSync } from '../adapters/ib/account-sync.js';
import { ContractQualifier } from '../adapters/ib/contract-qualifier.js';
import type { HistoryPacer } from '../adapters/ib/history-pacer.js';
import { IbClient, type IbSession } from '../adapters/ib/ib-client.js';
import { IbExecutionClient } from '../adapters/ib/ib-execution-client.js';
import type { QualifiedContract } from '../adapters/ib/qualified-contract.js';
import type { IbRealtimeBars } from '../adapters/ib/realtime-bars.js';
import type { Config } from '../config/schema.js';
import { createTradingKernel, type TradingKernel } from '../core/trading-kernel.js';
import type { MarketEvent, OrderEvent } from '../domain/events.js';
import { FIVE_SECONDS, type BarSize } from '../domain/bar-size.js';
import { dayNumber, formatTime } from '../domain/time.js';
import type { TimeZone } from '../domain/time-zone.js';
import { createCommissionModel } from '../execution/commission-model.js';
import { OrderEfficiencyRatio } from '../execution/order-efficiency-ratio.js';
import { OrderIdSequence } from '../execution/order-ids.js';
import type { LiveJournal } from '../journal/live-journal.js';
import type { Logger } from '../logging/logger.js';
import type { StrategyFactory } from '../strategy/load-strategy.js';
import type { StrategyAssignment } from '../strategy/strategy-set.js';
import { reconcileAccount } from './account-reconciler.js';
import { BrokerClock } from './broker-clock.js';
import { ConnectionMonitor } from './connection-monitor.js';
import { EntryHolds } from './entry-holds.js';
import { contractSectors } from './contract-sectors.js';
import { KillSwitchFile } from './kill-switch.js';
import { SessionHalt } from './session-halt.js';
import { SliceRisk } from './slice-risk.js';
import { reconcileOrders } from './reconcile-orders.js';
import { startVolatilityFeed } from './live-volatility.js';
import type { HaltRequest } from '../risk/risk-engine.js';
import type { LiveBarFeeds } from './live-bar-feeds.js';
import { startMarketData } from './live-market-data.js';
import { LiveResults } from './live-results.js';
import { sharesOption } from './live-strategy-shares.js';
import { checkAccount, checkPort, maskAccount } from './live-safety.js';
import { checkLiveConfig, describeFeeds, liveStrategy, type LiveStrategy } from './live-strategy.js';
import { observeSession } from './observe-session.js';
import { resolveSessionEnd, waitForEntries, type SessionEnd } from './session-end.js';
import { NO_PROGRESS, type StartupProgress } from './startup-progress.js';
import { barEnd, regularClose } from './warm-up.js';
import type { TradingState } from '../dashboard/kill-switch.js';
import type { LiveSnapshot, LiveView } from '../dashboard/live-snapshot.js';
import { SessionWatch } from './session-watch.js';
import type { LiveSummary } from './live-summary.js';
import { reconcileAtStart } from './startup-reconcile.js';

export interface LiveNodeSettings {
  readonly host: string;
  readonly port: number;
  readonly readOnly: boolean;
  /** `--live` given and `ibkr.allow_live` true: live ports and real-money accounts are allowed. */
  readonly liveAllowed: boolean;
  readonly resultsDirectory: string;
  readonly end: SessionEnd;
  /** Where the session trades, for logs and the summary. */
  readonly venue: string;
  /** Start-up progress display (a bar on a terminal). */
  readonly progress?: StartupProgress;
  /** The strategy when it is not the built-in one the config enables (a loaded module). */
  readonly strategy?: StrategyFactory;
  /** Several strategies at once, each on its own symbols. */
  readonly strategies?: readonly StrategyAssignment[];
  /** The trading journal: ids reserved before sending, recovery from where the last session stopped. */
  readonly journal?: LiveJournal;
}

/** The parts of a session that exist once startup has brought it to trading. */
interface Running {
  readonly kernel: TradingKernel;
  readonly clock: BrokerClock;
  readonly contracts: ReadonlyMap<string, QualifiedContract>;
  readonly orderIds: OrderIdSequence;
  readonly execution: IbExecutionClient;
  readonly accountSync: IbAccountSync;
  readonly feed: LiveBarFeeds;
  readonly realtime: IbRealtimeBars;
  readonly pacer: HistoryPacer;
  readonly results: LiveResults;
  readonly startTime: number;
}

/** How often the node looks at the clock: flushing bars whose period ended, checking the session's end. */
const TICK_MS = 200;

/**
 * The live trading node: the backtest's trading kernel (strategy, risk, sizing, portfolio) fed by IB's data and
 * trading through IB over the TWS socket protocol. `run` goes through startup — connect, check the account, qualify
 * the symbols, sync the account and positions, open orders and today's executions, load the history and warm the
 * strategy up on it, subscribe the five-second bars — then trades until the session ends (its duration or end
 * time, or `stop`), and shuts down: entries stop, working entries are cancelled if so configured, protective
 * stops stay at the broker, results are flushed.
 *
 * The hot path is synchronous: a five-second bar arrives on the socket's callback, completes a strategy bar, the
 * engine runs the strategy and the router, and the execution client writes placeOrder before the callback returns.
 */
export class LiveNode implements LiveView {
  private readonly zone: TimeZone;
  private readonly strategy: LiveStrategy;
  private readonly client: IbClient;
  private readonly holds = new EntryHolds();
  private readonly monitor: ConnectionMonitor;
  private readonly killSwitch: SessionHalt;
  private readonly watch: SessionWatch;
  /** The volatility index's bars, when the volatility rule is on. */
  private volatility: IbRealtimeBars | null = null;
  private running: Running | undefined;
  /** What the hot path needs, there from the moment bars or fills can arrive (before start-up has finished). */
  private trading:
    | {
        readonly kernel: TradingKernel;
        readonly results: LiveResults;
        readonly clock: BrokerClock;
        readonly sliceRisk: SliceRisk;
      }
    | undefined;
  private stopReason: string | undefined;
  private wake: (() => void) | undefined;
  private serverTimeWaiters: ((epochSeconds: number) => void)[] = [];
  private readonly one: MarketEvent[] = [];
  private sessionDay = Number.NaN;
  /** The latest bar time the risk engine observed: bars of several sizes complete out of their start order. */
  private riskTime = Number.NEGATIVE_INFINITY;
  private readonly barsBySize = new Map<string, number>();
  private fiveSecondBars = 0;
  private rejected = 0;
  private riskRefusals = 0;
  private reconnects = 0;

  constructor(
    private readonly config: Config,
    private readonly settings: LiveNodeSettings,
    private readonly logger: Logger,
  ) {
    this.zone = checkLiveConfig(config);
    this.strategy = liveStrategy(config);
    this.client = new IbClient({
      host: settings.host,
      port: settings.port,
      clientId: config.ibkr.client_id,
      connectTimeoutMs: config.ibkr.connect_timeout_seconds * 1000,
      maxMessagesPerSecond: config.monitoring.max_messages_per_second,
      logger,
    });
    // A socket read's order reservations are written together just before its placeOrder messages leave.
    if (settings.journal !== undefined) this.client.onSocketReads(settings.journal.socketReads);
    this.monitor = new ConnectionMonitor({
      client: this.client,
      logger,
      reconnect: {
        initialDelayMs: config.ibkr.reconnect.initial_delay_seconds * 1000,
        maxDelayMs: config.ibkr.reconnect.max_delay_seconds * 1000,
        maxAttempts: config.ibkr.reconnect.max_attempts,
      },
      heartbeatMs: config.monitoring.connection_check_interval_seconds * 1000,
      onServerTime: (seconds) => {
        this.trading?.clock.observe(this.zone.toLocal(seconds * 1000));
        for (const waiter of this.serverTimeWaiters.splice(0)) waiter(seconds);
      },
      onReconnected: (session) => this.resynchronise(session),
      onRestored: (dataLost) => this.restored(dataLost),
      onGaveUp: (reason) => {
        this.stop(reason);
      },
    });
    this.holds.add(this.monitor);
    // A read-only session sends no order: an `ets halt` (or resume) request waits in the file for one that does.
    this.killSwitch = new SessionHalt(settings.readOnly ? null : new KillSwitchFile(config.trading.kill_switch_file));
    this.watch = new SessionWatch(config, () => this.monitor.state);
  }

  /** The kill switch (see SessionHalt). Safe to call at any time. */
  halt(request: HaltRequest): void {
    this.killSwitch.halt(request);
  }

  /** The trading state (ACTIVE, REDUCING, HALTED) with the rule and reason that hold it. */
  tradingState(): TradingState {
    return this.killSwitch.tradingState();
  }

  /** The session as the dashboard shows it. */
  snapshot(): LiveSnapshot {
    return this.watch.snapshot(this.tradingState());
  }

  /** Asks the session to end; `run` then shuts down and resolves. Later calls keep the first reason. */
  stop(reason: string): void {
    this.stopReason ??= reason;
    // Still connecting: TWS may not answer for the whole connect timeout.
    if (this.running === undefined) this.client.abortConnect(this.stopReason);
    this.wake?.();
  }

  async run(): Promise<LiveSummary> {
    const started = performance.now();
    const { config, settings, logger } = this;
    checkPort(settings.port, settings.liveAllowed);
    const session = await this.client.connect();
    try {
      checkAccount(config.ibkr.account_id, session.accounts, settings.liveAllowed);
      logger.info(
        { venue: settings.venue, serverVersion: session.serverVersion, account: maskAccount(config.ibkr.account_id) },
        'connected',
      );
      let running: Running;
      try {
        running = await this.startup(session);
      } finally {
        settings.progress?.stop();
      }
      this.running = running;
      this.monitor.start();
      const startupSeconds = (performance.now() - started) / 1000;
      logger.info(
        {
          strategy: this.strategy.name,
          bars: describeFeeds(this.strategy.feeds),
          readOnly: settings.readOnly,
          startupSeconds: +startupSeconds.toFixed(3),
          exchangeTime: formatTime(running.clock.now()),
        },
        'trading',
      );
      const reason = await this.tradeUntilEnd(running, resolveSessionEnd(this.settings.end, running.clock.now()));
      logger.info({ reason }, 'stopping');
      return await this.shutdown(running, reason, startupSeconds, started);
    } finally {
      this.monitor.stop();
      this.client.disconnect();
    }
  }

  private async startup(session: IbSession): Promise<Running> {
    const { config, settings, logger, client } = this;
    const symbols = config.trading.symbols;
    const progress = settings.progress ?? NO_PROGRESS;
    // Units: connected, qualified, account synchronised, one per symbol's history, subscribed.
    const total = 4 + symbols.length;
    let done = 1;
    progress.update('qualifying contracts', done, total);
    const orderIds = new OrderIdSequence(session.nextValidId);
    const journal = settings.journal;
    if (journal !== undefined) orderIds.advanceTo(journal.resume.nextOrderId);
    const clock = new BrokerClock(this.zone.toLocal((await this.serverTime()) * 1000));
    // A --until already past is refused before the journal's session or the results are started.
    resolveSessionEnd(settings.end, clock.now());

    const contracts = await new ContractQualifier(client, logger).qualify(symbols, {
      exchange: config.trading.exchange,
      currency: config.trading.currency,
    });
    logger.info({ symbols: symbols.length }, 'contracts qualified');
    progress.update('synchronising the account, positions and orders', ++done, total);

    const accountSync = new IbAccountSync(client, config.ibkr.account_id);
    const broker = await accountSync.sync(config.ibkr.connect_timeout_seconds * 1000);
    const startTime = clock.now();
    const kernel = createTradingKernel(config, {
      strategy: settings.strategy ?? this.strategy.name,
      params: this.strategy.params,
      initialCash: broker.values.totalCash,
      protectiveStops: config.trading.use_bracket_orders,
      nextOrderId: () => orderIds.next(),
      entryGates: [this.holds],
      ...(settings.strategies && { strategies: settings.strategies }),
      // A strategy module's failure halts its entries; the session and its exits go on.
      onStrategyError: (error) => {
        logger.error(
          { strategy: error.strategyId, file: error.file, bar: error.bar },
          `${error.message}; new entries of ${error.strategyId} halted`,
        );
      },
      contractSectors: contractSectors(contracts),
    });
    const { portfolio, engine } = kernel;
    portfolio.setCash(broker.values.totalCash, broker.values.settledCash);
    for (const position of broker.positions.values()) {
      if (position.quantity === 0) continue;
      portfolio.setPosition(position.symbol, position.quantity, position.averageCost, position.marketPrice, startTime);
    }
    journal?.begin(portfolio, startTime, settings.resultsDirectory);
    logger.info(
      {
        netLiquidation: broker.values.netLiquidation,
        cash: broker.values.totalCash,
        settledCash: broker.values.settledCash,
        positions: portfolio.openPositionCount,
      },
      'account synchronised',
    );

    const results = new LiveResults(settings.resultsDirectory, {
      riskCounts: () => kernel.risk.countsByRule(),
      initialEquity: portfolio.equity,
      riskFreeRate: config.performance.risk_free_rate,
      periodsPerYear: config.performance.periods_per_year,
      append: journal?.resumed === true,
      ...sharesOption(this.strategy, config.trading.symbols, portfolio, logger),
    });
    observeSession(kernel, results, logger, {
      rejected: () => this.rejected++,
      refusedByRisk: () => this.riskRefusals++,
      readOnly: settings.readOnly,
    });
    journal?.observe(kernel);
    this.trading = { kernel, results, clock, sliceRisk: new SliceRisk(kernel, symbols.length) };

    const oer = new OrderEfficiencyRatio({
      warnRatio: config.monitoring.oer_warn_ratio,
      haltRatio: config.monitoring.oer_max_ratio,
    });
    if (config.monitoring.oer_enabled) this.holds.add(oer);
    const execution = new IbExecutionClient({
      client,
      // A fill can be the first sign of a new exchange day (an order queued overnight fills at the open).
      sink: (event) => {
        if (event.type === 'fill') this.enterDay(event.fill.time);
        engine.receive(event);
      },
      account: config.ibkr.account_id,
      contracts: (symbol) => {
        const qualified = contracts.get(symbol);
        return qualified === undefined ? undefined : { contract: qualified.contract, minTick: qualified.minTick };
      },
      clock,
      readOnly: settings.readOnly,
      commission: createCommissionModel(config.ibkr.commission, config.commission_rates),
      commissionWaitMs: config.live.commission_wait_seconds * 1000,
      oer,
      orderIds,
      logger,
      ...(journal === undefined
        ? {}
        : {
            beforeSend: (event: OrderEvent) => {
              journal.beforeSend(event);
            },
          }),
    });
    engine.attachExecution(execution);
    const oerView = config.monitoring.oer_enabled ? oer : null;
    this.watch.attach({ kernel, results, clock, execution, client, oer: oerView });
    await reconcileAtStart(execution, journal, portfolio, broker, () => clock.now(), logger);
    // A kill switch pulled before this session started (or while it was starting) holds from its first order on. Only
    // now: its flattening orders need the execution client, and the book as reconciled with the broker's.
    this.killSwitch.attach(kernel, clock);

    accountSync.onSnapshot((snapshot) => {
      // Only a quiet book compares: no execution on its way, none that IB may have made while TWS was without it.
      if (execution.pendingFills > 0 || this.monitor.state !== 'connected' || this.monitor.brokerInDoubt) return;
      const differences = reconcileAccount(portfolio, snapshot, clock.now(), logger, !execution.commissionsInDoubt());
      journal?.differences(differences, portfolio, clock.now());
    });

    progress.update('loading history', ++done, total);
    const { feed, realtime, pacer } = await startMarketData({
      client,
      config,
      zone: this.zone,
      strategy: this.strategy,
      contracts,
      kernel,
      clock,
      logger,
      onHistoryLoaded: (symbol) => {
        progress.update(`loading history (${symbol})`, ++done, total);
      },
      onStrategyBar: (bar, size, backfilled) => {
        this.onStrategyBar(bar, size, backfilled);
      },
      onFiveSeconds: (bar) => {
        this.onFiveSeconds(bar);
      },
    });
    this.volatility = startVolatilityFeed({
      client,
      zone: this.zone,
      risk: kernel.risk,
      currency: config.trading.currency,
      logger,
    });
    progress.update('subscribed', total, total);
    return {
      kernel,
      clock,
      contracts,
      orderIds,
      execution,
      accountSync,
      feed,
      realtime,
      pacer,
      results,
      startTime,
    };
  }

  /** A five-second bar from the socket, on its way to the feed: the hot path starts here. */
  private onFiveSeconds(bar: MarketEvent): void {
    this.fiveSecondBars++;
    this.trading?.clock.observe(bar.time + FIVE_SECONDS.ms);
    this.enterDay(bar.time);
  }

  /** A bar of its strategy's size: what a backtest's slice is, handled the same way. */
  private onStrategyBar(bar: MarketEvent, size: BarSize, backfilled: boolean): void {
    const trading = this.trading;
    if (trading === undefined) return;
    const { kernel, results } = trading;
    this.barsBySize.set(size.text, (this.barsBySize.get(size.text) ?? 0) + 1);
    this.enterDay(bar.time);
    this.one[0] = bar;
    this.holds.backfilling = backfilled;
    try {
      kernel.engine.publish(this.one, 1);
    } finally {
      this.holds.backfilling = false;
    }
    // The account as of the bar's close, which is when it is known (a daily bar's at the session close).
    const closed = Math.min(barEnd(size, bar.time), regularClose(dayNumber(bar.time)));
    results.equity(closed, kernel.portfolio);
    this.settings.journal?.barClosed(closed);
    this.riskTime = Math.max(this.riskTime, bar.time);
    trading.sliceRisk.barDone(bar.symbol, this.riskTime);
  }

  /**
   * A new exchange day begins with its first bar or fill: proceeds settle, the daily-loss reference resets, and the
   * days before are complete in the result files.
   */
  private enterDay(time: number): void {
    const day = dayNumber(time);
    if (day <= this.sessionDay) return;
    const trading = this.trading;
    if (trading === undefined) return;
    const { portfolio, risk } = trading.kernel;
    if (!Number.isNaN(this.sessionDay)) trading.results.dayEnded(portfolio.openPositionCount);
    portfolio.startSession(day);
    risk.startDay(day, time);
    this.sessionDay = day;
  }

  private serverTime(): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error('TWS did not answer reqCurrentTime'));
      }, this.config.ibkr.connect_timeout_seconds * 1000);
      this.serverTimeWaiters.push((seconds) => {
        clearTimeout(timer);
        resolve(seconds);
      });
      this.client.requestCurrentTime();
    });
  }

  /** Waits for the end of the session: duration, end time, `stop`, or the connection given up on. */
  private tradeUntilEnd(running: Running, until: number): Promise<string> {
    const deadline = performance.now() + this.settings.end.durationMs;
    return new Promise((resolve) => {
      const finish = (reason: string): void => {
        clearInterval(timer);
        this.wake = undefined;
        resolve(reason);
      };
      const timer = setInterval(() => {
        const now = running.clock.now();
        this.killSwitch.poll();
        running.feed.flush(now);
        this.trading?.sliceRisk.flush();
        // Seen at the first tick past it, which the replay's speed can put minutes of exchange time later: the
        // reason names the end time, the summary's and the journal's stop time say when the session really stopped.
        if (now >= until) this.stop(`passed the end time ${formatTime(until)}`);
        else if (performance.now() >= deadline) this.stop(`ran for the session's duration`);
      }, TICK_MS);
      this.wake = () => {
        finish(this.stopReason!);
      };
      if (this.stopReason !== undefined) finish(this.stopReason);
    });
  }

  private async shutdown(
    running: Running,
    reason: string,
    startupSeconds: number,
    started: number,
  ): Promise<LiveSummary> {
    const { config, settings, logger } = this;
    const { execution, realtime, pacer, results, kernel, clock } = running;
    // As the session ends, before anything below can change it: whether TWS is there to have checked the book.
    const unverified = this.monitor.unverified();
    this.holds.stopping = true;
    if (config.live.cancel_entries_on_shutdown && this.client.connected) {
      const cancelled = execution.cancelWorkingEntries();
      if (cancelled > 0) {
        logger.info({ orders: cancelled }, 'cancelling working entry orders');
        await waitForEntries(execution, config.system.shutdown_timeout_seconds * 1000);
      }
    }
    realtime.unsubscribeAll();
    this.volatility?.unsubscribeAll();
    pacer.cancelQueued(new Error('the session is ending'));
    // The last fills' commission reports, or their estimates, belong in this session's results.
    await execution.settleCommissions(2 * config.live.commission_wait_seconds * 1000);
    const open = kernel.portfolio.openPositionCount;
    let metrics = results.close(open);
    const settled = settings.journal?.settleResults(settings.resultsDirectory) ?? null;
    if (settled !== null) metrics = results.settleTrades(settled, open);
    const working = execution.workingOrders();
    if (working.length > 0) {
      logger.info(
        { orders: working.map((o) => `#${o.id} ${o.purpose} ${o.side} ${o.remaining} ${o.symbol}`).join('; ') },
        'orders left working at the broker',
      );
    }
    return {
      strategy: this.strategy,
      symbols: config.trading.symbols,
      account: maskAccount(config.ibkr.account_id),
      venue: settings.venue,
      readOnly: settings.readOnly,
      reason,
      startupSeconds,
      wallSeconds: (performance.now() - started) / 1000,
      from: running.startTime,
      to: clock.now(),
      bars: [...this.barsBySize.values()].reduce((sum, n) => sum + n, 0),
      barsBySize: this.barsBySize,
      fiveSecondBars: this.fiveSecondBars,
      rejectedSignals: this.rejected,
      riskRefusals: this.riskRefusals,
      orders: results.orders,
      fills: results.fills,
      reconnects: this.reconnects,
      leftWorking: working.length,
      unverified,
      metrics,
      files: results.files,
    };
  }

  /** After a new socket: order ids, account, orders and executions, then every stream with its gap. */
  private async resynchronise(session: IbSession): Promise<void> {
    this.reconnects++;
    const running = this.running;
    if (running === undefined) return;
    running.orderIds.advanceTo(session.nextValidId);
    checkAccount(this.config.ibkr.account_id, session.accounts, this.settings.liveAllowed);
    const snapshot = await running.accountSync.sync(this.config.ibkr.connect_timeout_seconds * 1000);
    await reconcileOrders(running.execution, true);
    const { portfolio } = running.kernel;
    const cash = running.execution.commissionsInDoubt() === 0;
    const differences = reconcileAccount(portfolio, snapshot, running.clock.now(), this.logger, cash);
    this.settings.journal?.differences(differences, portfolio, running.clock.now());
    running.feed.awaitGaps();
    running.realtime.resubscribeAll();
    this.volatility?.resubscribeAll();
  }

  /** TWS got IB back: after 1101 the streams are gone and are renewed with their gaps; orders are reconciled. */
  private async restored(dataLost: boolean): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    if (dataLost) {
      running.feed.awaitGaps();
      running.realtime.resubscribeAll();
      this.volatility?.resubscribeAll();
    }
    await reconcileOrders(running.execution, true);
  }
}
