import type { Bar } from '../domain/bar.js';
import { OrderSide, OrderType, type OrderRequest } from '../domain/order.js';

/**
 * How a working order executes inside one bar, shared by the backtest's simulated execution and the embedded
 * gateway's broker so that both produce the same fills from the same bars.
 *
 * A bar is replayed along a deterministic intrabar path of four prices: open, the first extreme, the second
 * extreme, close. Between two consecutive path prices the price moves monotonically (a "stretch"), so every
 * trigger, limit and trailing update can be decided exactly per stretch.
 */

/**
 * The bar's assumed path. An up bar (close ≥ open) is assumed to have dipped first (O → L → H → C), a down bar to
 * have rallied first (O → H → L → C): the extreme nearer to the open comes first in most bars, and a fixed rule
 * keeps results reproducible.
 */
export function fillIntrabarPath(bar: Bar, out: Float64Array): void {
  out[0] = bar.open;
  if (bar.close >= bar.open) {
    out[1] = bar.low;
    out[2] = bar.high;
  } else {
    out[1] = bar.high;
    out[2] = bar.low;
  }
  out[3] = bar.close;
}

export function intrabarPath(bar: Bar): readonly [number, number, number, number] {
  const path = new Float64Array(4);
  fillIntrabarPath(bar, path);
  return [path[0]!, path[1]!, path[2]!, path[3]!];
}

/** Price increment: USD 0.01 at or above USD 1, 0.0001 below. */
export function tickSize(price: number): number {
  return price >= 1 ? 0.01 : 0.0001;
}

/**
 * Rounds to the tick against the trader: buys up, sells down. The tolerance absorbs binary noise such as
 * 10.01 × 100 = 1000.9999999999999 so that a price already on the tick stays put.
 */
export function roundToTickAdverse(price: number, side: OrderSide): number {
  const ticksPerUnit = price >= 1 ? 100 : 10_000;
  const scaled = price * ticksPerUnit;
  const ticks = side === OrderSide.Buy ? Math.ceil(scaled - 1e-6) : Math.floor(scaled + 1e-6);
  return ticks / ticksPerUnit;
}

/**
 * Adverse slippage in basis points, then adverse tick rounding. Zero slippage returns the price untouched so that
 * fills equal raw bar prices (regression runs compare with other engines on unrounded prices).
 */
export function slippedPrice(price: number, side: OrderSide, slippageBps: number): number {
  if (slippageBps === 0) return price;
  const factor = side === OrderSide.Buy ? 1 + slippageBps / 10_000 : 1 - slippageBps / 10_000;
  return roundToTickAdverse(price * factor, side);
}

/**
 * An order's matching terms in one fixed shape (absent prices as NaN). Matching reads them on every bar an order
 * works, and orders built with different optional fields would otherwise make those reads polymorphic.
 */
export interface OrderTerms {
  readonly type: OrderType;
  readonly buy: boolean;
  /** LMT, STP LMT. */
  readonly limitPrice: number;
  /** STP, STP LMT; TRAIL: the optional initial stop. */
  readonly stopPrice: number;
  /** TRAIL by amount. */
  readonly trailAmount: number;
  /** TRAIL by percent. */
  readonly trailPercent: number;
}

export function termsOf(order: OrderRequest): OrderTerms {
  return {
    type: order.type,
    buy: order.side === OrderSide.Buy,
    limitPrice: order.limitPrice ?? Number.NaN,
    stopPrice: order.stopPrice ?? Number.NaN,
    trailAmount: order.trailAmount ?? Number.NaN,
    trailPercent: order.trailPercent ?? Number.NaN,
  };
}

/** What a working order remembers between stretches and bars. */
export interface TriggerState {
  /** STP, STP LMT, TRAIL: the stop has been touched. A touched stop executes as a market order from then on. */
  triggered: boolean;
  /** TRAIL: best price since the order started working (the high for sells, the low for buys). */
  trailBest: number;
  /** TRAIL: the current stop. */
  trailStop: number;
}

/** Where on a stretch an order executes. */
export interface StretchHit {
  /** Path price at the moment of execution; orders executing earlier on the path have levels met earlier. */
  level: number;
  /** Execution price before slippage. */
  price: number;
  /** Market-like execution (market order, triggered stop or trailing stop) that takes slippage. */
  slips: boolean;
}

