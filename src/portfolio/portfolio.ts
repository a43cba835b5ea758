import { sideSign, type OrderSide } from '../domain/order.js';
import type { Fill } from '../domain/fill.js';
import type { AccountView, PositionSnapshot } from './account-view.js';
import { CashLedger } from './cash-ledger.js';
import type { TradeRecord } from './trade-record.js';

export interface PortfolioOptions {
  readonly initialCash: number;
  /** Sessions until sale proceeds settle (US equities: 1). */
  readonly settlementDays: number;
  /** Keep every closed trade for `trades` (default); false when they are streamed elsewhere (`applyFill` returns them). */
  readonly keepTrades?: boolean;
}

/** Mutable per-symbol state; one object per symbol for the whole run, so marking prices never allocates. */
interface PositionState {
  readonly symbol: string;
  quantity: number;
  averageCost: number;
  lastPrice: number;
  openedAt: number;
  realisedPnl: number;
  /** Entry commissions not yet attributed to a closed trade. */
  entryCommission: number;
  /**
   * The execution that opened the position by closing the opposite one and going past it, and the share of its
   * quantity it opened (none otherwise): a correction of its commission is the position's for that share only.
   */
  flip: PositionFlip | undefined;
}

const NO_TRADES: readonly TradeRecord[] = Object.freeze([]);

/** Where a position held came from: when it was opened and the entry commissions of the shares held. */
export interface PositionLot {
  readonly openedAt: number;
  readonly entryCommission: number;
  /** The execution that opened it by a flip, and the share of that execution's quantity it opened. */
  readonly flip?: PositionFlip;
}

export interface PositionFlip {
  readonly execId: string;
  readonly share: number;
}

/**
 * Cash, positions and P&L of one account, updated only from fills and price marks. Average-cost accounting: adding
 * to a position re-averages the cost, reducing it leaves the cost unchanged and realises (exit − cost) × shares,
 * and a position that goes flat or flips starts afresh at the fill price.
 *
 * Aggregates (positions value, gross value, cost basis) are kept incrementally so that `equity` and `markPrice` are
 * O(1); they are recomputed from the positions at each session start so that rounding cannot drift over long runs.
 */
export class Portfolio implements AccountView {
  readonly initialCash: number;
  private readonly ledger: CashLedger;
  private readonly states = new Map<string, PositionState>();
  /** The same states in the order the symbols were first seen: walked at every session start without an iterator. */
  private readonly stateList: PositionState[] = [];
  private readonly closed: TradeRecord[] = [];
  private valueSum = 0;
  private grossSum = 0;
  private costBasisSum = 0;
  private realisedSum = 0;
  private commissionSum = 0;
  private openCount = 0;
  private readonly keepTrades: boolean;

  constructor(options: PortfolioOptions) {
    this.initialCash = options.initialCash;
    this.keepTrades = options.keepTrades ?? true;
    this.ledger = new CashLedger(options.initialCash, options.settlementDays);
  }

  get cash(): number {
    return this.ledger.cash;
  }

  get settledCash(): number {
    return this.ledger.settledCash;
  }

  get unsettledCash(): number {
    return this.ledger.unsettledCash;
  }

  get positionsValue(): number {
    return this.valueSum;
  }

  get grossPositionsValue(): number {
    return this.grossSum;
  }

  get equity(): number {
    return this.ledger.cash + this.valueSum;
  }

  get openPositionCount(): number {
    return this.openCount;
  }

  /** Realised P&L before commissions, summed over all symbols. */
  get realisedPnl(): number {
    return this.realisedSum;
  }

  /** Σ quantity × (last price − average cost) over open positions. */
  get unrealisedPnl(): number {
    return this.valueSum - this.costBasisSum;
  }

  /** All commissions paid, entries and exits. */
  get commissions(): number {
    return this.commissionSum;
  }

  /** Every trade closed so far, oldest first (none when built with `keepTrades: false`). */
  get trades(): readonly TradeRecord[] {
    return this.closed;
  }

  /** The current session date (days since epoch); NaN before the first session. */
  get sessionDay(): number {
    return this.ledger.day;
  }

  /** Begins the session of `day` (`dayNumber` of the first bar of a new date): settles the proceeds due. */
  startSession(day: number): void {
    this.ledger.startSession(day);
    this.recomputeAggregates();
  }

  /** Records the latest price of a symbol; called on every bar, so O(1) and allocation-free once a symbol is known. */
  markPrice(symbol: string, price: number): void {
    // A NaN or non-positive price (a bad data row) would poison equity for the rest of the run.
    if (!(price > 0) || price === Number.POSITIVE_INFINITY) return;
    const state = this.states.get(symbol);
    if (state === undefined) {
      this.addState(newState(symbol, price));
      return;
    }
    const quantity = state.quantity;
    if (quantity !== 0) {
      const delta = price - state.lastPrice;
      this.valueSum += quantity * delta;
      this.grossSum += (quantity > 0 ? quantity : -quantity) * delta;
    }
    state.lastPrice = price;
  }

