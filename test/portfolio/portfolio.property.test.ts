import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fill } from '../../src/domain/fill.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';

const SYMBOLS = ['A', 'B', 'C'] as const;

type Op =
  | { readonly kind: 'session' }
  | { readonly kind: 'mark'; readonly symbol: string; readonly price: number }
  | {
      readonly kind: 'fill';
      readonly symbol: string;
      readonly buy: boolean;
      readonly quantity: number;
      readonly price: number;
      readonly commission: number;
    };

const price = fc.double({ min: 0.5, max: 2_000, noNaN: true, noDefaultInfinity: true });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ kind: 'session' as const }),
  fc.record({ kind: fc.constant('mark' as const), symbol: fc.constantFrom(...SYMBOLS), price }),
  fc.record({
    kind: fc.constant('fill' as const),
    symbol: fc.constantFrom(...SYMBOLS),
    buy: fc.boolean(),
    quantity: fc.integer({ min: 1, max: 1_000 }),
    price,
    commission: fc.double({ min: 0, max: 20, noNaN: true, noDefaultInfinity: true }),
  }),
);

function close(actual: number, expected: number, scale: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected), scale);
}

describe('Portfolio invariants', () => {
  it('keeps cash + positions = equity = initial + realised + unrealised − commissions; settles everything', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), fc.integer({ min: 0, max: 5 }), (ops, settlementDays) => {
        const initial = 100_000;
        const p = new Portfolio({ initialCash: initial, settlementDays });
        let day = 0;
        let seq = 0;
        let cashFlow = 0;
        let scale = initial;
        p.startSession(day);
        for (const o of ops) {
          if (o.kind === 'session') {
            day += 1;
            p.startSession(day);
          } else if (o.kind === 'mark') {
            p.markPrice(o.symbol, o.price);
          } else {
            seq++;
            const f: Fill = {
              orderId: seq,
              execId: `x${seq}`,
              symbol: o.symbol,
              side: o.buy ? 'BUY' : 'SELL',
              quantity: o.quantity,
              price: o.price,
              commission: o.commission,
              time: day,
              purpose: 'entry',
            };
            const before = p.realisedPnl;
            const trades = p.applyFill(f);
            const tradedGross = trades.reduce((s, t) => s + t.pnl + t.commission, 0);
            expect(close(p.realisedPnl - before, tradedGross, scale)).toBe(true);
            cashFlow += (o.buy ? -1 : 1) * o.quantity * o.price - o.commission;
            scale += o.quantity * o.price;
          }
          scale = Math.max(scale, p.grossPositionsValue);
          expect(close(p.cash + p.positionsValue, p.equity, scale)).toBe(true);
          expect(close(initial + p.realisedPnl + p.unrealisedPnl - p.commissions, p.equity, scale)).toBe(true);
          expect(close(p.cash, initial + cashFlow, scale)).toBe(true);
          expect(close(p.settledCash + p.unsettledCash, p.cash, scale)).toBe(true);
          expect(p.unsettledCash).toBeGreaterThanOrEqual(0);
          let open = 0;
          let value = 0;
          for (const s of SYMBOLS) {
            if (p.quantity(s) !== 0) open++;
            value += p.positionValue(s);
          }
          expect(p.openPositionCount).toBe(open);
          expect(close(p.positionsValue, value, scale)).toBe(true);
        }
        const commissionsInTrades = p.trades.reduce((s, t) => s + t.commission, 0);
        expect(commissionsInTrades).toBeLessThanOrEqual(p.commissions + 1e-9 * scale);
        for (let i = 0; i < settlementDays; i++) p.startSession(++day);
        expect(p.unsettledCash).toBe(0);
        expect(p.settledCash).toBeLessThanOrEqual(p.cash);
        expect(p.settledCash).toBe(p.cash);
      }),
      { numRuns: 300 },
    );
  });

  it('attributes every commission to a trade once all positions are closed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 300 }), buy: fc.boolean(), price }), {
          maxLength: 30,
        }),
        (legs) => {
          const p = new Portfolio({ initialCash: 1_000_000, settlementDays: 1 });
          let seq = 0;
          const put = (buy: boolean, quantity: number, px: number) => {
            seq++;
            p.applyFill({
              orderId: seq,
              execId: `y${seq}`,
              symbol: 'Z',
              side: buy ? 'BUY' : 'SELL',
              quantity,
              price: px,
              commission: 1 + quantity * 0.005,
              time: seq,
              purpose: 'entry',
            });
          };
          for (const leg of legs) put(leg.buy, leg.quantity, leg.price);
          const held = p.quantity('Z');
          if (held !== 0) put(held < 0, Math.abs(held), 100);
          const tradeCommissions = p.trades.reduce((s, t) => s + t.commission, 0);
          const tradePnl = p.trades.reduce((s, t) => s + t.pnl, 0);
          expect(close(tradeCommissions, p.commissions, p.commissions)).toBe(true);
          expect(close(1_000_000 + tradePnl, p.equity, 1_000_000)).toBe(true);
          for (const t of p.trades) {
            expect(close(t.pnl, (t.exitPrice - t.entryPrice) * t.quantity - t.commission, 1e6)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
