import type { CancelOrderEvent, EngineEvent, OrderEvent, SignalRejectedEvent } from '../domain/events.js';
import type { OrderRequest, OrderSide } from '../domain/order.js';
import type { Signal } from '../domain/signal.js';
import type { AccountView } from '../portfolio/account-view.js';
import { placedChild, protectiveDraft } from './bracket-orders.js';
import type { PortfolioLimits } from './portfolio-limits.js';
import { RiskEngine, type RiskSettings } from './risk-engine.js';
import type { OrderProposal, RiskContext } from './risk-rule.js';
import { PositionSizer, type SizingSettings } from './sizing.js';
import { ceilToTick, floorToTick } from './tick.js';
import { WorkingOrders, type WorkingOrder } from './working-orders.js';
import { decimalText } from '../domain/decimal-text.js';

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
  /** The risk engine every order passes; by default one with the limits and the sizing's exposure settings alone. */
  readonly risk?: RiskEngine;
  /** The positions held, for flattening (the kill switch, a limit whose action is flatten). */
  readonly openPositions?: () => readonly { readonly symbol: string; readonly quantity: number }[];
}

/** The risk settings of a router built without a risk engine: the existing limits, no optional rule. */
export function basicRiskSettings(limits: PortfolioLimits, sizing: SizingSettings): RiskSettings {
  return {
    maxActivePositions: limits.settings.maxActivePositions,
    dailyLossAction: 'block_entries',
    drawdownAction: 'block_entries',
    maxOrderNotional: null,
    maxPositionShares: null,
    maxPositionNotional: null,
    priceBandPct: null,
    maxOrdersPerMinute: null,
    maxGrossExposure: sizing.maxGrossExposure,
    maxSectorAllocationPct: sizing.maxSectorAllocationPct,
    sectors: sizing.sectorMap,
    volatility: null,
    rapidLoss: null,
    atrScale: null,
  };
}

/** What routing a signal produces, in the order the engine must queue it. */
export type RoutedEvent = OrderEvent | CancelOrderEvent | SignalRejectedEvent;

/**
 * Turns strategy advice into orders under the risk rules; the same object decides in backtests and live.
 *
 * LONG → a market entry, sized by the `PositionSizer`, with a bracket of GTC children when protective stops are on
 * and the stop is valid: a stop-loss at the signal's stop and, for r > 0, a take-profit at price + r × (price −
 * stop), both in one OCA group. SHORT → the mirror image on a margin account (a market sale, a buy stop above the
 * price, a buy limit below it), refused on a cash account. EXIT → cancels of the symbol's working orders, then,
 * once the venue has confirmed every one of them ended, a market order closing what is held then (see closeWhenClear).
 *
 * Entries are refused while the symbol is held or has an entry in flight, and while a portfolio limit blocks new
 * entries. Exits are never blocked by limits.
 */
export class SignalRouter {
  readonly working = new WorkingOrders();
  readonly risk: RiskEngine;
  /** Positions to close once their symbol's working orders have ended: symbol → who asked. */
  private readonly closing = new Map<string, string>();
  private readonly sizer: PositionSizer;
  private readonly context: RiskContext;

  constructor(private readonly options: SignalRouterOptions) {
    this.sizer = new PositionSizer(options.settings);
    this.risk =
      options.risk ??
      new RiskEngine(basicRiskSettings(options.limits, options.settings), options.limits, options.account);
    const working = this.working;
    const risk = this.risk;
    this.context = {
      account: options.account,
      get state() {
        return risk.state.state;
      },
      activePositions: () => this.activePositions(),
      entryWorking: (symbol) => working.has(symbol, 'entry'),
      committedCash: () => working.committedCash(),
      pendingEntryValue: (symbol) => working.committedCashFor(symbol),
    };
  }

  onSignal(signal: Signal, time: number): RoutedEvent[] {
    const routed = this.route(signal, time);
    // A check may have found a breach that halts: its cancels and closing orders go first.
    const actions = this.riskActions(time);
    return actions.length === 0 ? routed : [...actions, ...routed];
  }

