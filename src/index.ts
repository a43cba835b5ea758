/**
 * The package's main export (`import { BaseStrategy, … } from 'equity-trading-system'`): the strategy SDK and an
 * in-process backtest.
 */
export * from './sdk.js';
export { backtest, type BacktestOptions, type BacktestReport } from './api/backtest.js';
export type { Fill } from './domain/fill.js';
export type { OrderPurpose, OrderSide } from './domain/order.js';
export type { PerformanceMetrics } from './performance/metrics.js';
export type { TradeRecord } from './portfolio/trade-record.js';
