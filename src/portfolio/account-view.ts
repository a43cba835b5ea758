import type { PositionView } from '../domain/position-view.js';

/** The read-only account state that risk rules and the equity curve use; every member is O(1). */
export interface AccountView extends PositionView {
  readonly equity: number;
  readonly cash: number;
  readonly settledCash: number;
  /** Σ quantity × last price (shorts count negative). */
  readonly positionsValue: number;
  /** Σ |quantity| × last price: the gross exposure. */
  readonly grossPositionsValue: number;
  readonly openPositionCount: number;
  /** quantity × last price of one symbol; 0 when flat. */
  positionValue(symbol: string): number;
  /** The symbol's last price: its latest bar's close (or fill); NaN before the symbol was first marked or filled. */
  lastPrice(symbol: string): number;
}

/** A copy of one position's state, for reports and logs. */
export interface PositionSnapshot {
  readonly symbol: string;
  readonly quantity: number;
  /** NaN when flat. */
  readonly averageCost: number;
  readonly lastPrice: number;
  /** When the position was opened (NaN when flat). */
  readonly openedAt: number;
  /** The entry commissions of the shares held, not yet attributed to a closed trade. */
  readonly entryCommission: number;
  readonly realisedPnl: number;
  readonly unrealisedPnl: number;
}
