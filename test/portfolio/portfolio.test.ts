import { describe, expect, it } from 'vitest';
import type { Fill } from '../../src/domain/fill.js';
import type { OrderPurpose, OrderSide } from '../../src/domain/order.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';

let execSeq = 0;
function fill(
  symbol: string,
  side: OrderSide,
  quantity: number,
  price: number,
  commission = 0,
  time = 0,
  purpose: OrderPurpose = 'entry',
): Fill {
  execSeq++;
  return { orderId: execSeq, execId: `e${execSeq}`, symbol, side, quantity, price, commission, time, purpose };
}

describe('Portfolio', () => {
  it('a position taken with its lot closes as if this portfolio had seen its entry; without, from the time taken', () => {
    const seen = new Portfolio({ initialCash: 10_000, settlementDays: 0 });
    seen.startSession(1);
    seen.applyFill(fill('X', 'BUY', 40, 13, 8, 1_000));
    const held = seen.position('X')!;
    expect(held).toMatchObject({ quantity: 40, averageCost: 13, openedAt: 1_000, entryCommission: 8 });
    const exit = fill('X', 'SELL', 10, 15, 1, 3_000, 'exit');
    const expected = seen.applyFill(exit);

    // A restarted session: the broker's position first (opened "now"), then the journal's lot over it.
    const restarted = new Portfolio({ initialCash: 10_000, settlementDays: 0 });
    restarted.startSession(1);
    restarted.setPosition('X', 40, 13, 14, 2_000);
    restarted.setPosition('X', 40, 13, 14, 2_000, { openedAt: held.openedAt, entryCommission: held.entryCommission });
    expect(restarted.applyFill(exit)).toEqual(expected);
    expect(restarted.position('X')).toMatchObject({ openedAt: 1_000, entryCommission: 6 });

    const broker = new Portfolio({ initialCash: 10_000, settlementDays: 0 });
    broker.startSession(1);
    broker.setPosition('X', 40, 13, 14, 2_000);
    expect(broker.applyFill(exit)).toEqual([{ ...expected[0]!, entryTime: 2_000, commission: 1, pnl: 20 - 1 }]);
  });

  it('corrects a commission: cash and settled cash, the commissions, and the entry cost of shares still held', () => {
    const p = new Portfolio({ initialCash: 10_000, settlementDays: 1 });
    p.startSession(1);
    const bought = fill('X', 'BUY', 100, 10, 1.23, 1_000);
    p.applyFill(bought);
    expect(p.correctCommission('X', 'BUY', 1 - 1.23, 1_000, bought.execId)).toBe(true);
    expect(p.cash).toBeCloseTo(10_000 - 1_000 - 1, 9);
    expect(p.settledCash).toBeCloseTo(10_000 - 1_000 - 1, 9);
    expect(p.commissions).toBeCloseTo(1, 9);
    expect(p.position('X')!.entryCommission).toBeCloseTo(1, 9);
    // The trade that closes the shares carries the venue's commission, not the estimate.
    const sold = fill('X', 'SELL', 100, 11, 1, 2_000, 'exit');
    const [trade] = p.applyFill(sold);
    expect(trade!.commission).toBeCloseTo(2, 9);
    expect(trade!.pnl).toBeCloseTo(98, 9);
    // An exit's commission corrected once its trade is closed: cash and the commissions only (the trade keeps its row).
    expect(p.correctCommission('X', 'SELL', 0.5, 2_000, sold.execId)).toBe(false);
    expect(p.cash).toBeCloseTo(10_000 + 100 - 2 - 0.5, 9);
    expect(p.settledCash).toBeCloseTo(10_000 - 1_000 - 1 - 0.5, 9);
    expect(p.commissions).toBeCloseTo(2.5, 9);
    expect(p.position('X')).toMatchObject({ quantity: 0, entryCommission: 0 });
  });

  it("leaves a position opened after the corrected fill alone: the fill's own position has closed", () => {
    const p = new Portfolio({ initialCash: 10_000, settlementDays: 0 });
    p.startSession(1);
    const first = fill('X', 'BUY', 100, 10, 1, 1_000);
    p.applyFill(first);
    p.applyFill(fill('X', 'SELL', 100, 11, 1, 2_000, 'exit'));
    const again = fill('X', 'BUY', 50, 12, 1, 3_000);
    p.applyFill(again);
    expect(p.correctCommission('X', 'BUY', -0.5, first.time, first.execId)).toBe(false);
    expect(p.position('X')).toMatchObject({ quantity: 50, entryCommission: 1 });
    expect(p.commissions).toBeCloseTo(2.5, 9);
    // A fill of the position held now still goes to it.
    expect(p.correctCommission('X', 'BUY', -0.25, again.time, again.execId)).toBe(true);
    expect(p.position('X')!.entryCommission).toBeCloseTo(0.75, 9);
  });

  it('gives a position opened by a fill going past the opposite one only the share of its correction it opened', () => {
    const p = new Portfolio({ initialCash: 10_000, settlementDays: 0 });
    p.startSession(1);
    p.applyFill(fill('X', 'BUY', 100, 10, 1, 1_000));
    // 150 sold with the estimate 1.5: 100 close the long (the trade takes 1 of it), 50 open a short (0.5).
    const sale = fill('X', 'SELL', 150, 11, 1.5, 2_000, 'exit');
    p.applyFill(sale);
    expect(p.position('X')).toMatchObject({ quantity: -50, entryCommission: 0.5 });
    expect(p.correctCommission('X', 'SELL', -0.9, sale.time, sale.execId)).toBe(true);
    // A third of the 0.9 refunded is the short's; the rest is the closed trade's (the journal's row takes it).
    expect(p.position('X')!.entryCommission).toBeCloseTo(0.2, 12);
    expect(p.commissions).toBeCloseTo(1.6, 12);
  });

  it('debits a buy from cash and settled cash and values the position at the last price', () => {
    const p = new Portfolio({ initialCash: 100_000, settlementDays: 1 });
    p.startSession(1);
    const trades = p.applyFill(fill('AAPL', 'BUY', 100, 50, 1));
    expect(trades).toEqual([]);
    expect(p.cash).toBe(94_999);
    expect(p.settledCash).toBe(94_999);
    expect(p.quantity('AAPL')).toBe(100);
    expect(p.averageCost('AAPL')).toBe(50);
    expect(p.positionsValue).toBe(5_000);
    expect(p.equity).toBe(99_999);
    expect(p.openPositionCount).toBe(1);
    p.markPrice('AAPL', 55);
    expect(p.positionsValue).toBe(5_500);
    expect(p.grossPositionsValue).toBe(5_500);
    expect(p.unrealisedPnl).toBe(500);
    expect(p.equity).toBe(100_499);
    expect(p.positionValue('AAPL')).toBe(5_500);
  });

  it('re-averages on additions, keeps the cost on reductions and closes pro-rata trades', () => {
    const p = new Portfolio({ initialCash: 10_000, settlementDays: 1 });
    p.startSession(1);
    p.applyFill(fill('X', 'BUY', 10, 10, 2, 1_000));
    p.applyFill(fill('X', 'BUY', 30, 14, 6, 2_000));
    expect(p.averageCost('X')).toBe(13);
    const first = p.applyFill(fill('X', 'SELL', 10, 15, 1, 3_000, 'exit'));
    // entry commissions 8 over 40 shares: 10 shares carry 2, plus the exit's 1.
    expect(first).toEqual([
      {
        symbol: 'X',
        entryTime: 1_000,
        entryPrice: 13,
        exitTime: 3_000,
        exitPrice: 15,
        quantity: 10,
        pnl: 20 - 3,
        commission: 3,
      },
    ]);
    expect(p.averageCost('X')).toBe(13);
    expect(p.quantity('X')).toBe(30);
    const second = p.applyFill(fill('X', 'SELL', 30, 12, 1, 4_000, 'exit'));
    expect(second).toHaveLength(1);
    expect(second[0]!.pnl).toBeCloseTo(-30 - 6 - 1, 12);
    expect(second[0]!.commission).toBeCloseTo(7, 12);
    expect(p.quantity('X')).toBe(0);
    expect(p.averageCost('X')).toBeNaN();
    expect(p.openPositionCount).toBe(0);
    expect(p.realisedPnl).toBe(20 - 30);
    expect(p.commissions).toBe(10);
    expect(p.trades).toHaveLength(2);
    // 10,000 − 100 − 420 + 150 + 360 − 10
    expect(p.cash).toBe(9_980);
    expect(p.equity).toBe(9_980);
    expect(p.positionsValue).toBe(0);
  });

  it('keeps sale proceeds unsettled until the next session (T+1)', () => {
    const p = new Portfolio({ initialCash: 1_000, settlementDays: 1 });
    p.startSession(10);
    p.applyFill(fill('X', 'BUY', 10, 50));
    p.applyFill(fill('X', 'SELL', 10, 60));
    expect(p.cash).toBe(1_100);
    expect(p.settledCash).toBe(500);
    expect(p.unsettledCash).toBe(600);
    p.startSession(11);
    expect(p.settledCash).toBe(1_100);
  });

  it('flips a long into a short: closes the long and opens the rest at the fill price', () => {
    const p = new Portfolio({ initialCash: 10_000, settlementDays: 0 });
    p.applyFill(fill('X', 'BUY', 100, 10, 4, 1));
    const trades = p.applyFill(fill('X', 'SELL', 150, 12, 3, 2));
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ quantity: 100, entryPrice: 10, exitPrice: 12, commission: 4 + 2, pnl: 200 - 6 });
    expect(p.quantity('X')).toBe(-50);
    expect(p.averageCost('X')).toBe(12);
    expect(p.openPositionCount).toBe(1);
    expect(p.position('X')?.openedAt).toBe(2);
    expect(p.positionsValue).toBe(-600);
    expect(p.grossPositionsValue).toBe(600);
    p.markPrice('X', 11);
    expect(p.unrealisedPnl).toBe(50);
    const cover = p.applyFill(fill('X', 'BUY', 50, 11, 1, 3));
    // short closed: (11 − 12) × −50 = +50, commissions: the flip's remaining 1 + this 1.
    expect(cover[0]).toMatchObject({ quantity: -50, entryTime: 2, pnl: 50 - 2, commission: 2 });
    expect(p.equity).toBeCloseTo(10_000 + 200 + 50 - 8, 9);
  });

  it('ignores bad marks and rejects bad fills', () => {
    const p = new Portfolio({ initialCash: 1_000, settlementDays: 1 });
    p.applyFill(fill('X', 'BUY', 1, 10));
    p.markPrice('X', Number.NaN);
    p.markPrice('X', 0);
    expect(p.lastPrice('X')).toBe(10);
    expect(() => p.applyFill(fill('X', 'BUY', 0, 10))).toThrow(/quantity must be positive/);
    expect(() => p.applyFill(fill('X', 'BUY', 1, Number.NaN))).toThrow(/price must be positive/);
  });

  it('reports open positions and unknown symbols', () => {
    const p = new Portfolio({ initialCash: 1_000, settlementDays: 1 });
    expect(p.quantity('NONE')).toBe(0);
    expect(p.lastPrice('NONE')).toBeNaN();
    expect(p.position('NONE')).toBeUndefined();
    p.markPrice('A', 5);
    p.applyFill(fill('B', 'BUY', 2, 7, 0, 9));
    expect(p.openPositions()).toEqual([
      {
        symbol: 'B',
        quantity: 2,
        averageCost: 7,
        lastPrice: 7,
        openedAt: 9,
        entryCommission: 0,
        realisedPnl: 0,
        unrealisedPnl: 0,
      },
    ]);
  });

  it('settles a sale’s proceeds net of its commission, and pays a commission the proceeds do not cover at once', () => {
    const p = new Portfolio({ initialCash: 1_000, settlementDays: 1 });
    p.startSession(1);
    p.applyFill(fill('A', 'BUY', 10, 10, 1));
    expect([p.cash, p.settledCash]).toEqual([899, 899]);
    p.applyFill(fill('A', 'SELL', 5, 12, 1));
    expect([p.cash, p.settledCash, p.unsettledCash]).toEqual([958, 899, 59]);
    p.applyFill(fill('A', 'SELL', 1, 0.5, 0.75));
    expect([p.cash, p.settledCash, p.unsettledCash]).toEqual([957.75, 898.75, 59]);
    p.startSession(2);
    expect([p.settledCash, p.unsettledCash]).toEqual([957.75, 0]);
  });
});
