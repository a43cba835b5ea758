import { OrderSide } from '../../domain/order.js';

export type AccountType = 'cash' | 'margin';

/** Reg T style margin rates the paper account applies to stock positions. */
export const MARGIN_RATES = { long: 0.25, short: 0.3, buyingPowerMultiple: 4 } as const;

export interface PositionState {
  /** Signed shares: negative for a short position. */
  quantity: number;
  /** Average cost per share, commissions included (IB's convention). */
  averageCost: number;
  /** Realized P&L of the position since it was opened. */
  realizedPnl: number;
}

/** A sale's proceeds waiting for settlement. */
export interface PendingSettlement {
  readonly settleDay: number;
  readonly amount: number;
}

export interface AccountSnapshot {
  readonly accountId: string;
  readonly type: AccountType;
  readonly currency: string;
  readonly cash: number;
  readonly pending: readonly PendingSettlement[];
  readonly positions: readonly (PositionState & { readonly symbol: string })[];
  readonly realizedToday: number;
  readonly realizedDay: number;
}

/** The figures TWS reports for an account (reqAccountUpdates / reqAccountSummary keys). */
export interface AccountFigures {
  readonly netLiquidation: number;
  readonly totalCashValue: number;
  readonly settledCash: number;
  readonly grossPositionValue: number;
  readonly stockMarketValue: number;
  readonly equityWithLoanValue: number;
  readonly initMarginReq: number;
  readonly maintMarginReq: number;
  readonly availableFunds: number;
  readonly excessLiquidity: number;
  readonly buyingPower: number;
  readonly unrealizedPnl: number;
  readonly realizedPnl: number;
  readonly cushion: number;
  readonly leverage: number;
}

export interface FillEffect {
  /** Realized P&L of the shares this fill closed (commission included), or undefined for an opening fill. */
  readonly realizedPnl: number | undefined;
}

/**
 * The paper account's books: cash with T+N settlement of sale proceeds, signed positions at IB-style average cost
 * (commissions included), realized P&L. Prices for valuation are supplied by the caller.
 */
export class PaperAccount {
  readonly accountId: string;
  readonly type: AccountType;
  readonly currency: string;
  private cash: number;
  private pending: PendingSettlement[] = [];
  private readonly positions = new Map<string, PositionState>();
  private realizedToday = 0;
  private realizedDay = Number.NaN;

  constructor(accountId: string, type: AccountType, currency: string, initialCash: number) {
    this.accountId = accountId;
    this.type = type;
    this.currency = currency;
    this.cash = initialCash;
  }

  static restore(snapshot: AccountSnapshot): PaperAccount {
    const account = new PaperAccount(snapshot.accountId, snapshot.type, snapshot.currency, snapshot.cash);
    account.pending = snapshot.pending.map((p) => ({ ...p }));
    for (const p of snapshot.positions) {
      account.positions.set(p.symbol, { quantity: p.quantity, averageCost: p.averageCost, realizedPnl: p.realizedPnl });
    }
    account.realizedToday = snapshot.realizedToday;
    account.realizedDay = snapshot.realizedDay;
    return account;
  }

  snapshot(): AccountSnapshot {
    return {
      accountId: this.accountId,
      type: this.type,
      currency: this.currency,
      cash: this.cash,
      pending: this.pending.map((p) => ({ ...p })),
      positions: [...this.positions].map(([symbol, p]) => ({ symbol, ...p })),
      realizedToday: this.realizedToday,
      realizedDay: this.realizedDay,
    };
  }

  position(symbol: string): PositionState | undefined {
    return this.positions.get(symbol);
  }

  /** Symbols with a position (including ones closed to zero today, which TWS still lists). */
  positionSymbols(): string[] {
    return [...this.positions.keys()].sort();
  }

