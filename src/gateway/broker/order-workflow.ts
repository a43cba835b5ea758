import type { Bar } from '../../domain/bar.js';
import { OrderType, type OrderRequest } from '../../domain/order.js';
import { dayNumber } from '../../domain/time.js';
import type { BookEvent, BookResult } from '../../execution/book-event.js';
import { OrderBook } from '../../execution/order-book.js';
import { BAR_MS, wireDateTime } from '../market/exchange-calendar.js';
import type { Instrument } from '../market/instrument.js';
import { encodeCommissionReport, encodeExecutionData } from '../protocol/encoders/executions.js';
import { encodeOpenOrder, encodeOrderStatus } from '../protocol/encoders/orders.js';
import { isActive, type BrokerOrder, type OrderState } from './broker-records.js';
import type { BrokerPort, PaperBrokerOptions } from './broker-port.js';
import { buyingPowerProblem } from './buying-power.js';
import { bookExecution, type FillBooks } from './fill-booking.js';
import { referencePrice, rejected, type OrderRefusal } from './order-mapping.js';
import type { OrderRegistry } from './order-registry.js';
import { commissionView, executionExchange, executionView, openOrderView, orderStatusView } from './order-views.js';
import type { PaperAccount } from './paper-account.js';
import { initialTrailStop, stopOnGrid } from './trail-grid.js';

function isStopType(type: OrderType): boolean {
  return type === OrderType.Stop || type === OrderType.StopLimit || type === OrderType.TrailingStop;
}

/**
 * The book-facing half of the paper broker: orders working in the shared OrderBook, their TWS states and the
 * openOrder / orderStatus / execDetails / commissionReport messages each change produces, and the bookkeeping of
 * every fill.
 */
export class OrderWorkflow {
  private book: OrderBook;
  /** Shares filled before an order was (re-)added to the book, which counts only what it works. */
  private readonly bookOffset = new Map<number, number>();
  /** While a bar's fills are reported: the time they happened. */
  private fillTime: number | undefined;
  private readonly books: FillBooks;
  private readonly port: BrokerPort;
  /** Trailing orders in the book by symbol: their stops go back on the tick grid after each of its bars. */
  private readonly trailing = new Map<string, Set<BrokerOrder>>();

  constructor(
    private readonly options: PaperBrokerOptions,
    private readonly account: PaperAccount,
    private readonly orders: OrderRegistry,
  ) {
    this.book = new OrderBook(options.book);
    this.port = options.port;
    this.books = {
      account,
      orders,
      commission: options.commission,
      calendar: options.calendar,
      settlementDays: options.settlementDays,
    };
  }

  /** Replaces a working order's terms in the book (a modification); the book counts only unfilled shares. */
  replace(order: BrokerOrder, request: OrderRequest): BookResult {
    const offset = this.bookOffset.get(order.permId) ?? 0;
    return this.book.replace({ ...request, quantity: request.quantity - offset });
  }

  /**
   * The current stop of a trailing order: the book's once it works, else the stop it was accepted with (kept in its
   * request, which also keeps the last stop of an order that has left the book).
   */
  trailStop(order: BrokerOrder): number | undefined {
    if (order.request.type !== OrderType.TrailingStop) return undefined;
    const stop = this.book.get(order.permId)?.trailStop;
    return stop === undefined || Number.isNaN(stop) ? order.request.stopPrice : stop;
  }

  /**
   * Keeps a trailing order's stop on the tick grid, as TWS does: an order not yet working in the book (accepted
   * since the last bar) gets its initial stop from the current price at once, so that TWS's first openOrder already
   * carries it; a working one has the stop the book trailed to rounded to the grid (away from the market). The
   * stop is also kept in the order's request, where the state file and the order views find it.
   */
  settleTrail(order: BrokerOrder): void {
    if (order.request.type !== OrderType.TrailingStop) return;
    const entry = this.book.get(order.permId);
    if (entry === undefined || entry.status === 'held') return;
    const minTick = this.instrument(order).minTick;
    let stop = entry.trailStop;
    if (Number.isNaN(stop)) {
      const initial = initialTrailStop(order.request, this.options.prices.lastPrice(order.symbol), minTick);
      if (initial === undefined) return;
      stop = initial;
    }
    const grid = stopOnGrid(stop, order.request.side, minTick);
    if (grid !== order.request.stopPrice) order.request = { ...order.request, stopPrice: grid };
    // A stop not yet started becomes the book's initial stop; a started one is replaced by its grid price.
    if (grid !== entry.trailStop) this.replace(order, order.request);
  }

  encodeOpenOrder(order: BrokerOrder, version: number): Buffer {
    return encodeOpenOrder(
      version,
      openOrderView(order, this.instrument(order), this.account.accountId, this.trailStop(order)),
    );
  }