  /** Books a fill into cash and positions; returns the trades it closed (an empty shared array when none). */
  applyFill(fill: Fill): readonly TradeRecord[] {
    const { quantity, price, commission } = fill;
    if (!(quantity > 0) || !Number.isFinite(quantity)) {
      throw new RangeError(`fill ${fill.execId}: quantity must be positive, got ${quantity}`);
    }
    if (!(price > 0) || !Number.isFinite(price)) {
      throw new RangeError(`fill ${fill.execId}: price must be positive, got ${price}`);
    }
    const sign = sideSign(fill.side);
    const value = quantity * price;
    // A sale's commission comes out of its proceeds, which settle together (as IB books them); a purchase pays both,
    // and so does a sale for whatever of its commission the proceeds do not cover.
    if (sign > 0) this.ledger.pay(value + commission);
    else if (value >= commission) this.ledger.receiveSaleProceeds(value - commission);
    else this.ledger.pay(commission - value);
    this.commissionSum += commission;

    let state = this.states.get(fill.symbol);
    if (state === undefined) {
      state = newState(fill.symbol, price);
      this.addState(state);
    }
    const oldQuantity = state.quantity;
    const oldValue = oldQuantity * state.lastPrice;
    const oldGross = Math.abs(oldValue);
    const oldCost = oldQuantity === 0 ? 0 : oldQuantity * state.averageCost;

    let produced: TradeRecord[] | undefined;
    if (oldQuantity === 0 || Math.sign(oldQuantity) === sign) {
      this.addToPosition(state, sign * quantity, price, commission, fill.time);
    } else {
      const held = Math.abs(oldQuantity);
      const closing = Math.min(quantity, held);
      const exitCommission = (commission * closing) / quantity;
      const entryCommission = (state.entryCommission * closing) / held;
      const tradeCommission = entryCommission + exitCommission;
      const signedClosed = closing * -sign;
      const gross = (price - state.averageCost) * signedClosed;
      const trade: TradeRecord = {
        symbol: fill.symbol,
        entryTime: state.openedAt,
        entryPrice: state.averageCost,
        exitTime: fill.time,
        exitPrice: price,
        quantity: signedClosed,
        pnl: gross - tradeCommission,
        commission: tradeCommission,
      };
      produced = [trade];
      if (this.keepTrades) this.closed.push(trade);
      state.realisedPnl += gross;
      this.realisedSum += gross;
      state.entryCommission -= entryCommission;
      state.quantity = oldQuantity + sign * closing;
      if (state.quantity === 0) {
        this.resetFlat(state);
        this.openCount--;
      }
      const flipped = quantity - closing;
      if (flipped > 0) {
        this.addToPosition(state, sign * flipped, price, commission - exitCommission, fill.time);
        state.flip = { execId: fill.execId, share: flipped / quantity };
      }
    }

    state.lastPrice = price;
    const newValue = state.quantity * price;
    this.valueSum += newValue - oldValue;
    this.grossSum += Math.abs(newValue) - oldGross;
    this.costBasisSum += (state.quantity === 0 ? 0 : state.quantity * state.averageCost) - oldCost;
    return produced ?? NO_TRADES;
  }

  /**
   * A fill's commission (the fill at `fillTime`) turned out `delta` more (or, negative, less) than it was booked with:
   * paid from (refunded to) settled cash, and counted in the commissions. While the position the fill opened or added
   * to is still held, the entry commission of its shares takes the difference, so the trade that closes them carries
   * it (of a fill that also closed the opposite position, the share of its quantity that opened this one: the rest
   * is the closed trade's), and this returns true; once that position has closed (even if another has opened since)
   * it returns false and the trades that closed it are the caller's to correct (`correctionShares`).
   */
  correctCommission(symbol: string, side: OrderSide, delta: number, fillTime: number, execId: string): boolean {
    this.ledger.pay(delta);
    this.commissionSum += delta;
    const state = this.states.get(symbol);
    const held =
      state !== undefined &&
      state.quantity !== 0 &&
      Math.sign(state.quantity) === sideSign(side) &&
      !(state.openedAt > fillTime);
    if (held) state.entryCommission += state.flip?.execId === execId ? delta * state.flip.share : delta;
    return held;
  }

  /**
   * Takes the broker's cash as the truth (live startup and reconciliation); nothing else changes. Equity moves by
   * the difference, which is what a reconciliation means.
   */
  setCash(cash: number, settledCash: number): void {
    this.ledger.reset(cash, settledCash);
  }

