import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { SimClock } from '../../src/core/clock.js';
import { TradingEngine } from '../../src/core/trading-engine.js';
import type { Bar } from '../../src/domain/bar.js';
import type { EngineEvent, MarketEvent } from '../../src/domain/events.js';
import type { Signal } from '../../src/domain/signal.js';
import { MS_PER_DAY, parseTime } from '../../src/domain/time.js';
import { createCommissionModel } from '../../src/execution/commission-model.js';
import { SimulatedExecutionClient } from '../../src/execution/simulated-execution-client.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import type { TradeRecord } from '../../src/portfolio/trade-record.js';
import type { Strategy } from '../../src/strategy/strategy.js';
import { PortfolioLimits } from '../../src/risk/portfolio-limits.js';
import { limitSettingsFromConfig, routerSettingsFromConfig } from '../../src/risk/risk-settings.js';
import { SignalRouter } from '../../src/risk/signal-router.js';

/**
 * Advice on fixed bars: LONG on the second bar of each symbol, EXIT on the fourth, at the close times `scale` (a
 * strategy that gets its price wrong when it is not 1).
 */
class ScriptedStrategy implements Strategy {
  readonly id = 'scripted';
  readonly warmUpBars = 1;
  private readonly seen = new Map<string, number>();

  constructor(private readonly scale = 1) {}

  onBar(bar: Bar): Signal | null {
    const n = (this.seen.get(bar.symbol) ?? 0) + 1;
    this.seen.set(bar.symbol, n);
    const direction = n === 2 ? 'LONG' : n === 4 ? 'EXIT' : null;
    if (direction === null) return null;
    return {
      strategyId: this.id,
      symbol: bar.symbol,
      direction,
      price: bar.close * this.scale,
      stopPrice: (bar.close - 5) * this.scale,
      atr: 2.5,
      strength: 1,
    };
  }
}

const DAY0 = parseTime('2024-01-02');

function market(symbol: string, day: number, open: number, close: number): MarketEvent {
  const time = DAY0 + day * MS_PER_DAY;
  return {
    type: 'market',
    symbol,
    time,
    open,
    high: Math.max(open, close) + 1,
    low: Math.min(open, close) - 1,
    close,
    volume: 1000,
  };
}

/** A whole engine of real parts; `feed` chooses how market events enter it. */
function run(feed: (engine: TradingEngine<TradeRecord>, bars: MarketEvent[]) => void, shares = 10, scale = 1) {
  const config = validateConfig({
    trading: { sizing: `fixed:${shares}` },
    backtest: { commission: 'zero', slippage_bps: 0, stops: false },
  });
  const clock = new SimClock();
  const portfolio = new Portfolio({ initialCash: 10_000, settlementDays: 0 });
  let id = 1;
  const router = new SignalRouter({
    settings: routerSettingsFromConfig(config, false),
    account: portfolio,
    limits: new PortfolioLimits(limitSettingsFromConfig(config), portfolio),
    nextOrderId: () => id++,
  });
  const strategy = new ScriptedStrategy(scale);
  const engine = new TradingEngine<TradeRecord>({ strategies: [strategy], portfolio, router });
  const execution = new SimulatedExecutionClient({
    sink: engine.emit,
    clock,
    book: { slippageBps: 0 },
    commission: createCommissionModel('zero', config.commission_rates),
  });
  engine.attachExecution(execution);
  const log: string[] = [];
  const trades: TradeRecord[] = [];
  const rejected: string[] = [];
  const lowestCash: number[] = [];
  engine.observe({
    onEvent: (e: EngineEvent) => log.push(e.type === 'market' ? `market ${e.symbol}` : e.type),
    onTrade: (t) => trades.push(t),
    onSignalRejected: (e) => rejected.push(`${e.signal.symbol}: ${e.reason}`),
    onFill: () => lowestCash.push(portfolio.settledCash),
  });
  for (let day = 0; day < 5; day++) {
    const bars = [market('AAA', day, 100 + day, 101 + day), market('BBB', day, 50 + day, 49 + day)];
    clock.set(bars[0]!.time);
    for (const bar of bars) execution.processBar(bar);
    feed(engine, bars);
  }
  return { log, trades, portfolio, rejected, lowestCash: Math.min(...lowestCash) };
}