  /**
   * Matches the symbol's working orders against a completed bar. Its executions are stamped with the moment the bar
   * completed, not the moment the replay got round to it (a realtime replay works through boundaries in bursts), so
   * an execution's time tells which bar made it.
   */
  onBar(bar: Bar): void {
    const events = this.book.processBar(bar);
    if (events.length > 0) {
      this.fillTime = bar.time + BAR_MS;
      try {
        this.report(events);
      } finally {
        this.fillTime = undefined;
      }
      this.port.changed();
    }
    const trailing = this.trailing.get(bar.symbol);
    if (trailing !== undefined) {
      for (const order of trailing) {
        if (isActive(order)) this.settleTrail(order);
        else trailing.delete(order);
      }
      if (trailing.size === 0) this.trailing.delete(bar.symbol);
    }
  }

  /**
   * A market order that has just started working fills at once, as at TWS, rather than when the replay completes
   * its next bar: at that bar's open (the first trade after the order arrived), reported with the time the step
   * would have stamped, so prices and times are those of a fill on the step. Orders whose fill depends on more than
   * that bar's open (OCA groups, partial fills, trailing children whose stop is put on the grid after each bar) wait
   * for the step as before.
   */
  fillOnArrival(order: BrokerOrder): void {
    if (order.state !== 'Submitted' || order.request.type !== OrderType.Market) return;
    if (this.orders.children(order).some((child) => child.request.type === OrderType.TrailingStop)) return;
    const bar = this.options.upcomingBar?.(order.symbol);
    if (bar === undefined) return;
    const events = this.book.fillMarketAtOpen(order.permId, bar);
    if (events.length === 0) return;
    this.fillTime = bar.time + BAR_MS;
    try {
      this.report(events);
    } finally {
      this.fillTime = undefined;
    }
  }

  private trackTrail(order: BrokerOrder): void {
    if (order.request.type !== OrderType.TrailingStop) return;
    let orders = this.trailing.get(order.symbol);
    if (orders === undefined) {
      orders = new Set();
      this.trailing.set(order.symbol, orders);
    }
    orders.add(order);
  }

  /** At the open: orders held outside regular hours become Submitted. */
  onSessionOpen(): void {
    for (const order of this.orders.live()) {
      if (order.state === 'PreSubmitted' && this.workable(order)) this.setState(order, 'Submitted');
    }
  }

  /** At the close: DAY orders that worked this session expire. */
  onSessionClose(): void {
    const events = this.book.expireDayOrders(this.options.clock.now());
    if (events.length > 0) {
      this.report(events);
      this.port.changed();
    }
    this.account.settle(dayNumber(this.options.clock.now()));
  }

  /** Re-adds restored working orders to a fresh book (parents before children). */
  rebuildBook(trailStops: ReadonlyMap<number, number>): void {
    this.book = new OrderBook(this.options.book);
    this.bookOffset.clear();
    const live = this.orders.orders().filter(isActive);
    const parentsFirst = [...live.filter((o) => o.parentOrderId === 0), ...live.filter((o) => o.parentOrderId !== 0)];
    for (const order of parentsFirst) {
      const stop = trailStops.get(order.permId);
      const { parentId, ...own } = order.request;
      // A child whose parent has filled works on its own (its OCA group still ties it to its sibling); only a
      // child of a parent that still works is held by it in the book.
      const held = parentId !== undefined && this.book.get(parentId) !== undefined;
      const request: OrderRequest = {
        ...own,
        quantity: order.wire.totalQuantity - order.filled,
        ...(stop === undefined ? {} : { stopPrice: stop }),
        ...(held ? { parentId } : {}),
        ...(parentId !== undefined && !held && own.ocaGroup === undefined ? { ocaGroup: `bracket-${parentId}` } : {}),
      };
      const added = this.book.add(request);
      if (!added.ok) {
        this.setState(order, 'Cancelled');
        continue;
      }
      this.bookOffset.set(order.permId, order.filled);
      this.port.retainSymbol(order.symbol);
      this.trackTrail(order);
    }
  }

  instrument(order: BrokerOrder): Instrument {
    return this.options.registry.bySymbolName(order.symbol)!;
  }

