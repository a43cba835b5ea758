import {
  EventName,
  OrderAction,
  OrderType,
  type Contract,
  type Execution,
  type Order,
  type OrderState,
} from '@stoqey/ib';
import { barAt } from '../../src/domain/bar.js';
import type { OrderRequest } from '../../src/domain/order.js';
import { dayNumber } from '../../src/domain/time.js';
import type { BookEvent } from '../../src/execution/book-event.js';
import { OrderBook } from '../../src/execution/order-book.js';
import { initialTrailStop, stopOnGrid } from '../../src/gateway/broker/trail-grid.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { listen, stock, waitFor, type Client, type Fixture } from './harness.js';

/** Everything a client hears about orders, in arrival order. */
export type OrderEvent =
  | { kind: 'openOrder'; orderId: number; status: string; order: Order; contract: Contract; state: OrderState }
  | {
      kind: 'orderStatus';
      orderId: number;
      status: string;
      filled: number;
      remaining: number;
      avgFillPrice: number;
      permId: number;
      parentId: number;
      lastFillPrice: number;
      clientId: number;
      whyHeld: string;
    }
  | { kind: 'execDetails'; orderId: number; reqId: number; execution: Execution; contract: Contract }
  | { kind: 'commissionReport'; execId: string; commission: number; realizedPNL: number | undefined }
  | { kind: 'error'; orderId: number; code: number; message: string };

export function recordOrderEvents(client: Client): OrderEvent[] {
  const events: OrderEvent[] = [];
  const api = client.api;
  api.on(EventName.openOrder, (orderId: number, contract: Contract, order: Order, state: OrderState) => {
    events.push({ kind: 'openOrder', orderId, status: state.status, order, contract, state });
  });
  listen(
    api,
    EventName.orderStatus,
    (
      orderId: number,
      status: string,
      filled: number,
      remaining: number,
      avgFillPrice: number,
      permId: number,
      parentId: number,
      lastFillPrice: number,
      clientId: number,
      whyHeld: string,
    ) => {
      events.push({
        kind: 'orderStatus',
        orderId,
        status,
        filled,
        remaining,
        avgFillPrice,
        permId,
        parentId,
        lastFillPrice,
        clientId,
        whyHeld,
      });
    },
  );
  api.on(EventName.execDetails, (reqId: number, contract: Contract, execution: Execution) => {
    events.push({ kind: 'execDetails', orderId: execution.orderId!, reqId, execution, contract });
  });
  listen(api, EventName.commissionReport, (report: { execId: string; commission: number; realizedPNL?: number }) => {
    events.push({
      kind: 'commissionReport',
      execId: report.execId,
      commission: report.commission,
      realizedPNL: report.realizedPNL,
    });
  });
  api.on(EventName.error, (error: Error, code: number, reqId: number) => {
    events.push({ kind: 'error', orderId: reqId, code, message: error.message });
  });
  return events;
}

/** Events about one order (commission reports are matched through their execution ids). */
export function eventsOf(events: readonly OrderEvent[], orderId: number): OrderEvent[] {
  const execIds = new Set(
    events
      .filter((e) => e.kind === 'execDetails' && e.orderId === orderId)
      .map((e) => (e as { execution: Execution }).execution.execId),
  );
  return events.filter((e) => (e.kind === 'commissionReport' ? execIds.has(e.execId) : e.orderId === orderId));
}

/** A compact trace: "openOrder:PreSubmitted", "orderStatus:Filled", "execDetails", "error:202" … */
export function trace(events: readonly OrderEvent[]): string[] {
  return events.map((e) => {
    switch (e.kind) {
      case 'openOrder':
      case 'orderStatus':
        return `${e.kind}:${e.status}`;
      case 'error':
        return `error:${e.code}`;
      case 'execDetails':
      case 'commissionReport':
        return e.kind;
    }
  });
}

/**
 * The backtest's order book (with the gateway's slippage and participation) after it worked `orders`, added at
 * `addedAt` (they work from the bar starting then), through the gateway's own five-second bars completed by
 * `until`, and the events it gave: the gateway must fill identically.
 */
export function modelBook(
  gateway: Gateway,
  orders: readonly OrderRequest[],
  addedAt: number,
  until: number,
  afterBar?: (book: OrderBook) => void,
): { readonly book: OrderBook; readonly events: BookEvent[] } {
  const book = new OrderBook({ slippageBps: 1, maxParticipation: 0.25 });
  for (const order of orders) {
    const added = book.add(order);
    if (!added.ok) throw new Error(added.reason);
  }
  const events: BookEvent[] = [];
  const symbol = orders[0]!.symbol;
  for (let day = dayNumber(addedAt); day <= dayNumber(until); day++) {
    const bars = gateway.store.dayBars(symbol, day);
    if (bars === undefined) continue;
    for (let i = 0; i < bars.length; i++) {
      const time = bars.time[i]!;
      if (time < addedAt || time + 5000 > until) continue;
      events.push(...book.processBar(barAt(bars, i)));
      afterBar?.(book);
    }
  }
  return { book, events };
}

/** The events of `modelBook`: the fills (and cancels) the fill model gives. */
export function modelFills(
  gateway: Gateway,
  orders: readonly OrderRequest[],
  addedAt: number,
  until: number,
  afterBar?: (book: OrderBook) => void,
): BookEvent[] {
  return modelBook(gateway, orders, addedAt, until, afterBar).events;
}