export function createStretchHit(): StretchHit {
  return { level: Number.NaN, price: Number.NaN, slips: false };
}

/** The stop a trailing order would have with `best` as its best price. */
export function trailStopFrom(terms: OrderTerms, best: number): number {
  const amount = terms.trailAmount;
  if (!Number.isNaN(amount)) return terms.buy ? best + amount : best - amount;
  const fraction = terms.trailPercent / 100;
  return terms.buy ? best * (1 + fraction) : best * (1 - fraction);
}

/**
 * Starts a trailing order at `price`. An initial stopPrice holds until the price makes a new best beyond the
 * starting price; from then on the stop follows the best price (and never moves back).
 */
export function startTrail(terms: OrderTerms, state: TriggerState, price: number): void {
  state.trailBest = price;
  state.trailStop = Number.isNaN(terms.stopPrice) ? trailStopFrom(terms, price) : terms.stopPrice;
}

/** Level at which a stop is touched on the stretch start → end, or NaN. Already beyond at the start: the start. */
function stopTouch(buy: boolean, stop: number, start: number, end: number): number {
  if (buy ? start >= stop : start <= stop) return start;
  if (buy ? end >= stop : end <= stop) return stop;
  return Number.NaN;
}

/** A limit working over start → end: marketable at the start fills there (at a better price), else at the limit. */
function limitHit(buy: boolean, limit: number, start: number, end: number, out: StretchHit): boolean {
  if (buy ? start <= limit : start >= limit) {
    out.level = start;
    out.price = start;
    out.slips = false;
    return true;
  }
  if (buy ? end <= limit : end >= limit) {
    out.level = limit;
    out.price = limit;
    out.slips = false;
    return true;
  }
  return false;
}

function marketHit(level: number, out: StretchHit): true {
  out.level = level;
  out.price = level;
  out.slips = true;
  return true;
}

/** The trailing stop after the price has been at `price` (a gap at the open moves the best price too). */
function trailStopAt(terms: OrderTerms, state: Readonly<TriggerState>, price: number): number {
  const buy = terms.buy;
  if (buy ? price >= state.trailBest : price <= state.trailBest) return state.trailStop;
  const candidate = trailStopFrom(terms, price);
  return (buy ? candidate < state.trailStop : candidate > state.trailStop) ? candidate : state.trailStop;
}

function ratchetTrail(terms: OrderTerms, state: TriggerState, price: number): void {
  const stop = trailStopAt(terms, state, price);
  if (terms.buy ? price < state.trailBest : price > state.trailBest) state.trailBest = price;
  state.trailStop = stop;
}

function stopHit(buy: boolean, stop: number, start: number, end: number, out: StretchHit): boolean {
  const level = stopTouch(buy, stop, start, end);
  return Number.isNaN(level) ? false : marketHit(level, out);
}

/**
 * Whether an order executes while the price moves monotonically from `start` to `end`, and where (written to
 * `out`). Pure: the state is only read. A trailing stop cannot be touched while the price moves away from it, so
 * within a stretch its stop is the one it has at the stretch's start.
 */
export function evaluateStretch(
  terms: OrderTerms,
  state: Readonly<TriggerState>,
  start: number,
  end: number,
  out: StretchHit,
): boolean {
  const buy = terms.buy;
  switch (terms.type) {
    case OrderType.Market:
      return marketHit(start, out);
    case OrderType.Limit:
      return limitHit(buy, terms.limitPrice, start, end, out);
    case OrderType.Stop:
      return state.triggered ? marketHit(start, out) : stopHit(buy, terms.stopPrice, start, end, out);
    case OrderType.TrailingStop:
      return state.triggered ? marketHit(start, out) : stopHit(buy, trailStopAt(terms, state, start), start, end, out);
    case OrderType.StopLimit: {
      if (state.triggered) return limitHit(buy, terms.limitPrice, start, end, out);
      const trigger = stopTouch(buy, terms.stopPrice, start, end);
      return Number.isNaN(trigger) ? false : limitHit(buy, terms.limitPrice, trigger, end, out);
    }
  }
}

