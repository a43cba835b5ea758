import {
  EventName,
  OrderAction,
  OrderType,
  type Contract,
  type Execution,
  type Order,
  type OrderState,
} from '@stoqey/ib';
import type { OrderRequest } from '../../src/domain/order.js';
import { dayNumber } from '../../src/domain/time.js';
import type { BookEvent } from '../../src/execution/book-event.js';
import { OrderBook } from '../../src/execution/order-book.js';
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
 * The fills the backtest's fill model gives for an order added at `addedAt` (it works from the bar starting
 * then), replaying the gateway's own five-second bars: the gateway must fill identically.
 */
export function modelFills(
  gateway: Gateway,
  orders: readonly OrderRequest[],
  addedAt: number,
  until: number,
): BookEvent[] {
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
      events.push(
        ...book.processBar({
          symbol,
          time,
          open: bars.open[i]!,
          high: bars.high[i]!,
          low: bars.low[i]!,
          close: bars.close[i]!,
          volume: bars.volume[i]!,
        }),
      );
    }
  }
  return events;
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

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

export type ModelOrder = Pick<OrderRequest, 'id' | 'side' | 'quantity' | 'type'> & Partial<OrderRequest>;

export function model(symbol: string, order: ModelOrder, createdAt: number): OrderRequest {
  return { symbol, tif: 'DAY', purpose: 'entry', createdAt, ...order };
}

export async function statusReached(f: Fixture, orderId: number, status: string): Promise<void> {
  await waitFor(f.client.api, EventName.orderStatus, (id: number, s: string) => id === orderId && s === status);
}

export function place(f: Fixture, orderId: number, symbol: string, order: Order): void {
  f.client.api.placeOrder(orderId, stock(symbol), { transmit: true, tif: 'DAY', ...order });
}

/** Buys `quantity` at market and waits for the fill. */
export async function buyAtMarket(f: Fixture, orderId: number, symbol: string, quantity: number): Promise<void> {
  place(f, orderId, symbol, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: quantity });
  await statusReached(f, orderId, 'Submitted');
  const filled = statusReached(f, orderId, 'Filled');
  f.gateway.advance(10_000);
  await filled;
}

export function fillsOf(
  events: readonly OrderEvent[],
  orderId: number,
): { shares: number; price: number; execId: string }[] {
  return events
    .filter((e): e is Extract<OrderEvent, { kind: 'execDetails' }> => e.kind === 'execDetails' && e.orderId === orderId)
    .map((e) => ({ shares: e.execution.shares!, price: e.execution.price!, execId: e.execution.execId! }));
}