  activate(order: BrokerOrder): void {
    const sameSide = this.orders
      .orders()
      .filter((o) => isActive(o) && o.symbol === order.symbol && o.request.side === order.request.side).length;
    if (sameSide >= this.options.maxActivePerSide) {
      this.reject(
        order,
        rejected(`The maximum of ${this.options.maxActivePerSide} active orders per contract and side is reached`),
      );
      return;
    }
    if (order.parentOrderId === 0) {
      const market = this.options.prices.lastPrice(order.symbol);
      const problem = buyingPowerProblem(
        this.account,
        dayNumber(this.options.clock.now()),
        order.request,
        referencePrice(order.request, market),
        (s) => this.options.prices.lastPrice(s),
      );
      if (problem !== undefined) {
        this.reject(order, rejected(problem));
        return;
      }
    }
    const added = this.book.add(order.request);
    if (!added.ok) {
      this.reject(order, rejected(added.reason));
      return;
    }
    this.bookOffset.set(order.permId, 0);
    this.port.retainSymbol(order.symbol);
    this.trackTrail(order);
    this.settleTrail(order);
    const held = this.book.get(order.permId)?.status === 'held';
    order.whyHeld = held ? 'child' : '';
    this.setState(order, 'PreSubmitted');
    if (this.workable(order)) this.setState(order, 'Submitted');
  }

  /** MKT and LMT orders that are not held are Submitted during regular hours; stops stay PreSubmitted. */
  private workable(order: BrokerOrder): boolean {
    if (order.whyHeld !== '' || isStopType(order.request.type)) return false;
    return this.options.calendar.isRegularHours(this.options.clock.now());
  }

  reject(order: BrokerOrder, refusal: OrderRefusal): void {
    this.port.error(order.clientId, order.orderId, refusal.code, refusal.message);
    order.state = 'Inactive';
    order.updatedAt = this.options.clock.now();
    this.emitStatus(order);
    for (const child of this.orders.children(order)) {
      if (child.state === 'Staged') {
        child.state = 'Cancelled';
        this.port.error(child.clientId, child.orderId, 202, 'Order Canceled - reason:Parent order was rejected');
      }
    }
  }

  cancelOrder(order: BrokerOrder): void {
    if (order.state === 'Staged') {
      order.state = 'Cancelled';
      order.updatedAt = this.options.clock.now();
      this.port.error(order.clientId, order.orderId, 202, 'Order Canceled - reason:');
      this.emitStatus(order);
      for (const child of this.orders.children(order)) if (child.state === 'Staged') this.cancelOrder(child);
      return;
    }
    this.report(this.book.cancel(order.permId, this.options.clock.now()));
  }

  private setState(order: BrokerOrder, state: OrderState): void {
    order.state = state;
    order.updatedAt = this.options.clock.now();
    this.emitOpenOrder(order);
    this.emitStatus(order);
  }

  emitOpenOrder(order: BrokerOrder): void {
    this.port.send(order.clientId, (version) => this.encodeOpenOrder(order, version));
  }

  emitStatus(order: BrokerOrder): void {
    this.port.send(order.clientId, () => encodeOrderStatus(orderStatusView(order)));
  }

  private report(events: readonly BookEvent[]): void {
    for (const event of events) {
      const order = this.orders.byPermId(event.order.id);
      if (order === undefined) continue;
      switch (event.kind) {
        case 'fill':
          this.fill(order, event.quantity, event.price);
          break;
        case 'cancelled':
          order.state = 'Cancelled';
          order.updatedAt = this.options.clock.now();
          this.port.releaseSymbol(order.symbol);
          if (event.reason === 'requested' || event.reason === 'parent_cancelled') {
            this.port.error(order.clientId, order.orderId, 202, 'Order Canceled - reason:');
          }
          this.emitStatus(order);
          break;
        case 'activated':
          order.whyHeld = '';
          this.settleTrail(order);
          this.setState(order, this.workable(order) ? 'Submitted' : 'PreSubmitted');
          break;
        case 'reduced':
          // As TWS does for OCA types 2 and 3: the order at its new size, then its status.
          order.request = event.order;
          order.wire = { ...order.wire, totalQuantity: event.order.quantity };
          order.updatedAt = this.options.clock.now();
          this.emitOpenOrder(order);
          this.emitStatus(order);
          break;
      }
    }
  }

  private fill(order: BrokerOrder, quantity: number, price: number): void {
    const now = this.fillTime ?? this.options.clock.now();
    const instrument = this.instrument(order);
    const execution = bookExecution(this.books, order, quantity, price, now, executionExchange(instrument));
    const account = this.account.accountId;
    this.port.send(order.clientId, (version) =>
      encodeExecutionData(version, -1, executionView(execution, instrument, account, wireDateTime(now))),
    );
    this.emitStatus(order);
    if (order.state === 'Filled') {
      this.emitOpenOrder(order);
      this.port.releaseSymbol(order.symbol);
    }
    this.port.sendCommissionReport(order.clientId, () =>
      encodeCommissionReport(commissionView(execution, this.account.currency)),
    );
    this.port.accountChanged(order.symbol);
  }
}
