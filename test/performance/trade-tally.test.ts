import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TradeRecord } from '../../src/portfolio/trade-record.js';
import { computeMetrics } from '../../src/performance/metrics.js';
import { TradeTally } from '../../src/performance/trade-tally.js';

function trade(pnl: number): TradeRecord {
  return { symbol: 'X', entryTime: 0, entryPrice: 1, exitTime: 1, exitPrice: 1, quantity: 1, pnl, commission: 0 };
}

function metricsOf(trades: readonly TradeRecord[] | TradeTally) {
  return computeMetrics({
    initialEquity: 100,
    daily: { length: 2, time: [86_400_000, 172_800_000], equity: [101, 99] },
    trades,
    exposure: 0.5,
    openPositions: 0,
    riskFreeRate: 0,
    periodsPerYear: 252,
  });
}

describe('TradeTally', () => {
  it('counts winners, losers and their sums; a zero pnl is neither', () => {
    const tally = TradeTally.of([50, -20, 30, 0, -5].map(trade));
    expect(tally).toMatchObject({ count: 5, wins: 2, losses: 2, grossProfit: 80, grossLoss: 25 });
  });

  it('gives the metrics of the list it was summed from, to the last bit', () => {
    const pnl = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(fc.array(pnl, { maxLength: 60 }), (values) => {
        const trades = values.map(trade);
        const tally = new TradeTally();
        for (const t of trades) tally.add(t);
        expect(metricsOf(tally)).toStrictEqual(metricsOf(trades));
      }),
    );
  });
});
