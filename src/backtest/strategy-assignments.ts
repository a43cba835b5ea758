import type { Config } from '../config/schema.js';
import type { StrategyFactory } from '../strategy/load-strategy.js';
import { planStrategies, trialContext } from '../strategy/strategy-plan.js';
import type { StrategyAssignment } from '../strategy/strategy-set.js';

/**
 * The strategies of `backtest.strategies`, each with its factory, parameters and own symbols among the run's
 * `symbols`; each is built once here, so that a bad parameter fails before any data is read.
 */
export function backtestAssignments(
  config: Config,
  symbols: readonly string[],
  factories: ReadonlyMap<string, StrategyFactory>,
): StrategyAssignment[] {
  const plan = planStrategies(config, config.backtest.strategies ?? [], symbols, 'backtest.symbols');
  const context = trialContext(config);
  return plan.map((planned) => {
    const factory = factories.get(planned.spec.name)!;
    factory.create(planned.params, context);
    return { factory, params: planned.params, symbols: planned.symbols };
  });
}
