import type { Config } from '../config/schema.js';
import { Portfolio } from '../portfolio/portfolio.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import { PortfolioLimits } from '../risk/portfolio-limits.js';
import { RiskEngine } from '../risk/risk-engine.js';
import { limitSettingsFromConfig, riskSettingsFromConfig, routerSettingsFromConfig } from '../risk/risk-settings.js';
import { SignalRouter, type EntryGate } from '../risk/signal-router.js';
import { createStrategy } from '../strategy/create-strategy.js';
import type { StrategyRuntimeError } from '../strategy/guarded-strategy.js';
import type { StrategyFactory } from '../strategy/load-strategy.js';
import { StrategySet, type StrategyAssignment } from '../strategy/strategy-set.js';
import type { Strategy } from '../strategy/strategy.js';
import { TradingEngine } from './trading-engine.js';

export interface TradingKernelOptions {
  /** The strategy to trade — a built-in one by name, or a loaded factory — and its parameters (validated by it). */
  readonly strategy: string | StrategyFactory;
  readonly params: Readonly<Record<string, number>>;
  /** Cash the account starts with: the config's capital in backtests, the broker's cash live. */
  readonly initialCash: number;
  /** Send protective stop-loss / take-profit children with entries. */
  readonly protectiveStops: boolean;
  /** The venue's order ids (a counter in backtests, TWS's sequence live). */
  readonly nextOrderId: () => number;
  /** Extra reasons to hold new entries (live: connection down, shutting down, order-efficiency halt). */
  readonly entryGates?: readonly EntryGate[];
  /** Several strategies at once, each on its own symbols (then `strategy` and `params` are not used). */
  readonly strategies?: readonly StrategyAssignment[];
  /** Where a loaded strategy's failure goes (live: its entries halt); without it the failure is thrown. */
  readonly onStrategyError?: (error: StrategyRuntimeError) => void;
  /** The portfolio keeps its closed trades (default); false when a run streams them to a file. */
  readonly keepTrades?: boolean;
  /** symbol → sector from the broker's contract details (live); `trading.sector_map` overrides them. */
  readonly contractSectors?: Readonly<Record<string, string>>;
}

/** The object graph a backtest and a live session share; only the clock, feed and execution client differ. */
export interface TradingKernel {
  readonly portfolio: Portfolio;
  readonly limits: PortfolioLimits;
  readonly risk: RiskEngine;
  readonly router: SignalRouter;
  readonly strategy: Strategy;
  readonly engine: TradingEngine<TradeRecord>;
}

/**
 * Builds portfolio, limits, router, strategy and engine from the validated config, the same way for both modes, so
 * that a strategy's decisions in a live session are the very decisions its backtest made. The caller attaches the
 * execution client of its mode.
 */
export function createTradingKernel(config: Config, options: TradingKernelOptions): TradingKernel {
  const portfolio = new Portfolio({
    initialCash: options.initialCash,
    settlementDays: config.account.settlement_days,
    keepTrades: options.keepTrades ?? true,
  });
  const limits = new PortfolioLimits(limitSettingsFromConfig(config), portfolio);
  const riskSettings = riskSettingsFromConfig(config, options.contractSectors);
  const risk = new RiskEngine(riskSettings, limits, portfolio);
  const router = new SignalRouter({
    settings: { ...routerSettingsFromConfig(config, options.protectiveStops), sectorMap: riskSettings.sectors },
    account: portfolio,
    limits,
    risk,
    openPositions: () => portfolio.openPositions(),
    nextOrderId: options.nextOrderId,
    ...(options.entryGates === undefined ? {} : { entryGates: options.entryGates }),
  });
  const context = {
    positions: portfolio,
    atrPeriod: config.trading.atr_period,
    atrMultiplier: config.trading.atr_stop_multiplier,
    ...(options.onStrategyError === undefined ? {} : { onStrategyError: options.onStrategyError }),
  };
  const strategy =
    options.strategies !== undefined
      ? new StrategySet(
          options.strategies.map((a) => ({ strategy: a.factory.create(a.params, context), symbols: a.symbols })),
        )
      : typeof options.strategy === 'string'
        ? createStrategy(options.strategy, options.params, context)
        : options.strategy.create(options.params, context);
  const engine = new TradingEngine<TradeRecord>({ strategies: [strategy], portfolio, router });
  // Only volatility-scaled risk needs every bar; without it the bar path pays nothing.
  if (risk.needsBars) {
    engine.observe({
      onEvent(event) {
        if (event.type === 'market') risk.onBar(event);
      },
    });
  }
  return { portfolio, limits, risk, router, strategy, engine };
}
