import { sideSign, type OrderSide } from '../domain/order.js';

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
function closedShare(correction: number, tradeQuantity: number, fillQuantity: number): number {
  return (correction * Math.abs(tradeQuantity)) / fillQuantity;
}

/**
 * Where a correction to the commission of a fill goes among closed trades: the trade the fill closed (at `closedAt`,
 * if any) takes the share of the fill's quantity it closed; the rest, the shares the fill opened, goes to the trades
 * that closed their position once that has closed (`held` false: the open position did not take it).
 */
export function correctionShares(
  trades: readonly TradeSpan[],
  closedAt: number | undefined,
  fill: { readonly symbol: string; readonly side: OrderSide; readonly time: number; readonly quantity: number },
  correction: number,
  held: boolean,
): { index: number; share: number }[] {
  const closedQuantity = closedAt === undefined ? 0 : Math.abs(trades[closedAt]!.quantity);
  const closing = closedShare(correction, closedQuantity, fill.quantity);
  const shares = closedAt === undefined ? [] : [{ index: closedAt, share: closing }];
  if (!held && closedQuantity < fill.quantity) shares.push(...positionShares(trades, fill, correction - closing));
  return shares;
}

/** A closed trade as `positionShares` reads it. */
export type TradeSpan = Pick<TradeRecord, 'symbol' | 'entryTime' | 'exitTime' | 'quantity'>;

/**
 * Where a correction to the commission of a fill that opened or added to a position goes once that position has
 * closed: to the trades that closed it after the fill, in proportion to the shares each closed — as the entry
 * commissions pooled in the position would have gone had the fill been booked with its commission. The position is
 * the fill's symbol and direction with the latest entry time at or before the fill (a trade's entry time is when its
 * position opened). Returns each such trade's place in `trades` and its share; none when no trade closed it.
 */
export function positionShares(
  trades: readonly TradeSpan[],
  fill: { readonly symbol: string; readonly side: OrderSide; readonly time: number },
  correction: number,
): { index: number; share: number }[] {
  const direction = sideSign(fill.side);
  const after = (t: TradeSpan) =>
    t.symbol === fill.symbol &&
    Math.sign(t.quantity) === direction &&
    t.entryTime <= fill.time &&
    t.exitTime >= fill.time;
  let opened = Number.NEGATIVE_INFINITY;
  for (const trade of trades) if (after(trade) && trade.entryTime > opened) opened = trade.entryTime;
  const closing: number[] = [];
  let shares = 0;
  trades.forEach((trade, index) => {
    if (!after(trade) || trade.entryTime !== opened) return;
    closing.push(index);
    shares += Math.abs(trade.quantity);
  });
  return closing.map((index) => ({ index, share: (correction * Math.abs(trades[index]!.quantity)) / shares }));
}