  /**
   * The orders the risk engine's last change of state calls for: cancels of the working entries (their bracket
   * children go with them) and, when flattening, of every working order of a held symbol followed by a market order
   * closing it. Protective stops of positions that are not flattened stay.
   */
  riskActions(time: number): readonly RoutedEvent[] {
    const actions = this.risk.takeActions();
    // Asked after every bar slice: the usual answer allocates nothing.
    if (actions === null) return NO_ACTIONS;
    const out: RoutedEvent[] = [];
    for (const order of this.working.all()) {
      if (order.purpose !== 'entry' || order.cancelRequested) continue;
      order.cancelRequested = true;
      out.push(cancel(order, time, actions.reason));
    }
    if (!actions.flatten) return out;
    for (const position of this.options.openPositions?.() ?? []) {
      if (position.quantity === 0 || this.exiting(position.symbol)) continue;
      this.closeWhenClear(position.symbol, 'risk', time, actions.reason, out);
    }
    return out;
  }

  /**
   * Closes a position: cancels of its symbol's working orders (protective children, an entry still filling) and a
   * market order for what is held once the venue has confirmed they all ended. Sent together, a stop-loss filling
   * while its cancel is on the way and the closing order would both sell: the position would end short (or long),
   * unprotected. Without working orders the close goes out at once.
   */
  private closeWhenClear(symbol: string, strategyId: string, time: number, reason: string, out: RoutedEvent[]): void {
    const working = this.working.forSymbol(symbol);
    for (const order of working) {
      if (order.cancelRequested) continue;
      order.cancelRequested = true;
      out.push(cancel(order, time, reason));
    }
    if (working.length > 0) this.closing.set(symbol, strategyId);
    else this.close(symbol, strategyId, time, out);
  }

  /** A market order closing what is held of `symbol`, if anything still is. */
  private close(symbol: string, strategyId: string, time: number, out: RoutedEvent[]): void {
    const held = this.options.account.quantity(symbol);
    if (held === 0) return;
    const order: OrderRequest = {
      id: this.options.nextOrderId(),
      symbol,
      side: held > 0 ? 'SELL' : 'BUY',
      quantity: Math.abs(held),
      type: 'MKT',
      tif: 'DAY',
      purpose: 'exit',
      strategyId,
      createdAt: time,
    };
    this.working.add(order);
    out.push({ type: 'order', time, order, children: [] });
  }

  /** An exit is working or waiting for its cancels. */
  private exiting(symbol: string): boolean {
    return this.closing.has(symbol) || this.working.has(symbol, 'exit');
  }

