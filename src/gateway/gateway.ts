import { configSchema } from '../config/schema.js';
import type { Bar } from '../domain/bar.js';
import { formatTime, MS_PER_DAY, parseTime } from '../domain/time.js';
import { createCommissionModel } from '../execution/commission-model.js';
import type { BrokerPort } from './broker/broker-port.js';
import { PaperAccount } from './broker/paper-account.js';
import { PaperBroker } from './broker/paper-broker.js';
import { loadStateFile, saveStateFile, type GatewayStateFile } from './broker/state-store.js';
import { parseChaosSpec, runChaosSchedule } from './faults/chaos-schedule.js';
import { FaultController } from './faults/fault-controller.js';
import type { GatewayOptions } from './gateway-options.js';
import { silentGatewayLogger, type GatewayLogger } from './logger.js';
import { ContractRegistry } from './market/contract-registry.js';
import { loadMarketData } from './market/data-source.js';
import { RTH_OPEN_MS, TradingCalendar, wireDateTime } from './market/exchange-calendar.js';
import { MarketDataStore } from './market/market-data-store.js';
import { PriceMarks } from './market/price-marks.js';
import { ReplayClock } from './market/replay-clock.js';
import { ReplayEngine, type ReplayListener } from './market/replay-engine.js';
import { SUPPORTED_SERVER_VERSIONS } from './protocol/server-versions.js';
import { GatewayServer, MAX_CLIENTS } from './server/gateway-server.js';
import { AccountService } from './services/account-service.js';
import { ContractService } from './services/contract-service.js';
import { GatewayStatus } from './services/gateway-status.js';
import { HistoricalService } from './services/historical-service.js';
import type { MarketDataService } from './services/market-data-service.js';
import type { Subscription } from './services/market-data-subscriptions.js';
import { RealtimeBarsService } from './services/realtime-bars-service.js';
import { RequestRouter } from './services/request-router.js';
import { TickService } from './services/tick-service.js';

export class GatewayConfigError extends Error {
  override readonly name = 'GatewayConfigError';
}

/** The open of the trading day `sessions` before the last one of the data, or of the first when the data is shorter. */
function openBeforeEnd(calendar: TradingCalendar, sessions: number): number {
  const index = Math.max(0, calendar.size - 1 - sessions);
  const day = calendar.dayAt(index);
  if (day === undefined) throw new GatewayConfigError('the market data has no trading days');
  return day * MS_PER_DAY + RTH_OPEN_MS;
}

function resolveStart(start: GatewayOptions['start'], saved: number | undefined, calendar: TradingCalendar): number {
  // One year (252 sessions) of replay before the end of the data by default.
  if (start === undefined) return saved ?? openBeforeEnd(calendar, 252);
  // A default in sessions before the end (the embedded gateway's) gives way to a state file's time, as no start does.
  if (typeof start === 'object') return saved ?? openBeforeEnd(calendar, start.sessionsBeforeEnd);
  const time = typeof start === 'number' ? start : parseTime(start);
  if (!Number.isFinite(time)) throw new GatewayConfigError(`start ${JSON.stringify(start)} is not a time`);
  // The account's executions happened up to the saved time: replaying from before it would put new executions
  // before old ones, and a client reconciling them would book them out of order.
  if (saved !== undefined && time < saved) {
    throw new GatewayConfigError(
      `start ${formatTime(time)} is before the state file's replay time ${formatTime(saved)}: a replay with a state file continues from there (leave the start out) or starts later`,
    );
  }
  return time;
}

function versionRange(options: GatewayOptions): { min: number; max: number } {
  const min = options.minVersion ?? SUPPORTED_SERVER_VERSIONS.min;
  const max = options.maxVersion ?? SUPPORTED_SERVER_VERSIONS.max;
  if (min < SUPPORTED_SERVER_VERSIONS.min || max > SUPPORTED_SERVER_VERSIONS.max || min > max) {
    throw new GatewayConfigError(
      `server versions ${min}..${max} must lie within ${SUPPORTED_SERVER_VERSIONS.min}..${SUPPORTED_SERVER_VERSIONS.max}`,
    );
  }
  return { min, max };
}

