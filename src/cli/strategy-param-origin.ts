import { existsSync } from 'node:fs';
import { excerpt } from '../config/bounded-text.js';
import { readConfigFile } from '../config/load-config.js';
import { isRecord, type ConfigOverride } from '../config/overrides.js';
import { StrategyConfigError } from '../strategy/strategy-config-error.js';
import { show } from '../strategy/strategy-params.js';

function own(node: unknown, key: string): unknown {
  return isRecord(node) && Object.hasOwn(node, key) ? node[key] : undefined;
}

/**
 * Where the refused value was set: its flag, or its key in the config file. Null when neither holds that value —
 * a default, a grid's combination — so that a place is never named wrongly. A module's strategy is known by its
 * own name, which need not be its config key or the path `--strategy` gave: `--param` sets one strategy's values,
 * and in the file the strategy's own key is taken, else the one entry holding that value.
 */
function originOf(error: StrategyConfigError, param: string, path: string, overrides: readonly ConfigOverride[]) {
  const flag = overrides.find(
    (o) =>
      o.path[0] === 'strategies' && o.path[2] === 'params' && o.path[3] === param && Object.is(o.value, error.value),
  );
  if (flag !== undefined) return `${flag.flag} ${param}`;
  if (!existsSync(path)) return null;
  let strategies: unknown;
  try {
    strategies = own(readConfigFile(path), 'strategies');
  } catch {
    return null;
  }
  // The refusing strategy's own entry, or a module's (known by its own name): never another built-in strategy's
  // entry that happens to hold the same value (`--strategy rsi_mean_reversion --grid fast=10` beside sma_crossover's
  // fast: 10 would blame that entry).
  const holding = isRecord(strategies)
    ? Object.keys(strategies).filter(
        (key) =>
          (key === error.strategy || own(strategies[key], 'module') !== undefined) &&
          Object.is(own(own(strategies[key], 'params'), param), error.value),
      )
    : [];
  const key = holding.includes(error.strategy) ? error.strategy : holding.length === 1 ? holding[0] : undefined;
  return key === undefined ? null : `${excerpt(path, 200)}: strategies.${key}.params.${param}`;
}

/**
 * Where an unknown strategy name was given: the flag, else the config key that names it (`backtest.strategy`,
 * `backtest.strategies`, or an enabled `strategies.<name>` entry without a module); null when neither does.
 */
function nameOrigin(name: string, path: string, overrides: readonly ConfigOverride[]): string | null {
  const flag = overrides.find(
    (o) =>
      o.path[0] === 'backtest' &&
      (o.path[1] === 'strategy' || o.path[1] === 'strategies') &&
      (o.value === name || (Array.isArray(o.value) && o.value.includes(name))),
  );
  if (flag !== undefined) return Array.isArray(flag.value) ? flag.flag : `${flag.flag} ${name}`;
  if (!existsSync(path)) return null;
  let config: unknown;
  try {
    config = readConfigFile(path);
  } catch {
    return null;
  }
  const file = excerpt(path, 200);
  const backtest = own(config, 'backtest');
  if (own(backtest, 'strategy') === name) return `${file}: backtest.strategy`;
  const several = own(backtest, 'strategies');
  if (Array.isArray(several) && several.includes(name)) return `${file}: backtest.strategies`;
  return own(own(config, 'strategies'), name) === undefined ? null : `${file}: strategies.${name}`;
}

/**
 * A strategy's refusal of a parameter, said against what the user wrote — `config.yaml:
 * strategies.sma_crossover.params.fast = 40 is invalid: …` or `--param fast = 40 …` — instead of against the
 * strategy alone, which left the user to find which of the file and the flags to change; an unknown strategy
 * name likewise, with the way to give a strategy of one's own. Other errors pass as they are.
 */
export function locateStrategyError(error: unknown, path: string, overrides: readonly ConfigOverride[]): unknown {
  if (!(error instanceof StrategyConfigError)) return error;
  if (error.param === null) {
    const where = nameOrigin(error.strategy, path, overrides);
    if (where === null) return error;
    const message = `${where}: ${error.message}; a strategy of your own needs strategies.${error.strategy}.module (its file)`;
    return new StrategyConfigError(error.strategy, null, error.value, message);
  }
  if (error.fault === undefined) return error;
  const where = originOf(error, error.param, path, overrides);
  if (where === null) return error;
  const message =
    error.fault.kind === 'unknown'
      ? `${where}: strategy ${error.strategy} has no such parameter; ${
          error.fault.known.length === 0 ? 'it has none' : `known parameters: ${error.fault.known.join(', ')}`
        }`
      : `${where} = ${show(error.value)} is invalid: expected ${error.fault.expected}`;
  return new StrategyConfigError(error.strategy, error.param, error.value, message, error.fault);
}

/** Runs a command's work, saying where a refused strategy parameter was set (see locateStrategyError). */
export async function locatingStrategyErrors<T>(
  path: string,
  overrides: readonly ConfigOverride[],
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw locateStrategyError(error, path, overrides);
  }
}
