import { isStrategyDefinition, type StrategyDefinition } from './define-strategy.js';
import { rsiMeanReversion } from './rsi-mean-reversion-strategy.js';
import { smaCrossover } from './sma-crossover-strategy.js';
import type { Strategy, StrategyContext } from './strategy.js';
import { StrategyConfigError } from './strategy-config-error.js';
import { invalidParam, resolveParams, type ParamSpec } from './strategy-params.js';

export interface StrategyParamInfo extends ParamSpec {
  readonly name: string;
}

export interface StrategyInfo {
  readonly name: string;
  readonly description: string;
  readonly params: readonly StrategyParamInfo[];
}

/** The strategies that come with the system, known by name. */
export const BUILT_IN_STRATEGIES: readonly StrategyDefinition[] = [smaCrossover, rsiMeanReversion];

/** A definition's parameters as a list (for help texts and an optimiser's grid). */
export function strategyInfo(definition: StrategyDefinition): StrategyInfo {
  return {
    name: definition.name,
    description: definition.description,
    params: Object.entries(definition.params).map(([name, spec]) => ({ name, ...spec })),
  };
}

/** The built-in strategies with their parameters and defaults (for the CLI's help). */
export const STRATEGY_CATALOG: readonly StrategyInfo[] = BUILT_IN_STRATEGIES.map(strategyInfo);

export const STRATEGY_NAMES: readonly string[] = STRATEGY_CATALOG.map((s) => s.name);

/** The built-in strategy of this name, or undefined. */
export function builtInStrategy(name: string): StrategyDefinition | undefined {
  return BUILT_IN_STRATEGIES.find((s) => s.name === name);
}

function checkContext(strategy: string, context: StrategyContext): void {
  if (!Number.isInteger(context.atrPeriod) || context.atrPeriod < 1) {
    throw invalidParam(strategy, 'atr_period', context.atrPeriod, 'a whole number of bars ≥ 1');
  }
  if (!Number.isFinite(context.atrMultiplier) || context.atrMultiplier <= 0) {
    throw invalidParam(strategy, 'atr_multiplier', context.atrMultiplier, 'a number > 0');
  }
}

/** A built-in strategy by name, or a definition as it is. */
function definitionOf(strategy: string | StrategyDefinition): StrategyDefinition {
  if (isStrategyDefinition(strategy)) return strategy;
  const name = strategy;
  const found = builtInStrategy(name);
  if (found === undefined) {
    throw new StrategyConfigError(
      name,
      null,
      name,
      `unknown strategy "${name}"; known strategies: ${STRATEGY_NAMES.join(', ')}`,
    );
  }
  return found;
}

/** `params` over the definition's defaults, validated against its declarations and its cross-parameter rule. */
export function strategyParams(
  strategy: string | StrategyDefinition,
  params: Readonly<Record<string, unknown>>,
): Readonly<Record<string, number>> {
  const definition = definitionOf(strategy);
  return resolveParams(definition.name, definition.params, params, (p) => definition.check?.(p) ?? null);
}

/**
 * Builds a strategy — a built-in one by name, or a definition — with `params` over its defaults. Throws
 * StrategyConfigError naming the strategy, the parameter, the bad value and what is expected.
 */
export function createStrategy(
  strategy: string | StrategyDefinition,
  params: Readonly<Record<string, unknown>>,
  context: StrategyContext,
): Strategy {
  const definition = definitionOf(strategy);
  checkContext(definition.name, context);
  return definition.create(strategyParams(definition, params), context);
}
