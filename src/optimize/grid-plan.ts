import type { Config } from '../config/schema.js';
import { createStrategy } from '../strategy/create-strategy.js';
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

/** Checks each set with the strategy itself, so that what it refuses is skipped and counted rather than failing. */
export function planSets(config: Config, sets: readonly ParamSet[]): PlannedSet[] {
  const name = config.backtest.strategy;
  const base = config.strategies[name]?.params ?? {};
  return sets.map((params) => {
    try {
      const strategy = createStrategy(
        name,
        { ...base, ...params },
        {
          positions: { quantity: () => 0 },
          atrPeriod: config.trading.atr_period,
          atrMultiplier: config.trading.atr_stop_multiplier,
        },
      );
      return { params: { ...base, ...params }, invalid: null, warmUpBars: strategy.warmUpBars };
    } catch (error) {
      if (!(error instanceof StrategyConfigError)) throw error;
      // An unknown strategy or parameter name is a mistake in the grid, not a combination to skip.
      if (error.param === null || !(error.param in base || error.message.includes('is invalid'))) throw error;
      return { params: { ...base, ...params }, invalid: error.message, warmUpBars: 0 };
    }
  });
}
