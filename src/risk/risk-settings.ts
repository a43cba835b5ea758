import type { Config } from '../config/schema.js';
import type { LimitSettings } from './portfolio-limits.js';
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