/**
 * Carries the order's state across a stretch it has traversed without executing (or after a partial execution):
 * stops that were touched become triggered, trailing stops ratchet to the stretch's best price.
 */
export function advanceStretch(terms: OrderTerms, state: TriggerState, start: number, end: number): void {
  if (state.triggered) return;
  switch (terms.type) {
    case OrderType.Market:
    case OrderType.Limit:
      return;
    case OrderType.Stop:
    case OrderType.StopLimit:
      if (!Number.isNaN(stopTouch(terms.buy, terms.stopPrice, start, end))) state.triggered = true;
      return;
    case OrderType.TrailingStop:
      ratchetTrail(terms, state, start);
      if (!Number.isNaN(stopTouch(terms.buy, state.trailStop, start, end))) {
        state.triggered = true;
        return;
      }
      ratchetTrail(terms, state, end);
      return;
  }
}

/**
 * Whether an order could execute or change state, other than its trailing ratchet, in a bar spanning [low, high].
 * False is certain: a bar that leaves every working order quiet can skip the path replay (the common case of a
 * protective stop far from the price), and `ratchetTrailWithin` then brings trailing stops up to date exactly as
 * the replay would, since a trailing stop's final level depends only on the bar's best price.
 */
export function mayActWithin(terms: OrderTerms, state: Readonly<TriggerState>, low: number, high: number): boolean {
  const buy = terms.buy;
  switch (terms.type) {
    case OrderType.Market:
      return true;
    case OrderType.Limit:
      return buy ? low <= terms.limitPrice : high >= terms.limitPrice;
    case OrderType.Stop:
      return state.triggered || (buy ? high >= terms.stopPrice : low <= terms.stopPrice);
    case OrderType.StopLimit:
      if (state.triggered) return buy ? low <= terms.limitPrice : high >= terms.limitPrice;
      return buy ? high >= terms.stopPrice : low <= terms.stopPrice;
    case OrderType.TrailingStop:
      if (state.triggered) return true;
      // The stop only ever reaches its level after the bar's best price; if even that is not touched, none is.
      return buy ? high >= trailStopAt(terms, state, low) : low <= trailStopAt(terms, state, high);
  }
}

/** The trailing ratchet of a bar in which `mayActWithin` is false for the order. */
export function ratchetTrailWithin(terms: OrderTerms, state: TriggerState, low: number, high: number): void {
  if (terms.type !== OrderType.TrailingStop || state.triggered) return;
  ratchetTrail(terms, state, terms.buy ? low : high);
}

/** Bar extremes an order reacts to: it stays quiet (no execution, trigger or ratchet) while low > below and high < above. */
export interface QuietBand {
  below: number;
  above: number;
}

/** Narrows `band` so that it also keeps `terms` quiet. A market order or a triggered stop is never quiet. */
export function narrowQuietBand(terms: OrderTerms, state: Readonly<TriggerState>, band: QuietBand): void {
  let below = Number.NEGATIVE_INFINITY;
  let above = Number.POSITIVE_INFINITY;
  switch (terms.type) {
    case OrderType.Market:
      below = Number.POSITIVE_INFINITY;
      break;
    case OrderType.Limit:
      if (terms.buy) below = terms.limitPrice;
      else above = terms.limitPrice;
      break;
    case OrderType.Stop:
    case OrderType.StopLimit:
      if (state.triggered && terms.type === OrderType.Stop) below = Number.POSITIVE_INFINITY;
      else if (state.triggered) {
        if (terms.buy) below = terms.limitPrice;
        else above = terms.limitPrice;
      } else if (terms.buy) above = terms.stopPrice;
      else below = terms.stopPrice;
      break;
    case OrderType.TrailingStop:
      // Quiet also means no new best price, which would move the stop.
      if (state.triggered) below = Number.POSITIVE_INFINITY;
      else if (terms.buy) {
        above = state.trailStop;
        below = state.trailBest;
      } else {
        below = state.trailStop;
        above = state.trailBest;
      }
      break;
  }
  if (below > band.below) band.below = below;
  if (above < band.above) band.above = above;
}
