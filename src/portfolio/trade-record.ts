/**
 * One closed (part of a) position: produced by every fill that reduces a position.
 *
 * `quantity` is signed like the position it closed (positive for a long, negative for a short), so that
 * `pnl = (exitPrice − entryPrice) × quantity − commission` holds for both directions. `entryPrice` is the position's
 * average cost, `entryTime` when the position was opened, and `commission` the closed share of the entry
 * commissions plus this exit's commission.
 */
export interface TradeRecord {
  readonly symbol: string;
  readonly entryTime: number;
  readonly entryPrice: number;
  readonly exitTime: number;
  readonly exitPrice: number;
  readonly quantity: number;
  readonly pnl: number;
  readonly commission: number;
}

/**
 * What a trade takes of a correction to the commission of the fill that closed it: the share of the fill's quantity
 * it closed, as the portfolio splits an exit's commission.
 */
export function closedShare(correction: number, tradeQuantity: number, fillQuantity: number): number {
  return (correction * Math.abs(tradeQuantity)) / fillQuantity;
}
