import type { Config } from '../config/schema.js';
import { loadStrategyFactory, strategySpec, type StrategyFactory, type StrategySpec } from './load-strategy.js';
import type { StrategyAssignment } from './strategy-set.js';
import type { StrategyContext } from './strategy.js';

/** Strategies that cannot run together as configured; the message names the keys. */
export class StrategyPlanError extends Error {
  override readonly name = 'StrategyPlanError';
}

/** One strategy of a run: what to load, its parameters and the symbols it trades. */
export interface PlannedStrategy {
  readonly spec: StrategySpec;
  readonly params: Readonly<Record<string, number>>;
  readonly symbols: readonly string[];
  readonly barSize: string;
}

/**
 * The strategies `names` with their own symbols from `strategies.<name>.symbols` (or all of `symbols` when only one
 * strategy runs and it lists none). Several strategies must each list their symbols, among `symbols`, and no symbol
 * may belong to two of them: one position per symbol is what attributes every fill and trade to one strategy.
 */
export function planStrategies(
  config: Config,
  names: readonly string[],
  symbols: readonly string[],
  symbolsKey: string,
): PlannedStrategy[] {
  const owners = new Map<string, string>();
  return names.map((name) => {
    const entry = config.strategies[name];
    if (names.length > 1 && entry === undefined) {
      throw new StrategyPlanError(
        `strategies.${name}: not configured; several strategies at once each need an entry with their symbols`,
      );
    }
    const own = entry?.symbols ?? null;
    if (own === null && names.length > 1) {
      throw new StrategyPlanError(
        `strategies.${name}.symbols: missing; when several strategies run at once each lists its own symbols`,
      );
    }
    for (const symbol of own ?? []) {
      if (!symbols.includes(symbol)) {
        throw new StrategyPlanError(
          `strategies.${name}.symbols: got ${symbol}; expected symbols of ${symbolsKey} (${symbols.join(', ')})`,
        );
      }
      const other = owners.get(symbol);
      if (other !== undefined) {
        throw new StrategyPlanError(
          `strategies.${name}.symbols: ${symbol} is traded by strategies.${other} already; a symbol belongs to one strategy only`,
        );
      }
      owners.set(symbol, name);
    }
    return {
      spec: strategySpec(config, name),
      params: entry?.params ?? {},
      symbols: own ?? symbols,
      barSize: entry?.bar_size ?? '1 day',
    };
  });
}

/** The factories of `names` (built-in or modules, as the config says), by name. */
export async function loadStrategyFactories(
  config: Config,
  names: readonly string[],
): Promise<ReadonlyMap<string, StrategyFactory>> {
  const factories = new Map<string, StrategyFactory>();
  for (const name of names) factories.set(name, await loadStrategyFactory(strategySpec(config, name)));
  return factories;
}

/** A context to build a strategy with outside a run: a check of its parameters, its warm-up, its create(). */
export function trialContext(config: Config): StrategyContext {
  return {
    positions: { quantity: () => 0 },
    atrPeriod: config.trading.atr_period,
    atrMultiplier: config.trading.atr_stop_multiplier,
  };
}

/**
 * The parameters resolved and the strategy built once with a context of its own: what a live session checks before
 * it starts a gateway or connects, so that a refused parameter or a module whose create() fails is named then, not
 * after the sync.
 */
export function checkStrategy(
  config: Config,
  factory: StrategyFactory,
  params: Readonly<Record<string, unknown>>,
): Readonly<Record<string, number>> {
  const resolved = factory.resolveParams(params);
  factory.create(resolved, trialContext(config));
  return resolved;
}

/** The strategies of a plan, loaded, checked (see checkStrategy) and ready for the kernel. */
export async function liveAssignments(
  config: Config,
  plan: ReadonlyMap<string, PlannedStrategy>,
): Promise<StrategyAssignment[]> {
  const factories = await loadStrategyFactories(config, [...plan.keys()]);
  return [...plan].map(([name, planned]) => {
    const factory = factories.get(name)!;
    return { factory, params: checkStrategy(config, factory, planned.params), symbols: planned.symbols };
  });
}
