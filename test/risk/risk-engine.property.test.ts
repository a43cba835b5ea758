import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../src/domain/events.js';
import type { Signal } from '../../src/domain/signal.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import { PortfolioLimits } from '../../src/risk/portfolio-limits.js';
import { RiskEngine, type RiskSettings } from '../../src/risk/risk-engine.js';
import { SignalRouter, type RouterSettings } from '../../src/risk/signal-router.js';

const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD'];
const SECTORS: Record<string, string> = { AAA: 'tech', BBB: 'tech', CCC: 'energy' };

const step = fc.record({
  symbol: fc.constantFrom(...SYMBOLS),
  move: fc.double({ min: -0.08, max: 0.08, noNaN: true }),
  direction: fc.constantFrom<('LONG' | 'EXIT')[]>('LONG', 'LONG', 'EXIT'),
  fill: fc.boolean(),
  newDay: fc.boolean(),
});

const limitsArb = fc.record({
  maxActivePositions: fc.integer({ min: 1, max: 4 }),
  maxDailyLossPct: fc.double({ min: 0.5, max: 10, noNaN: true }),
  maxDrawdownPct: fc.double({ min: 1, max: 20, noNaN: true }),
  maxOrderNotional: fc.double({ min: 5_000, max: 60_000, noNaN: true }),
  maxPositionShares: fc.integer({ min: 50, max: 2_000 }),
  maxGrossExposure: fc.double({ min: 0.2, max: 1, noNaN: true }),
  maxSectorPct: fc.double({ min: 10, max: 100, noNaN: true }),
  shares: fc.integer({ min: 1, max: 1_500 }),
});

describe('risk engine, property', () => {
  it('no order that reaches execution violates an active limit, over random signal streams', () => {
    fc.assert(
      fc.property(limitsArb, fc.array(step, { minLength: 1, maxLength: 80 }), (lim, steps) => {
        const portfolio = new Portfolio({ initialCash: 100_000, settlementDays: 0 });
        portfolio.startSession(0);
        const limits = new PortfolioLimits(
          {
            maxActivePositions: lim.maxActivePositions,
            maxDailyLossPct: lim.maxDailyLossPct,
            maxDrawdownPct: lim.maxDrawdownPct,
          },
          portfolio,
        );
        const settings: RouterSettings = {
          rule: { kind: 'fixed', shares: lim.shares },
          riskPerTradePct: 1,
          riskBase: 'equity',
          cashBufferPct: 0,
          cashAccount: true,
          maxGrossExposure: lim.maxGrossExposure,
          sectorMap: SECTORS,
          maxSectorAllocationPct: lim.maxSectorPct,
          protectiveStops: false,
          takeProfitR: 0,
        };
        const riskSettings: RiskSettings = {
          maxActivePositions: lim.maxActivePositions,
          dailyLossAction: 'block_entries',
          drawdownAction: 'block_entries',
          maxOrderNotional: lim.maxOrderNotional,
          maxPositionShares: lim.maxPositionShares,
          maxPositionNotional: null,
          priceBandPct: null,
          maxOrdersPerMinute: null,
          maxGrossExposure: lim.maxGrossExposure,
          maxSectorAllocationPct: lim.maxSectorPct,
          sectors: SECTORS,
          volatility: null,
          rapidLoss: null,
          atrScale: null,
        };
        const risk = new RiskEngine(riskSettings, limits, portfolio);
        let id = 0;
        const router = new SignalRouter({ settings, account: portfolio, limits, risk, nextOrderId: () => ++id });
        const prices = new Map(SYMBOLS.map((s) => [s, 50]));
        for (const s of SYMBOLS) portfolio.markPrice(s, 50);
        let day = 0;
        let time = 0;
        // An independent account of the limits: the peak and the session's start equity.
        let peak = portfolio.equity;
        let sessionStart = portfolio.equity;
        let halted = false;
        let blockedToday = false;
        const working: OrderEvent[] = [];
        for (const st of steps) {
          time += 60_000;
          if (st.newDay) {
            day++;
            portfolio.startSession(day);
            risk.startDay(day, time);
            sessionStart = portfolio.equity;
            peak = Math.max(peak, sessionStart);
            blockedToday = false;
          }
          const price = Math.max(1, Math.round(prices.get(st.symbol)! * (1 + st.move) * 100) / 100);
          prices.set(st.symbol, price);
          portfolio.markPrice(st.symbol, price);
          const equity = portfolio.equity;
          peak = Math.max(peak, equity);
          if (((peak - equity) / peak) * 100 >= lim.maxDrawdownPct && peak > equity) halted = true;
          if (((sessionStart - equity) / sessionStart) * 100 >= lim.maxDailyLossPct && sessionStart > equity)
            blockedToday = true;
          const signal: Signal = {
            strategyId: 'p',
            symbol: st.symbol,
            direction: st.direction,
            price,
            stopPrice: price * 0.95,
            atr: 1,
            strength: 1,
          };
          const grossBefore = portfolio.grossPositionsValue;
          const committedBefore = router.working.committedCash();
          const activeBefore = router.activePositions();
          let sectorBefore = 0;
          const sector = SECTORS[st.symbol];
          if (sector !== undefined) {
            for (const [s, sec] of Object.entries(SECTORS)) {
              if (sec === sector)
                sectorBefore += Math.abs(portfolio.positionValue(s)) + router.working.committedCashFor(s);
            }
          }
          for (const event of router.onSignal(signal, time)) {
            if (event.type !== 'order') continue;
            const { order } = event;
            if (order.purpose === 'entry') {
              const cost = order.quantity * price;
              expect(halted || blockedToday).toBe(false);
              expect(activeBefore).toBeLessThan(lim.maxActivePositions);
              expect(Number.isInteger(order.quantity) && order.quantity >= 1).toBe(true);
              expect(cost).toBeLessThanOrEqual(lim.maxOrderNotional);
              expect(portfolio.quantity(order.symbol) + order.quantity).toBeLessThanOrEqual(lim.maxPositionShares);
              expect(grossBefore + committedBefore + cost).toBeLessThanOrEqual(lim.maxGrossExposure * equity + 1e-6);
              if (sector !== undefined) {
                expect(sectorBefore + cost).toBeLessThanOrEqual((lim.maxSectorPct / 100) * equity + 1e-6);
              }
              expect(cost).toBeLessThanOrEqual(portfolio.cash - committedBefore + 1e-6);
            }
            working.push(event);
          }
          if (st.fill) {
            for (const event of working.splice(0)) {
              const { order } = event;
              const held = portfolio.quantity(order.symbol);
              const quantity = order.side === 'SELL' ? Math.min(order.quantity, held) : order.quantity;
              if (quantity <= 0) continue;
              const fill = {
                orderId: order.id,
                execId: `x${order.id}`,
                symbol: order.symbol,
                side: order.side,
                quantity,
                price: prices.get(order.symbol)!,
                commission: 0,
                time,
                purpose: order.purpose,
              };
              portfolio.applyFill(fill);
              router.onEvent({ type: 'fill', time, fill });
            }
          }
          risk.observe(time);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