/** An engine with no strategy and a router that routes nothing: for events fed from outside. */
function bareEngine(portfolio: Portfolio): TradingEngine<TradeRecord> {
  return new TradingEngine<TradeRecord>({
    strategies: [],
    portfolio,
    router: { onSignal: () => [], onEvent: () => [] },
  });
}

describe('TradingEngine', () => {
  it('runs market → signal → order → fill → portfolio, filling at the next bar open', () => {
    const { trades, portfolio } = run((engine, bars) => {
      engine.publish(bars);
    });
    // LONG on day 1's close, filled at day 2's open; EXIT on day 3's close, filled at day 4's open.
    expect(trades.map((t) => [t.symbol, t.entryPrice, t.exitPrice, t.quantity])).toEqual([
      ['AAA', 102, 104, 10],
      ['BBB', 52, 54, 10],
    ]);
    expect(portfolio.cash).toBe(10_000 + 20 + 20);
    expect(portfolio.openPositionCount).toBe(0);
  });

  it('dispatches published market events in the order emitting and draining would', () => {
    const published = run((engine, bars) => {
      engine.publish(bars);
    });
    const queued = run((engine, bars) => {
      engine.drain();
      for (const bar of bars) engine.emit(bar);
      engine.drain();
    });
    expect(published.log).toEqual(queued.log);
    expect(published.log.slice(0, 8)).toEqual([
      'market AAA',
      'market BBB',
      'market AAA',
      'market BBB',
      'signal',
      'signal',
      'order',
      'order',
    ]);
  });

  it('pays for an entry at the close it was decided on, whatever price the signal carries', () => {
    // A thousandth of the close: 100 AAA at 0.102 cost 10.20, and once took the whole cash at the next open.
    const { rejected, trades, lowestCash } = run(
      (engine, bars) => {
        engine.publish(bars);
      },
      100,
      0.001,
    );
    expect(rejected).toEqual([
      'AAA: insufficient settled cash: 100 shares at 102 cost 10200.00, settled cash is 10000.00',
      'AAA: not in a position in AAA',
    ]);
    expect(trades.map((t) => [t.symbol, t.entryPrice, t.exitPrice, t.quantity])).toEqual([['BBB', 52, 54, 100]]);
    expect(lowestCash).toBe(10_000 - 5_200);
  });

  it("books a venue's commission correction into the portfolio before its observers see it", () => {
    const portfolio = new Portfolio({ initialCash: 1_000, settlementDays: 0 });
    const engine = bareEngine(portfolio);
    const seen: number[] = [];
    engine.observe({ onCommissionCorrected: () => seen.push(portfolio.cash) });
    const correction = { execId: 'e1', orderId: 1, symbol: 'AAA', side: 'BUY', time: 0, fillTime: 0 } as const;
    engine.receive({ type: 'commission_corrected', ...correction, commission: 1.5, estimate: 1 });
    engine.receive({ type: 'commission_corrected', ...correction, commission: 1, estimate: 1.25 });
    expect(seen).toEqual([999.5, 999.75]);
    expect(portfolio.commissions).toBeCloseTo(0.25, 12);
  });

  it('refuses to route orders without an execution client', () => {
    const engine = bareEngine(new Portfolio({ initialCash: 1, settlementDays: 0 }));
    engine.emit({ type: 'cancel_order', time: 0, orderId: 1, reason: 'test' });
    expect(() => {
      engine.drain();
    }).toThrow(/No execution client attached to handle cancel_order/);
  });
});