  /** Books one execution. `settleDay` is when a sale's proceeds settle (the trade day for T+0). */
  applyFill(
    symbol: string,
    side: OrderSide,
    quantity: number,
    price: number,
    commission: number,
    day: number,
    settleDay: number,
  ): FillEffect {
    const value = quantity * price;
    if (side === OrderSide.Buy) {
      this.cash -= value + commission;
    } else {
      this.cash += value - commission;
      if (settleDay > day) this.pending.push({ settleDay, amount: value - commission });
    }
    const signed = side === OrderSide.Buy ? quantity : -quantity;
    const position = this.positions.get(symbol) ?? { quantity: 0, averageCost: 0, realizedPnl: 0 };
    this.positions.set(symbol, position);
    const before = position.quantity;
    let realized: number | undefined;
    if (before === 0 || Math.sign(before) === Math.sign(signed)) {
      // Opening or adding: cost basis includes the commission (a short's basis is net proceeds).
      const basis = side === OrderSide.Buy ? value + commission : value - commission;
      position.averageCost = (position.averageCost * Math.abs(before) + basis) / (Math.abs(before) + quantity);
      position.quantity = before + signed;
    } else {
      const closing = Math.min(quantity, Math.abs(before));
      const opening = quantity - closing;
      const closingCommission = (commission * closing) / quantity;
      const perShare = before > 0 ? price - position.averageCost : position.averageCost - price;
      realized = perShare * closing - closingCommission;
      position.realizedPnl += realized;
      this.addRealized(realized, day);
      position.quantity = before + (before > 0 ? -closing : closing);
      if (opening > 0) {
        const openingCommission = commission - closingCommission;
        const basis =
          side === OrderSide.Buy ? opening * price + openingCommission : opening * price - openingCommission;
        position.averageCost = basis / opening;
        position.quantity = signed > 0 ? opening : -opening;
      } else if (position.quantity === 0) {
        position.averageCost = 0;
      }
    }
    return { realizedPnl: realized };
  }

  /** Cash whose settlement date has come by `day`. */
  settledCash(day: number): number {
    let unsettled = 0;
    for (const p of this.pending) if (p.settleDay > day) unsettled += p.amount;
    return this.cash - unsettled;
  }

  /** Drops settlements that are done (keeps the snapshot small). */
  settle(day: number): void {
    if (this.pending.some((p) => p.settleDay <= day)) this.pending = this.pending.filter((p) => p.settleDay > day);
  }

  figures(day: number, priceOf: (symbol: string) => number): AccountFigures {
    let longValue = 0;
    let shortValue = 0;
    let unrealized = 0;
    for (const [symbol, p] of this.positions) {
      if (p.quantity === 0) continue;
      const price = priceOf(symbol);
      const value = p.quantity * price;
      if (value >= 0) longValue += value;
      else shortValue -= value;
      unrealized += (price - p.averageCost) * p.quantity;
    }
    const netLiquidation = this.cash + longValue - shortValue;
    const settledCash = this.settledCash(day);
    const gross = longValue + shortValue;
    const margin = this.type === 'margin';
    const initMargin = margin ? MARGIN_RATES.long * longValue + MARGIN_RATES.short * shortValue : longValue;
    const maintMargin = initMargin;
    const equityWithLoan = netLiquidation;
    const availableFunds = margin ? equityWithLoan - initMargin : settledCash;
    const excessLiquidity = equityWithLoan - maintMargin;
    return {
      netLiquidation,
      totalCashValue: this.cash,
      settledCash,
      grossPositionValue: gross,
      stockMarketValue: longValue - shortValue,
      equityWithLoanValue: equityWithLoan,
      initMarginReq: initMargin,
      maintMarginReq: maintMargin,
      availableFunds,
      excessLiquidity,
      buyingPower: margin ? Math.max(0, availableFunds) * MARGIN_RATES.buyingPowerMultiple : Math.max(0, settledCash),
      unrealizedPnl: unrealized,
      realizedPnl: this.realizedDay === day ? this.realizedToday : 0,
      cushion: netLiquidation > 0 ? excessLiquidity / netLiquidation : 0,
      leverage: netLiquidation > 0 ? gross / netLiquidation : 0,
    };
  }

  private addRealized(amount: number, day: number): void {
    if (this.realizedDay !== day) {
      this.realizedDay = day;
      this.realizedToday = 0;
    }
    this.realizedToday += amount;
  }
}
