import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fill } from '../../src/domain/fill.js';
import type { TradeRecord } from '../../src/portfolio/trade-record.js';
import { attributeByStrategy } from '../../src/performance/strategy-attribution.js';

function fill(
  strategyId: string,
  symbol: string,
  side: 'BUY' | 'SELL',
  quantity: number,
  price: number,
  commission: number,
): Fill {
  return { orderId: 1, execId: 'x', symbol, side, quantity, price, commission, time: 0, purpose: 'entry', strategyId };
}

let opened = 0;

/** A position opened and closed in one fill each, a new one every call (pieces of one position are one trade). */
function trade(symbol: string, pnl: number, entryTime = ++opened): TradeRecord {
  return { symbol, entryTime, entryPrice: 0, exitTime: 0, exitPrice: 0, quantity: 1, pnl, commission: 0 };
}

const members = [
  { id: 'a', symbols: ['X'] },
  { id: 'b', symbols: ['Y', 'Z'] },
];

describe('attributeByStrategy', () => {
  it('gives each strategy its fills, trades and positions, and the account their sums', () => {
    const fills = [
      fill('a', 'X', 'BUY', 10, 100, 1), // −1001
      fill('a', 'X', 'SELL', 10, 110, 1.5), // +1098.5
      fill('b', 'Y', 'BUY', 5, 20, 1), // −101, still open at 22 → 110
    ];
    const shares = attributeByStrategy(members, fills, [trade('X', 97.5)], (s) => (s === 'Y' ? 110 : 0));
    expect(shares).toEqual([
      {
        strategy: 'a',
        symbols: ['X'],
        fills: 2,
        trades: 1,
        wins: 1,
        realizedPnl: 97.5,
        commission: 2.5,
        openValue: 0,
        netPnl: 97.5,
      },
      {
        strategy: 'b',
        symbols: ['Y', 'Z'],
        fills: 1,
        trades: 0,
        wins: 0,
        realizedPnl: 0,
        commission: 1,
        openValue: 110,
        netPnl: 9,
      },
      {
        strategy: 'account',
        symbols: ['X', 'Y', 'Z'],
        fills: 3,
        trades: 1,
        wins: 1,
        realizedPnl: 97.5,
        commission: 3.5,
        openValue: 110,
        netPnl: 106.5,
      },
    ]);
  });

  it('counts a position closed in several fills as one trade, judged by its sum', () => {
    const pieces = [trade('Y', 30, 7), trade('Z', -4), trade('Y', -40, 7), trade('Y', 5, 7), trade('Y', 12)];
    const [, b] = attributeByStrategy(members, [], pieces, () => 0);
    expect(b).toMatchObject({ trades: 3, wins: 1, realizedPnl: 3 });
  });

  it('always adds up to the account, to the micro-dollar', () => {
    const arbitraryFill = fc.record({
      strategy: fc.constantFrom('a', 'b'),
      side: fc.constantFrom('BUY' as const, 'SELL' as const),
      quantity: fc.integer({ min: 1, max: 10_000 }),
      price: fc.double({ min: 0.01, max: 5000, noNaN: true }),
      commission: fc.double({ min: 0, max: 50, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(arbitraryFill, { maxLength: 40 }),
        fc.array(fc.double({ min: -1e5, max: 1e5, noNaN: true }), { maxLength: 20 }),
        (raw, pnls) => {
          const fills = raw.map((f) =>
            fill(f.strategy, f.strategy === 'a' ? 'X' : 'Y', f.side, f.quantity, f.price, f.commission),
          );
          const trades = pnls.map((pnl, i) => trade(i % 2 === 0 ? 'X' : 'Z', pnl));
          const [a, b, account] = attributeByStrategy(members, fills, trades, (s) => s.length * 1000.123);
          const micros = (x: number): number => Math.round(x * 1e6);
          for (const key of ['realizedPnl', 'commission', 'openValue', 'netPnl'] as const) {
            expect(micros(a![key]) + micros(b![key])).toBe(micros(account![key]));
          }
          expect(a!.fills + b!.fills).toBe(fills.length);
          expect(a!.trades + b!.trades).toBe(trades.length);
        },
      ),
    );
  });
  it('counts what positions held at the start made since, not what they were worth', () => {
    // Z was held at 50 when the run started and is worth 65 now; Y is bought and sold in the run.
    const fills = [fill('b', 'Y', 'BUY', 5, 20, 1), fill('b', 'Y', 'SELL', 5, 21, 1)];
    const shares = attributeByStrategy(
      members,
      fills,
      [trade('Y', 3)],
      (s) => (s === 'Z' ? 65 : 0),
      (s) => (s === 'Z' ? 50 : 0),
    );
    expect(shares.map((s) => [s.strategy, s.openValue, s.netPnl])).toEqual([
      ['a', 0, 0],
      ['b', 65, 18], // −101 + 104 + 65 − 50
      ['account', 65, 18],
    ]);
  });
});
