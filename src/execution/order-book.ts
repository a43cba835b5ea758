import type { Bar } from '../domain/bar.js';
import { OrderType, type OrderRequest } from '../domain/order.js';
import {
  BookCancelReason,
  BookOrderStatus,
  type BookEvent,
  type BookOrderView,
  type BookResult,
  type OrderBookOptions,
} from './book-event.js';
import {
  advanceStretch,
  createStretchHit,
  evaluateStretch,
  fillIntrabarPath,
  mayActWithin,
  narrowQuietBand,
  ratchetTrailWithin,
  slippedPrice,
  startTrail,
  trailStopFrom,
} from './fill-model.js';
import { freshIfEmpty } from './young-map.js';
import { BookOrder, insertById, removeFrom, type SymbolOrders } from './book-order.js';
import { validateOrder } from './order-validation.js';
import { decimalText } from '../domain/decimal-text.js';

const NO_EVENTS: readonly BookEvent[] = Object.freeze([]);
const OK: BookResult = Object.freeze({ ok: true });

function refuse(reason: string): BookResult {
  return { ok: false, reason };
}

/**
 * Venue-neutral working orders of every symbol, matched against bars with the fill model. Used by the backtest's
 * simulated execution and by the embedded gateway's broker, so both fill the same orders the same way.
 *
 * An order works from the first bar processed after it was added (never on the bar it was decided on). Within a
 * bar, executions happen in intrabar-path order, ties by ascending order id; each order executes at most once
 * per bar. A bracket child (parentId) is held until its parent has filled completely, then works from that point
 * of the path on. Orders sharing an ocaGroup, and the children of one parent without an explicit group, are
 * one-cancels-other: a complete fill of one cancels the rest; a partial one takes the same share of the others'
 * unfilled size off them (IB's OCA type 2, `reduce`), or cancels them too when the executing order's ocaType is
 * `cancel` (type 1).
 */
export class OrderBook {
  private readonly slippageBps: number;
  private readonly maxParticipation: number | undefined;
  private orders = new Map<number, BookOrder>();
  private readonly symbols = new Map<string, SymbolOrders>();
  private ocaGroups = new Map<string, BookOrder[]>();
  private liveTotal = 0;
  private readonly path = new Float64Array(4);
  private readonly hit = createStretchHit();
  private sweepId = 0;
  private sweeping: SymbolOrders | undefined;
  private out: BookEvent[] | undefined;
  /** DAY orders in the book: at a session's end, usually none, and then there is nothing to look through. */
  private dayOrders = 0;
  /** The DAY orders expiring at a session's end, reused from one session to the next. */
  private readonly due: BookOrder[] = [];

  constructor(options: OrderBookOptions) {
    if (!(Number.isFinite(options.slippageBps) && options.slippageBps >= 0)) {
      throw new RangeError(`slippageBps must be a finite number ≥ 0, not ${options.slippageBps}`);
    }
    const p = options.maxParticipation;
    if (p !== undefined && !(p > 0 && p <= 1)) {
      throw new RangeError(`maxParticipation must be above 0 and at most 1, not ${p}`);
    }
    this.slippageBps = options.slippageBps;
    this.maxParticipation = p;
  }

  /** Adds an order; it works from the next bar of its symbol (a bracket child: once its parent has filled). */
  add(order: OrderRequest): BookResult {
    const problem = validateOrder(order);
    if (problem !== undefined) return refuse(problem);
    if (this.orders.has(order.id)) return refuse(`order ${order.id}: id is already in the book`);
    let parent: BookOrder | undefined;
    if (order.parentId !== undefined) {
      parent = this.orders.get(order.parentId);
      if (parent === undefined) {
        return refuse(`order ${order.id}: parent ${order.parentId} is not in the book (unknown, filled or ended)`);
      }
      if (parent.order.symbol !== order.symbol) {
        return refuse(`order ${order.id}: a bracket child must trade its parent's symbol ${parent.order.symbol}`);
      }
    }
    // The NUL prefix keeps derived bracket keys apart from any group name a user can type.
    const ocaKey =
      order.ocaGroup ?? (order.parentId === undefined ? undefined : `\u0000bracket:${decimalText(order.parentId)}`);
    const entry = new BookOrder(order, ocaKey, parent);
    if (parent !== undefined) insertById(parent.children, entry);
    this.orders.set(order.id, entry);
    if (order.tif === 'DAY') this.dayOrders++;
    let symbol = this.symbols.get(order.symbol);
    if (symbol === undefined) {
      symbol = { live: [], count: 0, band: { below: 0, above: 0 }, bandValid: false };
      this.symbols.set(order.symbol, symbol);
    }
    symbol.count++;
    if (entry.status === BookOrderStatus.Working) {
      symbol.live.push(entry);
      symbol.bandValid = false;
      this.liveTotal++;
    }
    if (ocaKey !== undefined) {
      const group = this.ocaGroups.get(ocaKey);
      if (group === undefined) this.ocaGroups.set(ocaKey, [entry]);
      else insertById(group, entry);
    }
    return OK;
  }

