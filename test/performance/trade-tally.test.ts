import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TradeRecord } from '../../src/portfolio/trade-record.js';
import { computeMetrics } from '../../src/performance/metrics.js';
import { TradeTally } from '../../src/performance/trade-tally.js';

/** A closing fill of the position of `symbol` opened at `entryTime`. */
function piece(pnl: number, entryTime: number, symbol = 'X'): TradeRecord {
  return { symbol, entryTime, entryPrice: 1, exitTime: entryTime + 1, exitPrice: 1, quantity: 1, pnl, commission: 0 };
}

/** Positions each closed in one fill, as in a backtest. */
const wholes = (pnls: readonly number[]): TradeRecord[] => pnls.map((pnl, i) => piece(pnl, i));

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
    const tally = TradeTally.of(wholes([50, -20, 30, 0, -5]));
    expect(tally).toMatchObject({ count: 5, wins: 2, losses: 2, grossProfit: 80, grossLoss: 25 });
  });

  it('gives the metrics of the list it was summed from, to the last bit', () => {
    const pnl = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(fc.array(pnl, { maxLength: 60 }), (values) => {
        const trades = wholes(values);
        const tally = new TradeTally();
        for (const t of trades) tally.add(t);
        expect(metricsOf(tally)).toStrictEqual(metricsOf(trades));
      }),
    );
  });

  it('counts a position closed in several fills once, with their summed pnl, among other symbols', () => {
    // A stop-out in three executions (X), a take-profit in two (Y) between them, then X opened anew and closed.
    const tally = TradeTally.of([
      piece(-10, 5, 'X'),
      piece(4, 7, 'Y'),
      piece(-15, 5, 'X'),
      piece(6, 7, 'Y'),
      piece(2, 5, 'X'),
      piece(30, 9, 'X'),
    ]);
    expect(tally).toMatchObject({ count: 3, wins: 2, losses: 1, grossProfit: 40, grossLoss: 23 });
    // A round trip whose pieces straddle zero is judged by its sum.
    expect(TradeTally.of([piece(5, 1), piece(-5, 1)])).toMatchObject({ count: 1, wins: 0, losses: 0 });
  });

  it('gives the counts of the round trips, however each is cut into fills', () => {
    const cents = fc.integer({ min: -100_000, max: 100_000 });
    // A sum of exactly zero in cents need not be zero in dollars (0.1 + 0.2 − 0.3): such trips are left out.
    const trip = fc
      .record({ pieces: fc.array(cents, { minLength: 1, maxLength: 6 }), symbol: fc.constantFrom('A', 'B') })
      .filter((t) => t.pieces.reduce((s, c) => s + c, 0) !== 0);
    fc.assert(
      fc.property(fc.array(trip, { maxLength: 30 }), (trips) => {
        // Each symbol's round trips follow one another; the two symbols' pieces interleave.
        const pieces = trips.flatMap((t, i) =>
          t.pieces.map((c, k) => ({ order: i + k / 10, rec: piece(c / 100, i, t.symbol) })),
        );
        pieces.sort((a, b) => a.order - b.order);
        const tally = TradeTally.of(pieces.map((p) => p.rec));
        const sums = trips.map((t) => t.pieces.reduce((s, c) => s + c, 0));
        expect(tally.count).toBe(trips.length);
        expect(tally.wins).toBe(sums.filter((s) => s > 0).length);
        expect(tally.losses).toBe(sums.filter((s) => s < 0).length);
        expect(tally.grossProfit).toBeCloseTo(sums.filter((s) => s > 0).reduce((a, s) => a + s, 0) / 100, 6);
        expect(tally.grossLoss).toBeCloseTo(-sums.filter((s) => s < 0).reduce((a, s) => a + s, 0) / 100, 6);
      }),
    );
  });
});
