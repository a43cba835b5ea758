import type { Config } from '../config/schema.js';
import type { StrategyFactory } from '../strategy/load-strategy.js';
import { StrategyConfigError } from '../strategy/strategy-config-error.js';
import { trialContext } from '../strategy/strategy-plan.js';
import { OptimizeConfigError } from './optimize-error.js';
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
 * rather than failing. A grid the strategy refuses whole is a mistake in it (or in the config's parameters), not a
 * study to run: it fails before any backtest with the first refusal, rather than writing files without a result.
 */
export function planSets(config: Config, sets: readonly ParamSet[], strategy: StrategyFactory): PlannedSet[] {
  const base = config.strategies[config.backtest.strategy]?.params ?? {};
  const planned = sets.map((params) => {
    try {
      const built = strategy.create({ ...base, ...params }, trialContext(config));
      return { params: { ...base, ...params }, invalid: null, warmUpBars: built.warmUpBars };
    } catch (error) {
      // An unknown strategy or parameter name is a mistake in the grid or the config, not a combination to skip.
      if (!(error instanceof StrategyConfigError) || error.fault?.kind !== 'invalid') throw error;
      return { params: { ...base, ...params }, invalid: error.message, warmUpBars: 0 };
    }
  });
  if (planned.length > 0 && planned.every((p) => p.invalid !== null)) {
    const first = Object.entries(sets[0]!).map(([name, value]) => `${name}=${value}`);
    throw new OptimizeConfigError(
      `the strategy refuses every combination of the grid (${planned.length}); ${first.join(' ')}: ${planned[0]!.invalid}`,
    );
  }
  return planned;
}