  /** Cancels an order in the book and, if it is a bracket parent, its held children. Unknown ids: no events. */
  cancel(orderId: number, time: number): readonly BookEvent[] {
    const entry = this.orders.get(orderId);
    if (entry === undefined) return NO_EVENTS;
    this.end(entry, BookCancelReason.Requested, time);
    return this.take();
  }

  /**
   * Modifies an order in place (same id). Symbol, side, parent and OCA group stay; the quantity must exceed what
   * has filled. A new type restarts the order's trigger state; new trailing parameters re-derive the stop from the
   * best price so far.
   */
  replace(order: OrderRequest): BookResult {
    const entry = this.orders.get(order.id);
    if (entry === undefined) return refuse(`order ${order.id}: not in the book (unknown, filled or ended)`);
    const problem = validateOrder(order);
    if (problem !== undefined) return refuse(problem);
    const prev = entry.order;
    if (order.symbol !== prev.symbol || order.side !== prev.side) {
      return refuse(`order ${order.id}: a replacement cannot change symbol or side`);
    }
    if (order.parentId !== prev.parentId || order.ocaGroup !== prev.ocaGroup) {
      return refuse(`order ${order.id}: a replacement cannot change parentId or ocaGroup`);
    }
    if (order.quantity <= entry.filled) {
      return refuse(`order ${order.id}: quantity ${order.quantity} must exceed the ${entry.filled} shares filled`);
    }
    entry.setOrder(order);
    if (order.tif !== prev.tif) this.dayOrders += order.tif === 'DAY' ? 1 : -1;
    this.symbols.get(order.symbol)!.bandValid = false;
    if (order.type !== prev.type) {
      entry.triggered = false;
      entry.trailReady = false;
    } else if (order.type === OrderType.TrailingStop && entry.trailReady) {
      entry.trailStop = order.stopPrice ?? trailStopFrom(entry, entry.trailBest);
    }
    return OK;
  }

  /**
   * Ends the DAY orders that have worked during the session (call once after a session's last bar). DAY orders
   * added after that bar have not worked yet and wait for the next session.
   */
  expireDayOrders(time: number): readonly BookEvent[] {
    // Called at every session's end, when the book usually holds only GTC orders or none: nothing is allocated then.
    if (this.dayOrders === 0) return NO_EVENTS;
    const due = this.due;
    for (const o of this.orders.values()) if (o.order.tif === 'DAY' && o.worked) due.push(o);
    if (due.length === 0) return NO_EVENTS;
    if (due.length > 1) due.sort((a, b) => a.order.id - b.order.id);
    for (const entry of due) if (!entry.closed) this.end(entry, BookCancelReason.Expired, time);
    due.length = 0;
    return this.take();
  }

  /**
   * Matches the working orders of `bar.symbol` against the bar. O(1) and allocation-free when the symbol has no
   * working orders, or when the bar stays inside the price band in which none of them can act (the usual case of
   * protective orders away from the price).
   */
  processBar(bar: Bar): readonly BookEvent[] {
    if (this.liveTotal === 0) return NO_EVENTS;
    const symbol = this.symbols.get(bar.symbol);
    if (symbol === undefined || symbol.live.length === 0) return NO_EVENTS;
    // Robust to rows whose open or close lies outside [low, high]: the path visits them all.
    const low = Math.min(bar.low, bar.open, bar.close);
    const high = Math.max(bar.high, bar.open, bar.close);
    if (symbol.bandValid && low > symbol.band.below && high < symbol.band.above) return NO_EVENTS;
    return this.sweep(symbol, bar, low, high);
  }

