import { describe, expect, it } from 'vitest';
import { SeriesFeed } from '../../src/backtest/bar-feed.js';
import { runBacktest, type BacktestRecordSink } from '../../src/backtest/backtest-runner.js';
import { validateConfig } from '../../src/config/load-config.js';
import type { OrderEvent } from '../../src/domain/events.js';
import type { Fill } from '../../src/domain/fill.js';
import { generateMinuteSeries } from '../../src/data/generate-minute-series.js';
import type { TradeRecord } from '../../src/portfolio/trade-record.js';
import type { RiskEvent } from '../../src/risk/risk-events.js';

// A drawdown limit the series breaches: a halt, then every entry signal after it refused (risk events).
const config = validateConfig({ benchmarking: { symbol: null }, trading: { max_drawdown_pct: 2 } });
const series = generateMinuteSeries({ symbol: 'BENCH', bars: 8_000, seed: 3 });

describe('runBacktest with a record sink', () => {
  it('hands over every order, fill, trade and risk event as they happen and keeps none of them', () => {
    const kept = runBacktest({ config, feed: new SeriesFeed([series]), benchmark: null });
    const orders: OrderEvent[] = [];
    const fills: Fill[] = [];
    const trades: TradeRecord[] = [];
    const riskEvents: RiskEvent[] = [];
    const sink: BacktestRecordSink = {
      order: (event) => orders.push(event),
      fill: (fill) => fills.push(fill),
      trade: (trade) => trades.push(trade),
      riskEvent: (event) => riskEvents.push(event),
    };
    const streamed = runBacktest({ config, feed: new SeriesFeed([series]), benchmark: null, records: sink });

    expect(kept.trades.length).toBeGreaterThan(10);
    expect(orders).toStrictEqual(kept.orders);
    expect(fills).toStrictEqual(kept.fills);
    expect(trades).toStrictEqual(kept.trades);
    expect(kept.riskEvents.length).toBeGreaterThan(10);
    expect(riskEvents).toStrictEqual(kept.riskEvents);
    expect(streamed.riskEvents).toHaveLength(0);
    expect(streamed.riskCounts).toStrictEqual(kept.riskCounts);
    expect(streamed.orders).toHaveLength(0);
    expect(streamed.fills).toHaveLength(0);
    expect(streamed.trades).toHaveLength(0);
    expect(streamed.portfolio.trades).toHaveLength(0);
    expect([streamed.orderCount, streamed.fillCount, streamed.tradeCount]).toEqual([
      kept.orders.length,
      kept.fills.length,
      kept.trades.length,
    ]);
    expect([kept.orderCount, kept.fillCount, kept.tradeCount]).toEqual([
      kept.orders.length,
      kept.fills.length,
      kept.trades.length,
    ]);
    expect(streamed.metrics).toStrictEqual(kept.metrics);
  });
});
