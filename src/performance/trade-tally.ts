import type { TradeRecord } from '../portfolio/trade-record.js';

/**
 * What the metrics need of the closed trades, summed as they close: a run then keeps no list of its trades, which
 * would grow with their number. Sums are taken in closing order, so they equal a pass over the list.
 */
export class TradeTally {
  count = 0;
  wins = 0;
  losses = 0;
  grossProfit = 0;
  /** Positive: the sum of the losers' −pnl. */
  grossLoss = 0;

  add(trade: TradeRecord): void {
    const pnl = trade.pnl;
    this.count++;
    if (pnl > 0) {
      this.wins++;
      this.grossProfit += pnl;
    } else if (pnl < 0) {
      this.losses++;
      this.grossLoss -= pnl;
    }
  }

  static of(trades: readonly TradeRecord[]): TradeTally {
    const tally = new TradeTally();
    for (const trade of trades) tally.add(trade);
    return tally;
  }
}
