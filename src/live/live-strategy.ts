import type { Config } from '../config/schema.js';
import { parseBarSize, type BarSize } from '../domain/bar-size.js';
import { symbolsText } from '../domain/symbol.js';
import { timeZone, type TimeZone } from '../domain/time-zone.js';
import { planStrategies, type PlannedStrategy } from '../strategy/strategy-plan.js';

/** A configuration a live session cannot run with; the message names the key. */
export class LiveConfigError extends Error {
  override readonly name = 'LiveConfigError';
}

/**
 * The exchange's time zone, after the check of what a live session needs beyond the schema (symbols to trade):
 * made before anything is started, connected or written.
 */
export function checkLiveConfig(config: Config): TimeZone {
  if (config.trading.symbols.length === 0) {
    throw new LiveConfigError('trading.symbols: got []; expected the symbols to trade, e.g. [AAPL, MSFT]');
  }
  // The schema admits only zones the runtime knows.
  return timeZone(config.system.time_zone)!;
}

/** Symbols whose five-second bars are aggregated to one bar size: one live feed. */
export interface LiveFeedPlan {
  readonly barSize: BarSize;
  readonly symbols: readonly string[];
}

export interface LiveStrategy {
  /** The strategy's name; several at once are named together (`a+b`). */
  readonly name: string;
  readonly params: Readonly<Record<string, number>>;
  /** The first strategy's bar size; `feeds` has every symbol's. */
  readonly barSize: BarSize;
  /** The symbols by bar size, in the order the strategies are configured; every symbol of `trading.symbols` once. */
  readonly feeds: readonly LiveFeedPlan[];
  /** The strategies by name, each on its own symbols, when several are enabled. */
  readonly several?: ReadonlyMap<string, PlannedStrategy>;
}

/**
 * What a live session trades: the strategy enabled in `strategies`, with its parameters and bar size, or several
 * enabled ones, each on its own `symbols` among `trading.symbols` and its own `bar_size`. Symbols no strategy lists
 * are only prices; they come in the first strategy's bar size.
 */
export function liveStrategy(config: Config): LiveStrategy {
  const enabled = Object.entries(config.strategies).filter(([, entry]) => entry.enabled);
  if (enabled.length === 0) {
    throw new LiveConfigError('strategies: no strategy is enabled; set enabled: true on the strategy to trade');
  }
  const [name, entry] = enabled[0]!;
  // The schema admits only bar sizes parseBarSize knows.
  const barSize = parseBarSize(entry.bar_size)!;
  const symbols = config.trading.symbols;
  if (enabled.length === 1) return { name, params: entry.params, barSize, feeds: [{ barSize, symbols }] };
  const plan = planStrategies(
    config,
    enabled.map(([key]) => key),
    symbols,
    'trading.symbols',
  );
  const sizeOf = new Map<string, string>();
  for (const planned of plan) for (const symbol of planned.symbols) sizeOf.set(symbol, planned.barSize);
  const groups = new Map<string, string[]>(plan.map((planned) => [planned.barSize, []]));
  for (const symbol of symbols) groups.get(sizeOf.get(symbol) ?? entry.bar_size)!.push(symbol);
  return {
    name: enabled.map(([key]) => key).join('+'),
    params: {},
    barSize,
    feeds: [...groups]
      .filter(([, members]) => members.length > 0)
      .map(([size, members]) => ({ barSize: parseBarSize(size)!, symbols: members })),
    several: new Map(plan.map((planned) => [planned.spec.name, planned])),
  };
}

/** "5 mins bars of A, B", or with several bar sizes "1 min bars of A, B and 5 mins bars of C". */
export function describeFeeds(feeds: readonly LiveFeedPlan[]): string {
  return feeds.map((feed) => `${feed.barSize.text} bars of ${symbolsText(feed.symbols)}`).join(' and ');
}