  /**
   * Executes a working market order at the open of `bar`, the next bar of its symbol, before that bar is processed:
   * what `processBar(bar)` would do for it, done early (a venue that fills market orders on arrival, replaying bars
   * it already knows). Only when the result cannot depend on the bar's other orders or on the rest of its path: the
   * order is in no OCA group, has not filled yet, and fills completely within the bar's participation cap. Its held
   * children are activated at the open as the sweep would, and `processBar(bar)` then works them from the open on.
   * Anything else: no events, and `processBar` fills the order as usual.
   */
  fillMarketAtOpen(orderId: number, bar: Bar): readonly BookEvent[] {
    const entry = this.orders.get(orderId);
    if (
      entry === undefined ||
      entry.status !== BookOrderStatus.Working ||
      entry.type !== OrderType.Market ||
      entry.ocaKey !== undefined ||
      entry.filled > 0 ||
      entry.order.symbol !== bar.symbol
    ) {
      return NO_EVENTS;
    }
    const cap = this.barCap(bar.volume);
    if (entry.remaining > cap) return NO_EVENTS;
    this.begin(entry, bar.open);
    const price = slippedPrice(bar.open, entry.order.side, this.slippageBps);
    this.execute(entry, 1, bar.open, price, cap, bar.time, ++this.sweepId);
    return this.take();
  }

  /** Orders in the book (working or held), for one symbol or all. */
  workingCount(symbol?: string): number {
    return symbol === undefined ? this.orders.size : (this.symbols.get(symbol)?.count ?? 0);
  }

  get(orderId: number): BookOrderView | undefined {
    return this.orders.get(orderId);
  }

  /** Orders in the book (working or held), ascending id. */
  working(symbol?: string): BookOrderView[] {
    return [...this.orders.values()]
      .filter((o) => symbol === undefined || o.order.symbol === symbol)
      .sort((a, b) => a.order.id - b.order.id);
  }

  private sweep(symbol: SymbolOrders, bar: Bar, low: number, high: number): readonly BookEvent[] {
    const live = symbol.live;
    let acts = false;
    for (const entry of live) {
      entry.fromSegment = 1;
      entry.fromLevel = bar.open;
      this.begin(entry, bar.open);
      if (!acts) acts = mayActWithin(entry, entry, low, high);
    }
    if (!acts) {
      for (const entry of live) ratchetTrailWithin(entry, entry, low, high);
      this.updateBand(symbol);
      return NO_EVENTS;
    }
    const sweepId = ++this.sweepId;
    this.sweeping = symbol;
    const path = this.path;
    fillIntrabarPath(bar, path);
    const cap = this.barCap(bar.volume);
    for (let segment = 1; segment <= 3; segment++) {
      const a = path[segment - 1]!;
      const b = path[segment]!;
      if (cap > 0) while (this.executeNext(live, segment, a, b, cap, bar, sweepId));
      for (const entry of live) {
        if (entry.closed || entry.executedIn === sweepId) continue;
        advanceStretch(entry, entry, entry.fromSegment === segment ? entry.fromLevel : a, b);
      }
    }
    let kept = 0;
    for (const entry of live) if (!entry.closed) live[kept++] = entry;
    live.length = kept;
    this.sweeping = undefined;
    this.updateBand(symbol);
    return this.take();
  }

  private updateBand(symbol: SymbolOrders): void {
    const band = symbol.band;
    band.below = Number.NEGATIVE_INFINITY;
    band.above = Number.POSITIVE_INFINITY;
    for (const entry of symbol.live) narrowQuietBand(entry, entry, band);
    symbol.bandValid = true;
  }

  /** Executes the order that comes first on the path within this segment; false when none executes. */
  private executeNext(
    live: BookOrder[],
    segment: number,
    a: number,
    b: number,
    cap: number,
    bar: Bar,
    sweepId: number,
  ): boolean {
    const hit = this.hit;
    let best: BookOrder | undefined;
    let bestPosition = Number.POSITIVE_INFINITY;
    let bestLevel = 0;
    let bestPrice = 0;
    let bestSlips = false;
    // Indexed loop: executions below may append activated children to `live`.
    for (let i = 0; i < live.length; i++) {
      const entry = live[i]!;
      if (entry.closed || entry.executedIn === sweepId) continue;
      const start = entry.fromSegment === segment ? entry.fromLevel : a;
      if (!evaluateStretch(entry, entry, start, b, hit)) continue;
      const position = segment - 1 + (b === a ? 0 : (hit.level - a) / (b - a));
      if (position < bestPosition || (position === bestPosition && entry.order.id < best!.order.id)) {
        best = entry;
        bestPosition = position;
        bestLevel = hit.level;
        bestPrice = hit.price;
        bestSlips = hit.slips;
      }
    }
    if (best === undefined) return false;
    this.execute(
      best,
      segment,
      bestLevel,
      bestSlips ? slippedPrice(bestPrice, best.order.side, this.slippageBps) : bestPrice,
      cap,
      bar.time,
      sweepId,
    );
    return true;
  }

