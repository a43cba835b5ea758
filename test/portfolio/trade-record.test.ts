import { describe, expect, it } from 'vitest';
import { positionShares, type TradeSpan } from '../../src/portfolio/trade-record.js';

const trade = (entryTime: number, exitTime: number, quantity: number, symbol = 'X'): TradeSpan => ({
  symbol,
  entryTime,
  exitTime,
  quantity,
});

describe('positionShares', () => {
  it("splits an opening fill's correction over the trades that closed its position after it, by their shares", () => {
    const trades = [
      trade(100, 200, 30), // closed before the fill at 250 was made: not its shares
      trade(100, 300, 50),
      trade(100, 400, 20),
      trade(100, 300, 10, 'Y'), // another symbol
      trade(500, 600, 40), // a later position of the same symbol
    ];
    const shares = positionShares(trades, { symbol: 'X', side: 'BUY', time: 250 }, -0.7);
    expect(shares.map((s) => s.index)).toEqual([1, 2]);
    expect(shares.map((s) => s.share)).toEqual([expect.closeTo(-0.5, 12), expect.closeTo(-0.2, 12)]);
  });

  it("finds a short's position by its direction, and the latest position opened before the fill", () => {
    const trades = [trade(100, 300, 50), trade(200, 300, -20), trade(260, 400, -30)];
    expect(positionShares(trades, { symbol: 'X', side: 'SELL', time: 270 }, 0.3)).toEqual([{ index: 2, share: 0.3 }]);
    expect(positionShares(trades, { symbol: 'X', side: 'SELL', time: 250 }, 0.3)).toEqual([{ index: 1, share: 0.3 }]);
  });

  it('has none for a fill whose position no trade has closed', () => {
    expect(positionShares([trade(100, 200, 10)], { symbol: 'X', side: 'BUY', time: 300 }, 1)).toEqual([]);
    expect(positionShares([], { symbol: 'X', side: 'BUY', time: 300 }, 1)).toEqual([]);
  });
});
