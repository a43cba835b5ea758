import { resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import {
  loadStrategyFactory,
  strategySpec,
  StrategyLoadError,
  type StrategyFactory,
} from '../strategy/load-strategy.js';

/**
 * Modules loaded in this thread, by file and name: a worker (thread or `ets worker` process) compiles and imports a
 * strategy module once and runs all its jobs on that, instead of once per job.
 */
const loaded = new Map<string, Promise<StrategyFactory>>();

function load(key: string, config: Config, fresh: boolean): Promise<StrategyFactory> {
  let factory = fresh ? undefined : loaded.get(key);
  if (factory === undefined) {
    factory = loadStrategyFactory(strategySpec(config, config.backtest.strategy));
    // A failure is not kept: the next job tries again (the file may have been fixed).
    factory.catch(() => loaded.delete(key));
    loaded.set(key, factory);
  }
  return factory;
}

/**
 * The strategy `backtest.strategy` names: a built-in one, or a module (a path, or `strategies.<name>.module`). With
 * `expectedHash` (a worker running a run's jobs), a module whose code is not the run's is loaded again — the file
 * changed since it was cached here — and refused when it still differs, so that no job runs on other code than
 * the run's.
 */
export async function studyStrategy(config: Config, expectedHash?: string | null): Promise<StrategyFactory> {
  const name = config.backtest.strategy;
  const spec = strategySpec(config, name);
  if (spec.module === null) return loadStrategyFactory(spec);
  const key = JSON.stringify([resolve(spec.module), name]);
  // Without a hash to match (the process that starts a run), the file is read afresh: it may have changed.
  const factory = await load(key, config, expectedHash === undefined);
  if (expectedHash === undefined || factory.codeHash === expectedHash) return factory;
  const reloaded = await load(key, config, true);
  if (reloaded.codeHash === expectedHash) return reloaded;
  throw new StrategyLoadError(
    `strategy module ${spec.module}: differs from the run's (code ${reloaded.codeHash?.slice(0, 12)}, the run's ${expectedHash?.slice(0, 12) ?? 'built-in'})`,
  );
}

/** The strategy to hand the backtest runner: a loaded module; none for a built-in one, which it builds by name. */
export function moduleStrategy(factory: StrategyFactory): StrategyFactory | undefined {
  return factory.codeHash === null ? undefined : factory;
}
