import type { Config } from '../config/schema.js';
import { parseBarSize, type BarSize } from '../domain/bar-size.js';
import { planStrategies, type PlannedStrategy } from '../strategy/strategy-plan.js';

/** A configuration a live session cannot run with; the message names the key. */
export class LiveConfigError extends Error {
  override readonly name = 'LiveConfigError';
}

export interface LiveStrategy {
  /** The strategy's name; several at once are named together (`a+b`). */
  readonly name: string;
  readonly params: Readonly<Record<string, number>>;
  readonly barSize: BarSize;
  /** The strategies by name, each on its own symbols, when several are enabled. */
  readonly several?: ReadonlyMap<string, PlannedStrategy>;
}

/**
 * What a live session trades: the strategy enabled in `strategies`, with its parameters and bar size, or several
 * enabled ones, each on its own `symbols` among `trading.symbols` and all on one bar size.
 */
export function liveStrategy(config: Config): LiveStrategy {
  const enabled = Object.entries(config.strategies).filter(([, entry]) => entry.enabled);
  if (enabled.length === 0) {
    throw new LiveConfigError('strategies: no strategy is enabled; set enabled: true on the strategy to trade');
  }
  const [name, entry] = enabled[0]!;
  // The schema admits only bar sizes parseBarSize knows.
  const barSize = parseBarSize(entry.bar_size)!;
  if (enabled.length === 1) return { name, params: entry.params, barSize };
  const plan = planStrategies(
    config,
    enabled.map(([key]) => key),
    config.trading.symbols,
    'trading.symbols',
  );
  for (const [other, { bar_size }] of enabled.slice(1)) {
    if (bar_size !== entry.bar_size) {
      throw new LiveConfigError(
        `strategies.${other}.bar_size: got ${bar_size}; the strategies of one live session share one bar size (strategies.${name}.bar_size is ${entry.bar_size})`,
      );
    }
  }
  return {
    name: enabled.map(([key]) => key).join('+'),
    params: {},
    barSize,
    several: new Map(plan.map((planned) => [planned.spec.name, planned])),
  };
}
