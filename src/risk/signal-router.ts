import type { CancelOrderEvent, EngineEvent, OrderEvent, SignalRejectedEvent } from '../domain/events.js';
import type { OrderRequest, OrderSide } from '../domain/order.js';
import type { Signal } from '../domain/signal.js';
import type { AccountView } from '../portfolio/account-view.js';
import type { PortfolioLimits } from './portfolio-limits.js';
import { PositionSizer, type SizingSettings } from './sizing.js';
import { ceilToTick, floorToTick } from './tick.js';
import { WorkingOrders, type WorkingOrder } from './working-orders.js';

export interface RouterSettings extends SizingSettings {
  /** Send a stop-loss (and a take-profit when `takeProfitR` > 0) as bracket children of each entry. */
  readonly protectiveStops: boolean;
  /** Take-profit at entry + r × (entry − stop); 0 places none. */
  readonly takeProfitR: number;
  /** SHORT signals open short positions (a margin account); otherwise they are refused. */
  readonly allowShort?: boolean;
}

/** A reason outside the risk limits to hold new entries (live: the connection is down, the session is ending). */
export interface EntryGate {
  /** Why no entry may open now, or null when this gate lets entries through. */
  entryBlockReason(time: number): string | null;
}

export interface SignalRouterOptions {
  readonly settings: RouterSettings;
  readonly account: AccountView;
  readonly limits: PortfolioLimits;
  /** Order ids come from the venue's sequence (IB: nextValidId onwards). */
  readonly nextOrderId: () => number;
  readonly entryGates?: readonly EntryGate[];
}

/** What routing a signal produces, in the order the engine must queue it. */
export type RoutedEvent = OrderEvent | CancelOrderEvent | SignalRejectedEvent;

/**
 * Turns strategy advice into orders under the risk rules; the same object decides in backtests and live.
 *
 * LONG → a market entry, sized by the `PositionSizer`, with a bracket of GTC children when protective stops are on
 * and the stop is valid: a stop-loss at the signal's stop and, for r > 0, a take-profit at price + r × (price −
 * stop), both in one OCA group. SHORT → the mirror image on a margin account (a market sale, a buy stop above the
 * price, a buy limit below it), refused on a cash account. EXIT → cancels of the symbol's working orders, then a
 * market order closing the whole position.
 *
 * Entries are refused while the symbol is held or has an entry in flight, and while a portfolio limit blocks new
 * entries. Exits are never blocked by limits.
 */
export class SignalRouter {
  readonly working = new WorkingOrders();
  private readonly sizer: PositionSizer;

  constructor(private readonly options: SignalRouterOptions) {
    this.sizer = new PositionSizer(options.settings);
  }

  onSignal(signal: Signal, time: number): RoutedEvent[] {
    switch (signal.direction) {
      case 'LONG':
        return this.enter(signal, time, 'BUY');
      case 'EXIT':
        return this.exit(signal, time);
      case 'SHORT':
        return this.options.settings.allowShort === true
          ? this.enter(signal, time, 'SELL')
          : [reject(signal, time, 'short selling needs a margin account (account.type is cash)')];
    }
  }

  /** Feeds the venue's order reports (accepted, fill, cancelled, failed); every other event is ignored. */
  onEvent(event: EngineEvent): void {
    this.working.onEvent(event);
  }

  /** Open positions plus working entries for symbols not held yet: what `max_active_positions` limits. */
  activePositions(): number {
    const account = this.options.account;
    return account.openPositionCount + this.working.pendingEntries((symbol) => account.quantity(symbol));
  }

