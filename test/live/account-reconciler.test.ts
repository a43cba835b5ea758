import { describe, expect, it } from 'vitest';
import { emptyAccountValues, type BrokerAccountSnapshot } from '../../src/adapters/ib/account-sync.js';
import { reconcileAccount } from '../../src/live/account-reconciler.js';
import { silentLogger } from '../../src/logging/silent-logger.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';

const T0 = Date.UTC(2024, 9, 17, 15, 0);

/** IB's account: its cash and one position. */
function broker(totalCash: number, quantity: number): BrokerAccountSnapshot {
  const values = { ...emptyAccountValues(), totalCash };
  const position = { symbol: 'AAPL', quantity, averageCost: 100, marketPrice: 101 };
  return { account: 'DU1', values, positions: new Map([['AAPL', position]]) };
}

describe('reconcileAccount', () => {
  it("takes IB's cash and positions where they differ by more than a cent", () => {
    const portfolio = new Portfolio({ initialCash: 10_000, settlementDays: 0 });
    expect(reconcileAccount(portfolio, broker(10_000.01, 0), T0, silentLogger())).toEqual([]);
    expect(reconcileAccount(portfolio, broker(9_000, 10), T0, silentLogger())).toEqual([
      { field: 'cash', ours: 10_000, broker: 9_000 },
      { field: 'position', symbol: 'AAPL', ours: 0, broker: 10 },
    ]);
    expect(portfolio.cash).toBe(9_000);
    expect(portfolio.quantity('AAPL')).toBe(10);
  });

  it('leaves the cash alone while a commission report may still come, and still takes the positions', () => {
    const portfolio = new Portfolio({ initialCash: 10_000, settlementDays: 0 });
    expect(reconcileAccount(portfolio, broker(9_000, 10), T0, silentLogger(), false)).toEqual([
      { field: 'position', symbol: 'AAPL', ours: 0, broker: 10 },
    ]);
    expect(portfolio.cash).toBe(10_000);
    expect(portfolio.quantity('AAPL')).toBe(10);
  });
});