  private execute(
    entry: BookOrder,
    segment: number,
    level: number,
    price: number,
    cap: number,
    time: number,
    sweepId: number,
  ): void {
    const order = entry.order;
    const quantity = Math.min(entry.remaining, cap);
    entry.filled += quantity;
    entry.executedIn = sweepId;
    if (entry.type !== OrderType.Market && entry.type !== OrderType.Limit) entry.triggered = true;
    this.emit({ kind: 'fill', order, quantity, price, time, remaining: entry.remaining });
    if (entry.ocaKey !== undefined) {
      const group = this.ocaGroups.get(entry.ocaKey);
      if (group !== undefined) {
        const before = entry.remaining + quantity;
        for (const other of group.slice()) {
          if (other === entry) continue;
          if (entry.remaining === 0 || order.ocaType === 'cancel') this.end(other, BookCancelReason.Oca, time);
          else this.reduce(other, entry.remaining / before, time);
        }
      }
    }
    if (entry.remaining > 0) return;
    const children = entry.children.slice();
    this.detach(entry);
    for (const child of children) this.activate(child, segment, level, time);
  }

  /** Scales an order's unfilled size by `share` (OCA `reduce`), ending it when nothing is left. */
  private reduce(entry: BookOrder, share: number, time: number): void {
    const remaining = Math.round(entry.remaining * share);
    if (remaining <= 0) {
      this.end(entry, BookCancelReason.Oca, time);
      return;
    }
    if (remaining === entry.remaining) return;
    entry.setOrder({ ...entry.order, quantity: entry.filled + remaining });
    this.emit({ kind: 'reduced', order: entry.order, remaining, time });
  }

  private activate(child: BookOrder, segment: number, level: number, time: number): void {
    child.parent = undefined;
    child.status = BookOrderStatus.Working;
    child.fromSegment = segment;
    child.fromLevel = level;
    this.begin(child, level);
    const symbol = this.symbols.get(child.order.symbol)!;
    symbol.live.push(child);
    symbol.bandValid = false;
    this.liveTotal++;
    this.emit({ kind: 'activated', order: child.order, time });
  }

  private begin(entry: BookOrder, price: number): void {
    entry.worked = true;
    if (entry.type === OrderType.TrailingStop && !entry.trailReady) {
      startTrail(entry, entry, price);
      entry.trailReady = true;
    }
  }

  /** Cancels an order, then its held children (which can no longer be activated). */
  private end(entry: BookOrder, reason: BookCancelReason, time: number): void {
    if (entry.closed) return;
    const children = entry.children.slice();
    this.detach(entry);
    this.emit({ kind: 'cancelled', order: entry.order, reason, remaining: entry.remaining, time });
    for (const child of children) this.end(child, BookCancelReason.ParentCancelled, time);
  }

  private detach(entry: BookOrder): void {
    entry.closed = true;
    this.orders.delete(entry.order.id);
    this.orders = freshIfEmpty(this.orders);
    if (entry.order.tif === 'DAY') this.dayOrders--;
    const symbol = this.symbols.get(entry.order.symbol)!;
    symbol.count--;
    if (entry.status === BookOrderStatus.Working) {
      this.liveTotal--;
      // The sweep in progress compacts its own list once it is done iterating it.
      if (symbol !== this.sweeping) removeFrom(symbol.live, entry);
    }
    if (entry.ocaKey !== undefined) {
      const group = this.ocaGroups.get(entry.ocaKey);
      if (group !== undefined) {
        removeFrom(group, entry);
        if (group.length === 0) {
          this.ocaGroups.delete(entry.ocaKey);
          this.ocaGroups = freshIfEmpty(this.ocaGroups);
        }
      }
    }
    if (entry.parent !== undefined) {
      removeFrom(entry.parent.children, entry);
      entry.parent = undefined;
    }
  }

  /** Shares one order may take from this bar. */
  private barCap(volume: number): number {
    if (this.maxParticipation === undefined) return Number.POSITIVE_INFINITY;
    if (!(volume > 0)) return 0;
    // The tolerance keeps e.g. 0.29 × 100 = 28.999999999999996 at 29.
    return Math.max(1, Math.floor(this.maxParticipation * volume + 1e-9));
  }

  private emit(event: BookEvent): void {
    (this.out ??= []).push(event);
  }

  private take(): readonly BookEvent[] {
    const out = this.out;
    this.out = undefined;
    return out ?? NO_EVENTS;
  }
}
