import type { Config } from '../config/schema.js';
import { parseBarSize, type BarSize } from '../domain/bar-size.js';

/** A configuration a live session cannot run with; the message names the key. */
export class LiveConfigError extends Error {
  override readonly name = 'LiveConfigError';
}

export interface LiveStrategy {
  readonly name: string;
  readonly params: Readonly<Record<string, number>>;
  readonly barSize: BarSize;
}

/** The strategy a live session trades: the one enabled in `strategies`, with its parameters and bar size. */
export function liveStrategy(config: Config): LiveStrategy {
  const enabled = Object.entries(config.strategies).filter(([, entry]) => entry.enabled);
  if (enabled.length !== 1) {
    const found =
      enabled.length === 0
        ? 'no strategy is enabled'
        : `${enabled.length} are enabled (${enabled.map(([name]) => name).join(', ')})`;
    throw new LiveConfigError(
      `strategies: ${found}; a live session trades exactly one strategy: set enabled: true on one of them only`,
    );
  }
  const [name, entry] = enabled[0]!;
  // The schema admits only bar sizes parseBarSize knows.
  return { name, params: entry.params, barSize: parseBarSize(entry.bar_size)! };
}
