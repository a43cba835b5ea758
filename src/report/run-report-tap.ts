import type { BacktestRecordSink } from '../backtest/backtest-runner.js';
import type { MarketEvent, OrderEvent } from '../domain/events.js';
import type { Fill } from '../domain/fill.js';
import type { OrderRequest } from '../domain/order.js';
import { decimalValue } from '../performance/decimal-format.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import type { RiskEvent } from '../risk/risk-events.js';
import { feedRecords } from './feed-records.js';
import type { ReportCollector } from './report-collector.js';
import type { FillRow, OrderRow, TradeRow } from './results-files.js';

/*
 * A run's records as the report would read them back from its files: numbers as the files hold them (decimalValue),
 * so that a page drawn during the run and one drawn by `ets report` from its files are the same page.
 */

function fillRow(f: Fill): FillRow {
  return {
    time: f.time,
    symbol: f.symbol,
    side: f.side,
    quantity: decimalValue(f.quantity),
    price: decimalValue(f.price),
    purpose: f.purpose,
  };
}

function price(x: number | undefined): number | null {
  return x === undefined ? null : decimalValue(x);
}

function orderRow(o: OrderRequest): OrderRow {
  return {
    time: o.createdAt,
    symbol: o.symbol,
    purpose: o.purpose,
    limitPrice: price(o.limitPrice),
    stopPrice: price(o.stopPrice ?? o.trailAmount),
  };
}

function orderRows(event: OrderEvent): OrderRow[] {
  return [orderRow(event.order), ...event.children.map(orderRow)];
}

function tradeRow(t: TradeRecord): TradeRow {
  return {
    symbol: t.symbol,
    entryTime: t.entryTime,
    entryPrice: decimalValue(t.entryPrice),
    exitTime: t.exitTime,
    exitPrice: decimalValue(t.exitPrice),
    quantity: decimalValue(t.quantity),
    pnl: decimalValue(t.pnl),
    commission: decimalValue(t.commission),
  };
}

function tapOrder(collector: ReportCollector, o: OrderRequest): void {
  collector.order(o.createdAt, o.symbol, o.purpose, price(o.limitPrice), price(o.stopPrice ?? o.trailAmount));
}

/** Each slice's bars into the collector's candles (the runner's `onSlice`). */
export function candleTap(collector: ReportCollector) {
  return (time: number, bars: readonly MarketEvent[], size: number): void => {
    collector.slice(time);
    for (let k = 0; k < size; k++) collector.barAt(k, bars[k]!);
  };
}

/** A record sink that passes every order, fill and trade on to `next` and to the collector. */
export function recordTap(collector: ReportCollector, next: BacktestRecordSink): BacktestRecordSink {
  return {
    order(event) {
      next.order(event);
      // each request straight in, no rows: a busy run sends tens of thousands of orders
      tapOrder(collector, event.order);
      for (const child of event.children) tapOrder(collector, child);
    },
    fill(fill) {
      next.fill(fill);
      collector.fill(fill.time, fill.symbol, fill.side, decimalValue(fill.price), fill.purpose);
    },
    riskEvent(event) {
      next.riskEvent(event);
      collector.riskEvent(event);
    },
    trade(trade) {
      next.trade(trade);
      // Every trade's figures go the same way, listed or not: a second way, first taken at the first trade past the
      // list, threw away the compiled code of the fill path it was inlined into.
      const { symbol, pnl, entryPrice, quantity } = trade;
      collector.tradeFigures(symbol, decimalValue(pnl), decimalValue(entryPrice), decimalValue(quantity));
      if (collector.listsNextTrade) collector.listTrade(tradeRow(trade));
    },
  };
}

/** The records a run kept in memory (several strategies at once) into the collector, after the run. */
export function collectKept(
  collector: ReportCollector,
  kept: {
    readonly trades: readonly TradeRecord[];
    readonly orders: readonly OrderEvent[];
    readonly fills: readonly Fill[];
    readonly riskEvents: readonly RiskEvent[];
  },
): void {
  for (const trade of kept.trades) collector.trade(tradeRow(trade));
  for (const event of kept.riskEvents) collector.riskEvent(event);
  feedRecords(collector, kept.orders.flatMap(orderRows), kept.fills.map(fillRow));
}
