import type { Config } from '../config/schema.js';
import type { StrategyFactory } from '../strategy/load-strategy.js';
import { StrategyConfigError } from '../strategy/strategy-config-error.js';
import type { ParamSet } from './param-grid.js';

/** A combination of the grid with what the strategy makes of it. */
export interface PlannedSet {
  readonly params: ParamSet;
  /** The strategy's refusal (fast ≥ slow, an unknown name…), or null for a set that runs. */
  readonly invalid: string | null;
  /** Bars the strategy needs before it decides. */
  readonly warmUpBars: number;
}

/**
 * Checks each set with the strategy itself (built-in or a module), so that what it refuses is skipped and counted
 * rather than failing.
 */
export function planSets(config: Config, sets: readonly ParamSet[], strategy: StrategyFactory): PlannedSet[] {
  const base = config.strategies[config.backtest.strategy]?.params ?? {};
  return sets.map((params) => {
    try {
      const built = strategy.create(
        { ...base, ...params },
        {
          positions: { quantity: () => 0 },
          atrPeriod: config.trading.atr_period,
          atrMultiplier: config.trading.atr_stop_multiplier,
        },
      );
      return { params: { ...base, ...params }, invalid: null, warmUpBars: built.warmUpBars };
    } catch (error) {
      if (!(error instanceof StrategyConfigError)) throw error;
      // An unknown strategy or parameter name is a mistake in the grid, not a combination to skip.
      if (error.param === null || !(error.param in base || error.message.includes('is invalid'))) throw error;
      return { params: { ...base, ...params }, invalid: error.message, warmUpBars: 0 };
    }
  });
}