/** A limit from the options: its default when absent, else a positive number. */
function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(Number.isFinite(value) && value > 0)) throw new GatewayConfigError(`${name} ${value} must be a number > 0`);
  return value;
}

/**
 * The embedded IB gateway: a TWS API socket server backed by replayed market data and a paper broker. Start it
 * with `Gateway.start(options)` and point any TWS API client at `port`.
 */
export class Gateway {
  readonly clock: ReplayClock;
  /** Where the replay started (the market time of the clock when the gateway was created). */
  readonly replayStart: number;
  readonly faults: FaultController;
  readonly broker: PaperBroker;
  readonly registry: ContractRegistry;
  readonly store: MarketDataStore;
  readonly calendar: TradingCalendar;
  private readonly server: GatewayServer;
  private serverMade = false;
  private readonly engine: ReplayEngine;
  private readonly status = new GatewayStatus();
  private readonly logger: GatewayLogger;
  /** Real-time bars, ticks and keepUpToDate history: the services fed with every bar the replay completes. */
  private readonly marketData: readonly MarketDataService<Subscription>[];
  private readonly realtime: RealtimeBarsService;
  private readonly accounts: AccountService;
  /** Symbols served as indexes (VIX): their bars go out first at each step. */
  private readonly indexSymbols: ReadonlySet<string>;
  private readonly stateFile: string | undefined;
  private saveScheduled = false;
  private stopChaos: (() => void) | undefined;
  /** Commission reports a fault holds back, sent when their timer fires. */
  private readonly lateReports = new Set<NodeJS.Timeout>();
  private stopped = false;