  /** A long (BUY) or short (SELL) entry; a short's bracket mirrors a long's, its stop above the price. */
  private enter(signal: Signal, time: number, side: OrderSide): RoutedEvent[] {
    const { account, limits, settings } = this.options;
    const symbol = signal.symbol;
    const held = account.quantity(symbol);
    if (held !== 0) return [reject(signal, time, `already in a position in ${symbol} (${held} shares)`)];
    if (this.working.has(symbol, 'entry')) {
      return [reject(signal, time, `an entry order for ${symbol} is already working`)];
    }
    const blocked = this.gateReason(time) ?? limits.entryBlockReason(time, this.activePositions());
    if (blocked !== null) return [reject(signal, time, blocked)];
    const committed = this.working.committedCash();
    const sized = this.sizer.size(
      symbol,
      signal.price,
      signal.stopPrice,
      committed > 0 ? withoutCommitted(account, committed) : account,
      side === 'SELL',
    );
    if (!sized.ok) return [reject(signal, time, sized.reason)];

    const entry = this.order(signal, time, side, sized.quantity, 'entry');
    const children: OrderRequest[] = [];
    const long = side === 'BUY';
    const exitSide = long ? 'SELL' : 'BUY';
    // Stops and targets are rounded to the tick away from the market.
    const stop = long ? floorToTick(signal.stopPrice) : ceilToTick(signal.stopPrice);
    if (settings.protectiveStops && stop > 0 && (long ? stop < signal.price : stop > signal.price)) {
      const group = `bracket-${entry.id}`;
      children.push({
        ...this.order(signal, time, exitSide, sized.quantity, 'stop_loss'),
        type: 'STP',
        stopPrice: stop,
        tif: 'GTC',
        parentId: entry.id,
        ocaGroup: group,
      });
      const distance = settings.takeProfitR * (signal.price - signal.stopPrice);
      const target = long ? ceilToTick(signal.price + distance) : floorToTick(signal.price + distance);
      if (settings.takeProfitR > 0 && target > 0) {
        children.push({
          ...this.order(signal, time, exitSide, sized.quantity, 'take_profit'),
          type: 'LMT',
          limitPrice: target,
          tif: 'GTC',
          parentId: entry.id,
          ocaGroup: group,
        });
      }
    }
    this.working.add(entry, signal.price);
    for (const child of children) this.working.add(child);
    return [{ type: 'order', time, order: entry, children }];
  }

  private gateReason(time: number): string | null {
    const gates = this.options.entryGates;
    if (gates === undefined) return null;
    for (const gate of gates) {
      const reason = gate.entryBlockReason(time);
      if (reason !== null) return reason;
    }
    return null;
  }

  private exit(signal: Signal, time: number): RoutedEvent[] {
    const symbol = signal.symbol;
    const held = this.options.account.quantity(symbol);
    if (held === 0) return [reject(signal, time, `not in a position in ${symbol}`)];
    if (this.working.has(symbol, 'exit'))
      return [reject(signal, time, `an exit order for ${symbol} is already working`)];
    const out: RoutedEvent[] = [];
    // Protective children and a still-working entry would otherwise trade against a position that is being closed.
    for (const order of this.working.forSymbol(symbol)) {
      if (order.cancelRequested) continue;
      order.cancelRequested = true;
      out.push(cancel(order, time, `exit signal from ${signal.strategyId}`));
    }
    const closing = this.order(signal, time, held > 0 ? 'SELL' : 'BUY', Math.abs(held), 'exit');
    this.working.add(closing);
    out.push({ type: 'order', time, order: closing, children: [] });
    return out;
  }

  private order(
    signal: Signal,
    time: number,
    side: OrderSide,
    quantity: number,
    purpose: OrderRequest['purpose'],
  ): OrderRequest {
    return {
      id: this.options.nextOrderId(),
      symbol: signal.symbol,
      side,
      quantity,
      type: 'MKT',
      tif: 'DAY',
      purpose,
      strategyId: signal.strategyId,
      createdAt: time,
    };
  }
}

/** The account as sizing should see it while entries in flight have a claim on part of its cash. */
function withoutCommitted(account: AccountView, committed: number): AccountView {
  return {
    equity: account.equity,
    cash: account.cash - committed,
    settledCash: account.settledCash - committed,
    positionsValue: account.positionsValue,
    grossPositionsValue: account.grossPositionsValue,
    openPositionCount: account.openPositionCount,
    quantity: (symbol) => account.quantity(symbol),
    positionValue: (symbol) => account.positionValue(symbol),
  };
}

function reject(signal: Signal, time: number, reason: string): SignalRejectedEvent {
  return { type: 'signal_rejected', time, signal, reason };
}

function cancel(order: WorkingOrder, time: number, reason: string): CancelOrderEvent {
  return { type: 'cancel_order', time, orderId: order.id, reason };
}
