import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { limitSettingsFromConfig, routerSettingsFromConfig } from '../../src/risk/risk-settings.js';

describe('risk settings from the config', () => {
  it('maps the trading section', () => {
    const config = validateConfig({
      trading: {
        sizing: 'fixed:100',
        risk_per_trade_pct: 0.5,
        risk_base: 'settled_cash',
        cash_buffer_pct: 0.5,
        max_gross_exposure: 1.5,
        sector_map: { AAPL: 'tech' },
        max_sector_allocation_pct: 40,
        take_profit_r: 3,
        max_active_positions: 4,
        max_daily_loss_pct: 2,
        max_drawdown_pct: 15,
      },
    });
    expect(routerSettingsFromConfig(config, false)).toEqual({
      rule: { kind: 'fixed', shares: 100 },
      riskPerTradePct: 0.5,
      riskBase: 'settled_cash',
      cashBufferPct: 0.5,
      cashAccount: true,
      maxGrossExposure: 1.5,
      sectorMap: { AAPL: 'tech' },
      maxSectorAllocationPct: 40,
      protectiveStops: false,
      takeProfitR: 3,
      allowShort: false,
    });
    expect(limitSettingsFromConfig(config)).toEqual({ maxActivePositions: 4, maxDailyLossPct: 2, maxDrawdownPct: 15 });
  });

  it('uses risk sizing by default, keeping 0.25% of equity back from the settled cash', () => {
    const settings = routerSettingsFromConfig(validateConfig({}), true);
    expect(settings.rule).toEqual({ kind: 'risk' });
    expect(settings.cashBufferPct).toBe(0.25);
  });

  it('refuses a cash buffer outside [0, 100)', () => {
    expect(() => validateConfig({ trading: { cash_buffer_pct: -1 } })).toThrow(/trading\.cash_buffer_pct/);
    expect(() => validateConfig({ trading: { cash_buffer_pct: 100 } })).toThrow(/trading\.cash_buffer_pct/);
  });
});