  private constructor(private readonly options: GatewayOptions) {
    this.logger = options.logger ?? silentGatewayLogger;
    const seed = options.seed ?? 42;
    const data = loadMarketData({
      seed,
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      ...(options.symbols === undefined ? {} : { symbols: options.symbols }),
    });
    if (data.skippedRows > 0) this.logger.warn({ rows: data.skippedRows }, 'skipped malformed CSV rows');
    this.store = new MarketDataStore(data.series, {
      seed,
      ...(options.barCacheBytes === undefined ? {} : { cacheBytes: options.barCacheBytes }),
    });
    this.calendar = new TradingCalendar(this.store.allDays());
    this.registry = new ContractRegistry(data.stockSymbols, data.indexSymbols, data.overrides);
    this.indexSymbols = new Set(data.indexSymbols);
    this.stateFile = options.stateFile;
    const saved = this.stateFile === undefined ? undefined : loadStateFile(this.stateFile);
    this.replayStart = resolveStart(options.start, saved?.clock, this.calendar);
    this.clock = new ReplayClock({
      start: this.replayStart,
      speed: options.speed ?? 1,
      mode: options.clockMode ?? 'realtime',
    });
    const marks = new PriceMarks(this.store, this.clock);
    const account = saved
      ? PaperAccount.restore(saved.broker.account)
      : new PaperAccount(
          options.accountId ?? 'DU1234567',
          options.accountType ?? 'margin',
          'USD',
          options.initialCash ?? 100_000,
        );
    this.engine = new ReplayEngine(this.clock, this.calendar, this.store, this.listener(), {
      skipClosed: options.skipClosed ?? true,
      ...(saved && { replayed: saved.replayed }),
      logger: this.logger,
    });
    const retain = (symbol: string): void => {
      this.engine.retain(symbol);
    };
    const release = (symbol: string): void => {
      this.engine.release(symbol);
    };
    const pacing = options.enforcePacing ?? true;
    const realtime = new RealtimeBarsService(this.registry, retain, release, pacing);
    this.realtime = realtime;
    const historical = new HistoricalService(
      this.store,
      this.registry,
      this.clock,
      this.status,
      retain,
      release,
      pacing,
    );
    const ticks = new TickService(this.store, this.registry, this.clock, retain, release);
    this.marketData = [realtime, ticks, historical];
    this.accounts = new AccountService(account, this.registry, marks, this.clock);
    this.broker = new PaperBroker(
      {
        clock: this.clock,
        calendar: this.calendar,
        registry: this.registry,
        prices: marks,
        commission: createCommissionModel(
          options.commission ?? 'ib-fixed',
          options.commissionRates ?? configSchema.parse({}).commission_rates,
        ),
        settlementDays: options.settlementDays ?? 1,
        book: { slippageBps: options.slippageBps ?? 1, maxParticipation: options.maxParticipation ?? 0.25 },
        port: this.brokerPort(),
        maxActivePerSide: 20,
        // The broker sees a step's bars only while the market data is connected (onBar).
        upcomingBar: (symbol) => (this.status.connected ? this.engine.upcomingBar(symbol) : undefined),
      },
      account,
    );
    if (saved) this.broker.restore(saved.broker);
    this.server = new GatewayServer({
      versions: versionRange(options),
      maxClients: options.maxClients ?? MAX_CLIENTS,
      maxMessagesPerSecond: options.maxMessagesPerSecond ?? 50,
      handshakeTimeoutMs: positive(options.handshakeTimeoutMs, 10_000, 'handshakeTimeoutMs'),
      messageTimeoutMs: positive(options.messageTimeoutMs, 30_000, 'messageTimeoutMs'),
      maxPendingInputBytes: positive(options.maxPendingInputBytes, 32 * 1024 * 1024, 'maxPendingInputBytes'),
      logger: this.logger,
      connectionTime: () => wireDateTime(this.clock.now()),
      onRequest: (session, request) => {
        router.handle(session, request);
      },
      onClosed: (session) => {
        for (const service of this.marketData) service.dropSession(session);
        this.accounts.dropSession(session);
      },
    });
    this.serverMade = true;
    this.faults = new FaultController({
      status: this.status,
      logger: this.logger,
      sessions: () => this.server.clients(),
      drop: (clientId) => {
        if (clientId === undefined) this.server.dropAll();
        else this.server.client(clientId)?.destroy();
      },
      dropMarketData: () => {
        for (const service of this.marketData) service.dropAll();
      },
      restart: (downtimeMs) => this.server.restart(downtimeMs),
    });
    const router = new RequestRouter({
      clock: this.clock,
      registry: this.registry,
      status: this.status,
      broker: this.broker,
      contracts: new ContractService(this.registry, this.calendar, this.clock),
      historical,
      realtime,
      ticks,
      accounts: this.accounts,
      faults: this.faults,
      logger: this.logger,
    });
  }

  /** Loads the data, restores the state file if any, starts listening and (in realtime mode) the replay. */
  static async start(options: GatewayOptions = {}): Promise<Gateway> {
    const gateway = new Gateway(options);
    await gateway.server.listen(options.port ?? 7497, options.host ?? '127.0.0.1');
    gateway.engine.start();
    if (options.chaos !== undefined && options.chaos.trim() !== '') {
      gateway.stopChaos = runChaosSchedule(parseChaosSpec(options.chaos), gateway.faults, gateway.logger);
    }
    gateway.logger.info(
      { port: gateway.port, start: wireDateTime(gateway.clock.now()), speed: gateway.clock.speed },
      'gateway started',
    );
    return gateway;
  }

  get port(): number {
    return this.server.port;
  }

  /** Real-time bar streams the clients have open (a manual-clock test waits for a client's subscriptions). */
  get realtimeStreams(): number {
    return this.realtime.streams;
  }

  /** Connected API clients (past START_API). */
  get clientCount(): number {
    return this.server.clients().length;
  }

