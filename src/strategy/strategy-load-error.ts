/**
 * A strategy module that cannot be used: missing, not compiling, failing to load, exporting no strategy, or whose
 * check() or create() fails (throws, or returns what is no problem or no strategy).
 */
export class StrategyLoadError extends Error {
  override readonly name = 'StrategyLoadError';
}

/** Fails naming the module's file. */
export function moduleError(file: string, what: string): never {
  throw new StrategyLoadError(`strategy module ${file}: ${what}`);
}