/**
 * What TWS adds to the fill model's trailing stops, as the model of the gateway: the initial stop from the price
 * when the order was accepted (`withInitialStop`), and after each bar the stop the book trailed to back on the
 * cent grid (`trailsOnGrid`, an afterBar hook of modelBook).
 */
export function withInitialStop(order: OrderRequest, price: number): OrderRequest {
  const stopPrice = initialTrailStop(order, price, 0.01);
  return stopPrice === undefined ? order : { ...order, stopPrice };
}

export function trailsOnGrid(book: OrderBook): void {
  for (const entry of book.working()) {
    if (entry.order.type !== 'TRAIL' || Number.isNaN(entry.trailStop)) continue;
    const grid = stopOnGrid(entry.trailStop, entry.order.side, 0.01);
    if (grid !== entry.trailStop) book.replace({ ...entry.order, stopPrice: grid });
  }
}

/** [shares, price] of the model's fills, of every order or of one. */
export function modelFillPairs(events: readonly BookEvent[], orderId?: number): [number, number][] {
  return events.flatMap((e): [number, number][] =>
    e.kind === 'fill' && (orderId === undefined || e.order.id === orderId) ? [[e.quantity, e.price]] : [],
  );
}

/** The last trade price at the replay time (close of the last completed five-second bar). */
export function lastPrice(gateway: Gateway, symbol: string): number {
  const now = gateway.clock.now();
  const bars = gateway.store.dayBars(symbol, dayNumber(now))!;
  return bars.close[bars.countBefore(now - 4999) - 1]!;
}

/** Lowest low / highest high of the symbol's bars in [from, to). */
export function range(gateway: Gateway, symbol: string, from: number, to: number): { low: number; high: number } {
  const bars = gateway.store.dayBars(symbol, dayNumber(from))!;
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < bars.length; i++) {
    const t = bars.time[i]!;
    if (t < from || t >= to) continue;
    low = Math.min(low, bars.low[i]!);
    high = Math.max(high, bars.high[i]!);
  }
  return { low, high };
}

export function cents(x: number): number {
  return Math.round(x * 100) / 100;
}

export type ModelOrder = Pick<OrderRequest, 'id' | 'side' | 'quantity' | 'type'> & Partial<OrderRequest>;

export function model(symbol: string, order: ModelOrder, createdAt: number): OrderRequest {
  return { symbol, tif: 'DAY', purpose: 'entry', createdAt, ...order };
}

function clientOf(target: Fixture | Client): Client {
  return 'api' in target ? target : target.client;
}

/** Waits for an orderStatus of the order: `status`, or any status when none is named. */
export async function statusReached(target: Fixture | Client, orderId: number, status?: string): Promise<void> {
  await waitFor(
    clientOf(target).api,
    EventName.orderStatus,
    (id: number, s: string) => id === orderId && (status === undefined || s === status),
  );
}

/** Places (or modifies) a DAY order for a stock, transmitted unless the order says otherwise. */
export function place(target: Fixture | Client, orderId: number, symbol: string, order: Order): void {
  clientOf(target).api.placeOrder(orderId, stock(symbol), { transmit: true, tif: 'DAY', ...order });
}

/** Sends a market order and waits for its fill, replaying `replayMs` once it is working. */
export async function fillAtMarket(
  f: Pick<Fixture, 'client' | 'gateway'>,
  orderId: number,
  symbol: string,
  action: OrderAction,
  quantity: number,
  replayMs = 10_000,
): Promise<void> {
  // During regular hours the order fills on arrival, at the open of the bar then starting; the replay still moves on.
  const filled = statusReached(f.client, orderId, 'Filled');
  place(f.client, orderId, symbol, { action, orderType: OrderType.MKT, totalQuantity: quantity });
  await statusReached(f.client, orderId, 'Submitted');
  f.gateway.advance(replayMs);
  await filled;
}

/** Buys `quantity` at market and waits for the fill. */
export async function buyAtMarket(f: Fixture, orderId: number, symbol: string, quantity: number): Promise<void> {
  await fillAtMarket(f, orderId, symbol, OrderAction.BUY, quantity);
}

/**
 * A resting order: a one-share buy limit at 10, far below the market, placed and acknowledged (its first status
 * has arrived).
 */
export async function placeResting(target: Fixture | Client, orderId: number, symbol: string): Promise<void> {
  const acknowledged = statusReached(target, orderId);
  place(target, orderId, symbol, {
    action: OrderAction.BUY,
    orderType: OrderType.LMT,
    lmtPrice: 10,
    totalQuantity: 1,
  });
  await acknowledged;
}

export function fillsOf(
  events: readonly OrderEvent[],
  orderId: number,
): { shares: number; price: number; execId: string }[] {
  return events
    .filter((e): e is Extract<OrderEvent, { kind: 'execDetails' }> => e.kind === 'execDetails' && e.orderId === orderId)
    .map((e) => ({ shares: e.execution.shares!, price: e.execution.price!, execId: e.execution.execId! }));
}

/** [shares, price] of the order's executions the client heard of. */
export function fillPairs(events: readonly OrderEvent[], orderId: number): [number, number][] {
  return fillsOf(events, orderId).map((x): [number, number] => [x.shares, x.price]);
}