  /** Manual clock: replays up to `time` (exchange time), delivering every bar and event on the way. */
  advanceTo(time: number): void {
    this.engine.advanceTo(time);
  }

  /** Manual clock: replays `ms` further. */
  advance(ms: number): void {
    this.engine.advanceTo(this.clock.now() + ms);
  }

  /** Writes the state file now (it is also written after every broker change). */
  saveState(): void {
    if (this.stateFile === undefined) return;
    const state: GatewayStateFile = {
      format: 1,
      clock: this.clock.now(),
      replayed: this.engine.replayed,
      broker: this.broker.snapshot(),
    };
    saveStateFile(this.stateFile, state);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopChaos?.();
    for (const timer of this.lateReports) clearTimeout(timer);
    this.lateReports.clear();
    this.engine.stop();
    await this.server.close();
    this.saveState();
    this.logger.info('gateway stopped');
  }

  private scheduleSave(): void {
    if (this.stateFile === undefined || this.saveScheduled) return;
    this.saveScheduled = true;
    setImmediate(() => {
      this.saveScheduled = false;
      if (this.stopped) return;
      try {
        this.saveState();
      } catch (error) {
        this.logger.error({ err: String(error) }, 'cannot write the state file');
      }
    });
  }

  /** The server, once the constructor has made it. */
  private listening(): GatewayServer | undefined {
    return this.serverMade ? this.server : undefined;
  }

  private brokerPort(): BrokerPort {
    const send = (clientId: number, build: (version: number) => Buffer): void => {
      const session = this.listening()?.client(clientId);
      if (session !== undefined) session.send(build(session.version));
    };
    return {
      // Restoring a state file runs before the server exists: there is no client to tell yet.
      send,
      sendCommissionReport: (clientId, build) => {
        const delay = this.faults.commissionReportDelay;
        if (delay === 0) {
          send(clientId, build);
          return;
        }
        // To the client's connection at the time it is sent, as TWS does: a client that reconnected meanwhile gets
        // it; one that is away gets it only by asking for its executions.
        const timer = setTimeout(() => {
          this.lateReports.delete(timer);
          send(clientId, build);
        }, delay);
        this.lateReports.add(timer);
      },
      error: (clientId, id, code, message) => this.listening()?.client(clientId)?.sendError(id, code, message),
      accountChanged: (symbol) => {
        this.accounts.changed(symbol);
      },
      retainSymbol: (symbol) => {
        this.engine.retain(symbol);
      },
      releaseSymbol: (symbol) => {
        this.engine.release(symbol);
      },
      changed: () => {
        this.scheduleSave();
      },
    };
  }

  private listener(): ReplayListener {
    return {
      onSessionOpen: () => {
        if (this.status.connected) this.broker.onSessionOpen();
      },
      onBars: (_time, bars) => {
        this.onBars(bars);
      },
      onSessionClose: () => {
        this.broker.onSessionClose();
      },
      onStep: (time) => {
        this.accounts.refresh(time);
      },
    };
  }

  private onBars(bars: readonly Bar[]): void {
    const sessions = this.server.clients();
    for (const session of sessions) session.cork();
    try {
      // Indexes first: a client deciding on a stock's bar then knows the index as of the same moment, as a backtest
      // of the same data does (the index's bar of a time is known with the stocks' bars of that time).
      for (const bar of bars) if (this.indexSymbols.has(bar.symbol)) this.onBar(bar);
      for (const bar of bars) if (!this.indexSymbols.has(bar.symbol)) this.onBar(bar);
    } finally {
      process.nextTick(() => {
        for (const session of sessions) session.uncork();
      });
    }
  }

  private onBar(bar: Bar): void {
    if (this.status.connected) this.broker.onBar(bar);
    if (this.status.marketDataFlows) for (const service of this.marketData) service.deliver(bar);
  }
}
