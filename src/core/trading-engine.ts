import type { Bar } from '../domain/bar.js';
import { assertNever, type EngineEvent, type EventSink, type MarketEvent, type OrderEvent } from '../domain/events.js';
import type { Fill } from '../domain/fill.js';
import type { Signal } from '../domain/signal.js';
import type { ExecutionClient } from '../execution/execution-client.js';
import { EventQueue } from './event-queue.js';

/** What the engine needs of a strategy: advice from a closed bar (see src/strategy). */
export interface EngineStrategy {
  readonly id: string;
  onBar(bar: Bar): Signal | null;
}

/** What the engine needs of the portfolio: marks and fills; it returns whatever trades a fill closed. */
export interface EnginePortfolio<Trade> {
  markPrice(symbol: string, price: number): void;
  applyFill(fill: Fill): readonly Trade[];
}

/** Turns advice into orders under the risk rules, and follows the orders it placed. */
export interface EngineRouter {
  onSignal(signal: Signal, time: number): readonly EngineEvent[];
  /** Order reports (accepted, fill, cancelled, failed) so that it knows what is in flight. */
  onEvent(event: EngineEvent): void;
}

export interface TradingEngineParts<Trade> {
  readonly strategies: readonly EngineStrategy[];
  readonly portfolio: EnginePortfolio<Trade>;
  readonly router: EngineRouter;
  /** Set once with `attachExecution` when the client needs the engine's sink to be built. */
  readonly execution?: ExecutionClient;
}

export interface EngineObserver<Trade> {
  /** Every event, in dispatch order: for journals, logs and reports. */
  onEvent?(event: EngineEvent): void;
  onTrade?(trade: Trade): void;
}

/**
 * The event loop shared by backtest and live: MarketEvent → strategies → SignalEvent → router (risk, sizing) →
 * OrderEvent → execution client → Fill/OrderFailed/OrderCancelled events → portfolio and router. Modes differ only in
 * who feeds market events and which execution client is attached; the order of dispatch is the queue's FIFO order.
 */
export class TradingEngine<Trade> {
  private readonly queue = new EventQueue<EngineEvent>();
  private readonly strategies: readonly EngineStrategy[];
  private readonly portfolio: EnginePortfolio<Trade>;
  private readonly router: EngineRouter;
  private execution: ExecutionClient | undefined;
  private readonly observers: EngineObserver<Trade>[] = [];
  /** The sink to hand to execution clients and data feeds. */
  readonly emit: EventSink = (event) => {
    this.queue.push(event);
  };

  constructor(parts: TradingEngineParts<Trade>) {
    this.strategies = parts.strategies;
    this.portfolio = parts.portfolio;
    this.router = parts.router;
    this.execution = parts.execution;
  }

  attachExecution(execution: ExecutionClient): void {
    this.execution = execution;
  }

  observe(observer: EngineObserver<Trade>): void {
    this.observers.push(observer);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Dispatches until the queue is empty; events emitted while dispatching are handled in the same drain. */
  drain(): void {
    for (let event = this.queue.shift(); event !== undefined; event = this.queue.shift()) {
      this.dispatch(event);
    }
  }

  private dispatch(event: EngineEvent): void {
    for (const observer of this.observers) observer.onEvent?.(event);
    switch (event.type) {
      case 'market':
        this.onMarket(event);
        return;
      case 'signal':
        for (const routed of this.router.onSignal(event.signal, event.time)) this.queue.push(routed);
        return;
      case 'order':
        this.requireExecution(event).place(event);
        return;
      case 'cancel_order':
        this.requireExecution(event).cancel(event);
        return;
      case 'fill':
        this.onFill(event.fill);
        this.router.onEvent(event);
        return;
      case 'order_accepted':
      case 'order_failed':
      case 'order_cancelled':
        this.router.onEvent(event);
        return;
      case 'signal_rejected':
        return;
      default:
        assertNever(event);
    }
  }

  private onMarket(bar: MarketEvent): void {
    this.portfolio.markPrice(bar.symbol, bar.close);
    for (const strategy of this.strategies) {
      const signal = strategy.onBar(bar);
      if (signal !== null) this.queue.push({ type: 'signal', time: bar.time, signal });
    }
  }

  private onFill(fill: Fill): void {
    const trades = this.portfolio.applyFill(fill);
    if (trades.length === 0) return;
    for (const observer of this.observers) {
      if (observer.onTrade) for (const trade of trades) observer.onTrade(trade);
    }
  }

  private requireExecution(event: OrderEvent | EngineEvent): ExecutionClient {
    if (!this.execution) throw new Error(`No execution client attached to handle ${event.type}`);
    return this.execution;
  }
}