  /**
   * Takes the broker's position in a symbol as the truth (live startup and reconciliation): quantity and average
   * cost, marked at `price` (the broker's mark, else the last price known). Cash is not touched and no trade is
   * recorded: the position did not come from a fill this portfolio saw; a trade that later closes it counts from
   * `time` with no entry commission, unless `lot` says when it was opened and what its entry cost (a position a
   * restarted session takes from its journal).
   */
  setPosition(
    symbol: string,
    quantity: number,
    averageCost: number,
    price: number,
    time: number,
    lot?: PositionLot,
  ): void {
    let state = this.states.get(symbol);
    if (state === undefined) {
      state = newState(symbol, price > 0 ? price : averageCost);
      this.addState(state);
    } else if (price > 0) {
      state.lastPrice = price;
    }
    if (state.quantity === 0 && quantity !== 0) {
      this.openCount++;
      state.openedAt = time;
      state.entryCommission = 0;
      state.flip = undefined;
    } else if (state.quantity !== 0 && quantity === 0) {
      this.openCount--;
      this.resetFlat(state);
    }
    state.quantity = quantity;
    if (quantity !== 0) state.averageCost = averageCost;
    if (quantity !== 0 && lot !== undefined) {
      state.openedAt = lot.openedAt;
      state.entryCommission = lot.entryCommission;
      state.flip = lot.flip;
    }
    this.recomputeAggregates();
  }

  quantity(symbol: string): number {
    return this.states.get(symbol)?.quantity ?? 0;
  }

  /** NaN when flat. */
  averageCost(symbol: string): number {
    const state = this.states.get(symbol);
    return state !== undefined && state.quantity !== 0 ? state.averageCost : Number.NaN;
  }

  /** The execution that opened the symbol's position by a flip, and the share of it that did (see PositionState). */
  flipOf(symbol: string): PositionFlip | undefined {
    const state = this.states.get(symbol);
    return state === undefined || state.quantity === 0 ? undefined : state.flip;
  }

  /** NaN before the symbol was first marked or filled. */
  lastPrice(symbol: string): number {
    return this.states.get(symbol)?.lastPrice ?? Number.NaN;
  }

  positionValue(symbol: string): number {
    const state = this.states.get(symbol);
    return state === undefined || state.quantity === 0 ? 0 : state.quantity * state.lastPrice;
  }

  position(symbol: string): PositionSnapshot | undefined {
    const state = this.states.get(symbol);
    return state === undefined ? undefined : snapshot(state);
  }

  /** Copies of the open positions, in the order the symbols were first seen. */
  openPositions(): PositionSnapshot[] {
    const out: PositionSnapshot[] = [];
    for (const state of this.stateList) if (state.quantity !== 0) out.push(snapshot(state));
    return out;
  }

  private addState(state: PositionState): void {
    this.states.set(state.symbol, state);
    this.stateList.push(state);
  }

  private addToPosition(
    state: PositionState,
    signedQuantity: number,
    price: number,
    commission: number,
    time: number,
  ): void {
    const held = Math.abs(state.quantity);
    if (held === 0) {
      state.averageCost = price;
      state.openedAt = time;
      state.entryCommission = 0;
      state.flip = undefined;
      this.openCount++;
    } else {
      const added = Math.abs(signedQuantity);
      state.averageCost = (held * state.averageCost + added * price) / (held + added);
    }
    state.quantity += signedQuantity;
    state.entryCommission += commission;
  }

  private resetFlat(state: PositionState): void {
    state.averageCost = Number.NaN;
    state.openedAt = Number.NaN;
    state.entryCommission = 0;
  }

  private recomputeAggregates(): void {
    let value = 0;
    let gross = 0;
    let cost = 0;
    const states = this.stateList;
    for (let i = 0; i < states.length; i++) {
      const state = states[i]!;
      if (state.quantity === 0) continue;
      const v = state.quantity * state.lastPrice;
      value += v;
      gross += Math.abs(v);
      cost += state.quantity * state.averageCost;
    }
    this.valueSum = value;
    this.grossSum = gross;
    this.costBasisSum = cost;
  }
}

function newState(symbol: string, price: number): PositionState {
  return {
    symbol,
    quantity: 0,
    averageCost: Number.NaN,
    lastPrice: price,
    openedAt: Number.NaN,
    realisedPnl: 0,
    entryCommission: 0,
    flip: undefined,
  };
}

function snapshot(state: PositionState): PositionSnapshot {
  return {
    symbol: state.symbol,
    quantity: state.quantity,
    averageCost: state.quantity === 0 ? Number.NaN : state.averageCost,
    lastPrice: state.lastPrice,
    openedAt: state.openedAt,
    entryCommission: state.entryCommission,
    realisedPnl: state.realisedPnl,
    unrealisedPnl: state.quantity === 0 ? 0 : state.quantity * (state.lastPrice - state.averageCost),
  };
}
