import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PaperAccount } from '../../../src/gateway/broker/paper-account.js';

const DAY = 18_690; // 2021-03-04

describe('paper account', () => {
  it('keeps IB-style average cost with commissions and realizes P&L net of them', () => {
    const account = new PaperAccount('DU1', 'margin', 'USD', 100_000);
    expect(account.applyFill('X', 'BUY', 100, 10, 1, DAY, DAY).realizedPnl).toBeUndefined();
    expect(account.position('X')).toEqual({ quantity: 100, averageCost: 10.01, realizedPnl: 0 });
    const sale = account.applyFill('X', 'SELL', 50, 12, 1, DAY, DAY + 1);
    expect(sale.realizedPnl).toBeCloseTo((12 - 10.01) * 50 - 1, 10);
    expect(account.position('X')?.quantity).toBe(50);
    // Selling 80 closes the 50 left and opens a 30-share short whose basis is net of its part of the commission.
    const flip = account.applyFill('X', 'SELL', 80, 11, 1.6, DAY, DAY + 1);
    expect(flip.realizedPnl).toBeCloseTo((11 - 10.01) * 50 - 1, 10);
    expect(account.position('X')?.quantity).toBe(-30);
    expect(account.position('X')?.averageCost).toBeCloseTo((30 * 11 - 0.6) / 30, 10);
  });

  it('settles sale proceeds T+N and reports them as settled cash from the settlement day on', () => {
    const account = new PaperAccount('DU1', 'cash', 'USD', 10_000);
    account.applyFill('X', 'BUY', 100, 50, 1, DAY, DAY);
    account.applyFill('X', 'SELL', 100, 51, 1, DAY, DAY + 1);
    expect(account.figures(DAY, () => 51).totalCashValue).toBe(10_000 - 5_001 + 5_099);
    expect(account.figures(DAY, () => 51).settledCash).toBe(10_000 - 5_001);
    expect(account.figures(DAY + 1, () => 51).settledCash).toBe(10_098);
    expect(account.figures(DAY, () => 51).buyingPower).toBe(10_000 - 5_001);
  });

  it('restores from its snapshot', () => {
    const account = new PaperAccount('DU1', 'margin', 'USD', 50_000);
    account.applyFill('Y', 'BUY', 10, 100, 1, DAY, DAY);
    account.applyFill('Y', 'SELL', 5, 110, 1, DAY, DAY + 1);
    const copy = PaperAccount.restore(
      JSON.parse(JSON.stringify(account.snapshot())) as ReturnType<PaperAccount['snapshot']>,
    );
    expect(copy.figures(DAY, () => 105)).toEqual(account.figures(DAY, () => 105));
  });

  it('net liquidation moves by exactly realized plus unrealized P&L, for any trade sequence', () => {
    const trade = fc.record({
      symbol: fc.constantFrom('A', 'B'),
      side: fc.constantFrom('BUY' as const, 'SELL' as const),
      quantity: fc.integer({ min: 1, max: 500 }),
      price: fc.integer({ min: 100, max: 20_000 }).map((c) => c / 100),
      commission: fc.integer({ min: 0, max: 500 }).map((c) => c / 100),
    });
    fc.assert(
      fc.property(
        fc.array(trade, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 100, max: 20_000 }),
        (trades, markCents) => {
          const account = new PaperAccount('DU1', 'margin', 'USD', 1_000_000);
          let realized = 0;
          for (const t of trades) {
            realized +=
              account.applyFill(t.symbol, t.side, t.quantity, t.price, t.commission, DAY, DAY).realizedPnl ?? 0;
          }
          const mark = markCents / 100;
          const figures = account.figures(DAY, () => mark);
          expect(figures.netLiquidation - 1_000_000).toBeCloseTo(realized + figures.unrealizedPnl, 6);
          expect(figures.netLiquidation).toBeCloseTo(figures.totalCashValue + figures.stockMarketValue, 6);
        },
      ),
    );
  });
});
