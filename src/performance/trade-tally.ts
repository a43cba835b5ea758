import type { TradeRecord } from '../portfolio/trade-record.js';

/** The position of a symbol whose closing fills the tally is summing: opened at `entryTime`, `pnl` so far. */
interface RoundTrip {
  entryTime: number;
  pnl: number;
}

/**
 * What the metrics need of the closed trades, summed as they close: a run then keeps no list of its trades, which
 * would grow with their number. Sums are taken in closing order, so they equal a pass over the list.
 *
 * A trade is a round trip: the closing fills of one position (the rows of `trades.csv` with its symbol and entry
 * time) count once, with their summed pnl, however many executions it took. TWS reports a large order in pieces, and
 * counting each piece as a trade turned one stop-out in thirty fills into thirty losing trades. A position closed in
 * one fill — every backtest's — takes the same path as before, so its figures are unchanged to the last bit.
 */
export class TradeTally {
  count = 0;
  wins = 0;
  losses = 0;
  grossProfit = 0;
  /** Positive: the sum of the losers' −pnl. */
  grossLoss = 0;
  private readonly latest = new Map<string, RoundTrip>();

  add(trade: TradeRecord): void {
    const trip = this.latest.get(trade.symbol);
    if (trip !== undefined && trip.entryTime === trade.entryTime) {
      // Another piece of the same position: its round trip is counted again, with the sum.
      this.tally(trip.pnl, -1);
      trip.pnl += trade.pnl;
      this.tally(trip.pnl, 1);
      return;
    }
    if (trip === undefined) this.latest.set(trade.symbol, { entryTime: trade.entryTime, pnl: trade.pnl });
    else {
      trip.entryTime = trade.entryTime;
      trip.pnl = trade.pnl;
    }
    this.count++;
    this.tally(trade.pnl, 1);
  }

  /** Adds (`sign` 1) or takes back (−1) a round trip's pnl. */
  private tally(pnl: number, sign: 1 | -1): void {
    if (pnl > 0) {
      this.wins += sign;
      this.grossProfit += sign * pnl;
    } else if (pnl < 0) {
      this.losses += sign;
      this.grossLoss -= sign * pnl;
    }
  }

  static of(trades: readonly TradeRecord[]): TradeTally {
    const tally = new TradeTally();
    for (const trade of trades) tally.add(trade);
    return tally;
  }
}
