import type { Config } from '../config/schema.js';
import type { LimitSettings } from './portfolio-limits.js';
import type { RiskSettings } from './risk-engine.js';
import type { RouterSettings } from './signal-router.js';
import { parseSizing } from './sizing.js';

/**
 * The router's settings from the validated config. Whether protective stops go out is the caller's choice: a
 * backtest combines `backtest.stops` with `trading.use_bracket_orders`, live trading uses the latter alone.
 */
export function routerSettingsFromConfig(config: Config, protectiveStops: boolean): RouterSettings {
  const t = config.trading;
  return {
    rule: parseSizing(t.sizing),
    riskPerTradePct: t.risk_per_trade_pct,
    riskBase: t.risk_base,
    cashBufferPct: t.cash_buffer_pct,
    cashAccount: config.account.type === 'cash',
    maxGrossExposure: t.max_gross_exposure,
    sectorMap: t.sector_map,
    maxSectorAllocationPct: t.max_sector_allocation_pct,
    protectiveStops,
    takeProfitR: t.take_profit_r,
    allowShort: config.account.type === 'margin',
  };
}

export function limitSettingsFromConfig(config: Config): LimitSettings {
  const t = config.trading;
  return {
    maxActivePositions: t.max_active_positions,
    maxDailyLossPct: t.max_daily_loss_pct,
    maxDrawdownPct: t.max_drawdown_pct,
  };
}

/**
 * The risk engine's settings from the validated config. `contractSectors` are the sectors the broker's contract
 * details give (live); `trading.sector_map` overrides them and is all a backtest has.
 */
export function riskSettingsFromConfig(
  config: Config,
  contractSectors: Readonly<Record<string, string>> = {},
): RiskSettings {
  const t = config.trading;
  const v = t.volatility;
  const p = t.pre_trade;
  return {
    maxActivePositions: t.max_active_positions,
    dailyLossAction: t.daily_loss_action,
    drawdownAction: t.drawdown_action,
    maxOrderNotional: p.max_order_notional,
    maxPositionShares: p.max_position_shares,
    maxPositionNotional: p.max_position_notional,
    priceBandPct: p.price_band_pct,
    maxOrdersPerMinute: p.max_orders_per_minute,
    maxGrossExposure: t.max_gross_exposure,
    maxSectorAllocationPct: t.max_sector_allocation_pct,
    sectors: { ...contractSectors, ...t.sector_map },
    volatility: v.enabled
      ? {
          symbol: v.symbol,
          pauseAbove: v.pause_above,
          reduceAbove: v.reduce_above,
          riskFactor: v.risk_factor,
          staleAfterMs: v.stale_after_hours * 3_600_000,
          whenMissing: v.when_missing,
        }
      : null,
    rapidLoss: t.rapid_loss.enabled
      ? { windowMinutes: t.rapid_loss.window_minutes, lossPct: t.rapid_loss.loss_pct, flatten: t.rapid_loss.flatten }
      : null,
    atrScale: t.volatility_scaled_risk.enabled
      ? { atrPeriod: t.atr_period, lookbackBars: t.volatility_scaled_risk.lookback_bars }
      : null,
  };
}
