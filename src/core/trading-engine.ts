import {
  assertNever,
  type CommissionCorrectedEvent,
  type EngineEvent,
  type EventSink,
  type MarketEvent,
  type OrderEvent,
  type SignalRejectedEvent,
} from '../domain/events.js';
import type { Fill } from '../domain/fill.js';
import type { OrderSide } from '../domain/order.js';
import type { Signal } from '../domain/signal.js';
import type { ExecutionClient } from '../execution/execution-client.js';
import type { Strategy } from '../strategy/strategy.js';
import { EventQueue } from './event-queue.js';

/** What the engine needs of the portfolio: marks and fills; it returns whatever trades a fill closed. */
export interface EnginePortfolio<Trade> {
  markPrice(symbol: string, price: number): void;
  applyFill(fill: Fill): readonly Trade[];
  /** True when the position the fill opened or added to is still held and took the difference. */
  correctCommission(symbol: string, side: OrderSide, delta: number, fillTime: number, execId: string): boolean;
}

/** Turns advice into orders under the risk rules, and follows the orders it placed. */
export interface EngineRouter {
  onSignal(signal: Signal, time: number): readonly EngineEvent[];
  /** Order reports (accepted, fill, cancelled, failed) so that it knows what is in flight; returns what they cause. */
  onEvent(event: EngineEvent): readonly EngineEvent[];
}

export interface TradingEngineParts<Trade> {
  readonly strategies: readonly Strategy[];
  readonly portfolio: EnginePortfolio<Trade>;
  readonly router: EngineRouter;
  /** Set once with `attachExecution` when the client needs the engine's sink to be built. */
  readonly execution?: ExecutionClient;
}

export interface EngineObserver<Trade> {
  /** Every event, in dispatch order: for journals and logs. */
  onEvent?(event: EngineEvent): void;
  onFill?(fill: Fill): void;
  /**
   * A fill's commission corrected, once the portfolio has booked the difference; `held`: the fill's position is still
   * open and took it (else the trades that closed that position are to take it).
   */
  onCommissionCorrected?(event: CommissionCorrectedEvent, held: boolean): void;
  /** An order (with its bracket children) just handed to the execution client. */
  onOrder?(event: OrderEvent): void;
  onSignalRejected?(event: SignalRejectedEvent): void;
  onTrade?(trade: Trade): void;
}

/**
 * The event loop shared by backtest and live: MarketEvent → strategies → SignalEvent → router (risk, sizing) →
 * OrderEvent → execution client → Fill/OrderFailed/OrderCancelled events → portfolio and router. Modes differ only in
 * who feeds market events and which execution client is attached; the order of dispatch is the queue's FIFO order.
 */
export class TradingEngine<Trade> {
  private readonly queue = new EventQueue<EngineEvent>();
  private readonly strategies: readonly Strategy[];
  private readonly portfolio: EnginePortfolio<Trade>;
  private readonly router: EngineRouter;
  private execution: ExecutionClient | undefined;
  private draining = false;
  // Observers by hook, so that the bar path pays nothing for hooks nobody registered.
  private readonly onEvent: ((event: EngineEvent) => void)[] = [];
  private readonly onFill: ((fill: Fill) => void)[] = [];
  private readonly onCommissionCorrected: ((event: CommissionCorrectedEvent, held: boolean) => void)[] = [];
  private readonly onOrder: ((event: OrderEvent) => void)[] = [];
  private readonly onSignalRejected: ((event: SignalRejectedEvent) => void)[] = [];
  private readonly onTrade: ((trade: Trade) => void)[] = [];
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
    if (observer.onEvent) this.onEvent.push(observer.onEvent.bind(observer));
    if (observer.onFill) this.onFill.push(observer.onFill.bind(observer));
    if (observer.onCommissionCorrected) this.onCommissionCorrected.push(observer.onCommissionCorrected.bind(observer));
    if (observer.onOrder) this.onOrder.push(observer.onOrder.bind(observer));
    if (observer.onSignalRejected) this.onSignalRejected.push(observer.onSignalRejected.bind(observer));
    if (observer.onTrade) this.onTrade.push(observer.onTrade.bind(observer));
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Dispatches until the queue is empty; events emitted while dispatching are handled in the same drain. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let event = this.queue.shift(); event !== undefined; event = this.queue.shift()) {
        this.dispatch(event);
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Queues an event from outside the loop (a venue's report arriving on a socket) and handles it with everything it
   * causes before returning; an event emitted while the engine is dispatching waits for that drain instead, so that
   * the FIFO order holds.
   */
  readonly receive: EventSink = (event) => {
    this.queue.push(event);
    this.drain();
  };

  /**
   * Drains what is queued, then dispatches the market events one after the other and drains what they caused: the
   * order of emitting them and draining, without a queue round trip per bar.
   */
  publish(events: readonly MarketEvent[], count = events.length): void {
    this.drain();
    this.dispatchAll(events, count);
    this.drain();
  }

  /**
   * The loop over a publish's market events, in a function of its own: V8 compiles a long-running loop on the stack
   * (OSR) and keeps that code for the loop's later runs even after it deoptimised. With the loop in `publish`, that
   * code held `drain`'s dispatch of queued events as V8 had first seen it, never run (500 symbols: no signal before
   * the averages are ready), and left it at every later slice with a signal, up to 300 times a run.
   */
  private dispatchAll(events: readonly MarketEvent[], count: number): void {
    for (let k = 0; k < count; k++) this.dispatch(events[k]!);
  }

  private dispatch(event: EngineEvent): void {
    if (this.onEvent.length > 0) for (const observe of this.onEvent) observe(event);
    switch (event.type) {
      case 'market':
        this.onMarket(event);
        return;
      case 'signal':
        for (const routed of this.router.onSignal(event.signal, event.time)) this.queue.push(routed);
        return;
      case 'order':
        // The order leaves first: live, observers write files and logs that must not delay it.
        this.requireExecution(event).place(event);
        for (const observe of this.onOrder) observe(event);
        return;
      case 'cancel_order':
        this.requireExecution(event).cancel(event);
        return;
      case 'fill':
        this.applyFill(event.fill);
        for (const routed of this.router.onEvent(event)) this.queue.push(routed);
        return;
      case 'commission_corrected': {
        const delta = event.commission - event.estimate;
        const held = this.portfolio.correctCommission(event.symbol, event.side, delta, event.fillTime, event.execId);
        for (const observe of this.onCommissionCorrected) observe(event, held);
        return;
      }
      case 'order_cancelled':
      case 'order_failed':
        for (const routed of this.router.onEvent(event)) this.queue.push(routed);
        return;
      case 'order_accepted':
      case 'order_reduced':
        this.router.onEvent(event);
        return;
      case 'signal_rejected':
        for (const observe of this.onSignalRejected) observe(event);
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

  private applyFill(fill: Fill): void {
    const trades = this.portfolio.applyFill(fill);
    for (const observe of this.onFill) observe(fill);
    // Indexed: most fills close no trade, and for…of over the portfolio's frozen empty array would allocate.
    for (let k = 0; k < trades.length; k++) for (const observe of this.onTrade) observe(trades[k]!);
  }

  private requireExecution(event: OrderEvent | EngineEvent): ExecutionClient {
    if (!this.execution) throw new Error(`No execution client attached to handle ${event.type}`);
    return this.execution;
  }
}
