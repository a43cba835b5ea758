/** A grid, window length or optimisation setting that cannot be used; the message names it and what is expected. */
export class OptimizeConfigError extends Error {
  override readonly name = 'OptimizeConfigError';
}