  private route(signal: Signal, time: number): RoutedEvent[] {
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

  /**
   * Feeds the venue's order reports (accepted, fill, cancelled, failed); every other event is ignored. Returns the
   * orders they call for: a protective order its entry took down with it, placed again (see keepProtecting).
   */
  onEvent(event: EngineEvent): readonly RoutedEvent[] {
    // Read before the report removes it: still working here, a child's parent had filled part of its shares.
    const child =
      event.type === 'order_cancelled' && event.reason === 'parent_cancelled'
        ? this.working.get(event.orderId)
        : undefined;
    this.working.onEvent(event);
    if (this.closing.size > 0) {
      const symbol = endedSymbol(event);
      const strategyId = symbol === undefined ? undefined : this.closing.get(symbol);
      if (symbol !== undefined && strategyId !== undefined && this.working.forSymbol(symbol).length === 0) {
        this.closing.delete(symbol);
        const out: RoutedEvent[] = [];
        this.close(symbol, strategyId, event.time, out);
        return out;
      }
    }
    return child === undefined ? NO_ACTIONS : this.keepProtecting(child, event.time);
  }

  /**
   * A bracket's stop-loss or take-profit cancelled with its entry after the entry had bought part of its shares — a
   * halt or a shutdown cancelling the entry, the venue ending it — is placed again outside the bracket, for the shares
   * held, in a one-cancels-other group with its sibling: a position is never left without its stop.
   */
  private keepProtecting(child: WorkingOrder, time: number): RoutedEvent[] {
    const held = Math.abs(this.options.account.quantity(child.symbol));
    if (held === 0 || child.parentId === undefined || this.exiting(child.symbol)) return [];
    const { parentId, ocaGroup, ...request } = child.request;
    const order: OrderRequest = {
      ...request,
      id: this.options.nextOrderId(),
      quantity: held,
      createdAt: time,
      ocaGroup: `${ocaGroup ?? `bracket-${parentId}`}-held`,
    };
    this.working.add(order);
    return [{ type: 'order', time, order, children: [] }];
  }

  /** Open positions plus working entries for symbols not held yet: what `max_active_positions` limits. */
  activePositions(): number {
    const account = this.options.account;
    return account.openPositionCount + this.working.pendingEntries((symbol) => account.quantity(symbol));
  }

  /**
   * A long (BUY) or short (SELL) entry; a short's bracket mirrors a long's, its stop above the price. Sized, bracketed
   * and checked at the market price (see marketPrice), never at a price the strategy merely wrote in its signal.
   */
  private enter(signal: Signal, time: number, side: OrderSide): RoutedEvent[] {
    const { account } = this.options;
    const symbol = signal.symbol;
    const held = account.quantity(symbol);
    if (held !== 0) return [reject(signal, time, `already in a position in ${symbol} (${held} shares)`)];
    const blocked = this.gateReason(time);
    if (blocked !== null) return [reject(signal, time, blocked)];
    const price = marketPrice(account, signal);
    // Drafts without ids are checked, so that a refused order takes no id from the venue's sequence. The rules that
    // do not depend on the size judge first: a halted session says so, not that the cash would not suffice.
    const screened = this.check(this.order(signal, time, side, 0, 'entry', DRAFT_ID), [], price, 'screen');
    if (screened !== null) return [reject(signal, time, screened)];
    const committed = this.working.committedCash();
    const scale = this.risk.riskScale(symbol, time);
    // Sized on the stop as it will be placed, on the tick grid away from the price, so that the loss at the stop
    // stays within the risk budget.
    const stop = placedStop(signal.stopPrice, side === 'BUY');
    const sized = this.sizer.size(
      symbol,
      price,
      stop,
      committed > 0 ? withoutCommitted(account, committed, this.working) : account,
      side === 'SELL',
      scale,
    );
    if (!sized.ok) {
      this.risk.sizingRefused(time, symbol, side, sized.reason);
      return [reject(signal, time, sized.reason)];
    }

    const draft = this.order(signal, time, side, sized.quantity, 'entry', DRAFT_ID);
    const draftChildren = this.bracket(signal, time, draft, price, stop);
    const refused = this.check(draft, draftChildren, price, 'sized');
    if (refused !== null) return [reject(signal, time, refused)];

    const entry = { ...draft, id: this.options.nextOrderId() };
    const group = draftChildren.length > 0 ? `bracket-${decimalText(entry.id)}` : '';
    // A loop rather than map(): V8's compiled map() makes holey arrays, a second shape of `children` partway through
    // a run that threw away the compiled code of every reader of orders (seen with --trace-deopt).
    const children: OrderRequest[] = [];
    for (const child of draftChildren) children.push(placedChild(child, this.options.nextOrderId(), entry.id, group));
    this.working.add(entry, price);
    for (const child of children) this.working.add(child);
    return [{ type: 'order', time, order: entry, children }];
  }

  /**
   * The protective children of an entry (without ids yet): a stop-loss at `stop` (see placedStop) and, for r > 0, a
   * take-profit `takeProfitR` stop distances from `price`; a short's mirror a long's. Targets are rounded to the tick
   * away from the market.
   */
  private bracket(signal: Signal, time: number, entry: OrderRequest, price: number, stop: number): OrderRequest[] {
    const { settings } = this.options;
    const children: OrderRequest[] = [];
    const long = entry.side === 'BUY';
    const exitSide = long ? 'SELL' : 'BUY';
    if (!settings.protectiveStops || !(stop > 0) || !(long ? stop < price : stop > price)) return children;
    children.push(protectiveDraft(signal, time, exitSide, entry.quantity, 'stop_loss', stop, DRAFT_ID));
    // R is the loss per share at the placed stop.
    const distance = settings.takeProfitR * (price - stop);
    const target = long ? ceilToTick(price + distance) : floorToTick(price + distance);
    if (settings.takeProfitR > 0 && target > 0) {
      children.push(protectiveDraft(signal, time, exitSide, entry.quantity, 'take_profit', target, DRAFT_ID));
    }
    return children;
  }

  /** The risk engine's verdict on an order about to go out: the reason it is refused, or null. */
  private check(
    order: OrderRequest,
    children: readonly OrderRequest[],
    price: number,
    phase: 'screen' | 'sized' | 'exit',
  ): string | null {
    const increases = phase !== 'exit';
    const proposal: OrderProposal = { time: order.createdAt, order, children, price, increases };
    return this.risk.check(proposal, this.context, phase === 'exit' ? 'all' : phase)?.reason ?? null;
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
    if (this.closing.has(symbol)) {
      // The cancels may not have gone out (TWS was not connected): asked again, they go now; the close follows.
      const again: RoutedEvent[] = this.working.forSymbol(symbol).map((order) => cancel(order, time, 'exit pending'));
      again.push(reject(signal, time, `an exit for ${symbol} is waiting for its orders' cancels`));
      return again;
    }
    if (this.working.has(symbol, 'exit')) {
      return [reject(signal, time, `an exit order for ${symbol} is already working`)];
    }
    const draft = this.order(signal, time, held > 0 ? 'SELL' : 'BUY', Math.abs(held), 'exit', DRAFT_ID);
    const refused = this.check(draft, [], marketPrice(this.options.account, signal), 'exit');
    if (refused !== null) return [reject(signal, time, refused)];
    const out: RoutedEvent[] = [];
    this.closeWhenClear(symbol, signal.strategyId, time, `exit signal from ${signal.strategyId}`, out);
    return out;
  }

  private order(
    signal: Signal,
    time: number,
    side: OrderSide,
    quantity: number,
    purpose: OrderRequest['purpose'],
    id: number,
  ): OrderRequest {
    return {
      id,
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

// Not frozen: the runner walks it with for…of after every bar slice, and V8 walks a frozen array through the
// iterator protocol, allocating as it goes, where a plain one costs nothing. Readonly keeps it empty.
const NO_ACTIONS: readonly RoutedEvent[] = [];

/** The id of an order not yet given one: drafts are checked before ids are taken. */
const DRAFT_ID = 0;

/**
 * The account as sizing should see it while entries in flight have a claim on part of its cash: as if they had
 * filled at the prices they were sized at, the cash spent and the positions held. The gross exposure and sector
 * rules count the entries in flight so; a sizer that did not would size a second entry of a bar past their limits,
 * and the rules would then refuse it whole where a smaller one fitted.
 */
function withoutCommitted(account: AccountView, committed: number, working: WorkingOrders): AccountView {
  return {
    equity: account.equity,
    cash: account.cash - committed,
    settledCash: account.settledCash - committed,
    positionsValue: account.positionsValue + committed,
    grossPositionsValue: account.grossPositionsValue + committed,
    openPositionCount: account.openPositionCount,
    quantity: (symbol) => account.quantity(symbol),
    positionValue: (symbol) => account.positionValue(symbol) + working.committedCashFor(symbol),
    lastPrice: (symbol) => account.lastPrice(symbol),
  };
}

function reject(signal: Signal, time: number, reason: string): SignalRejectedEvent {
  return { type: 'signal_rejected', time, signal, reason };
}

function cancel(order: WorkingOrder, time: number, reason: string): CancelOrderEvent {
  return { type: 'cancel_order', time, orderId: order.id, reason };
}

/**
 * The price an entry is sized, bracketed and checked at: the symbol's last price, which the engine marked from the
 * close of the bar the signal was decided on (live and in backtests alike), else — nothing marked yet, as when a
 * router is driven by hand — the signal's own. A market order fills at the market whatever price a signal carries:
 * sized at a price a strategy got wrong (a thousandth of the close), an entry would pass the cash and buying-power
 * checks and then spend a thousand times the cash.
 */
function marketPrice(account: AccountView, signal: Signal): number {
  const last = account.lastPrice(signal.symbol);
  return last > 0 && last !== Number.POSITIVE_INFINITY ? last : signal.price;
}

/** A strategy's stop on the tick grid, away from the market: a long's rounded down, a short's up. */
function placedStop(stopPrice: number, long: boolean): number {
  return long ? floorToTick(stopPrice) : ceilToTick(stopPrice);
}

/** The symbol whose order an event ends or reduces (a fill, a cancel, a refusal); undefined for other events. */
function endedSymbol(event: EngineEvent): string | undefined {
  if (event.type === 'fill') return event.fill.symbol;
  return event.type === 'order_cancelled' || event.type === 'order_failed' ? event.symbol : undefined;
}
