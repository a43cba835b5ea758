/** A strategy name, parameter or context value that cannot be used; the message says what is expected. */
export class StrategyConfigError extends Error {
  override readonly name = 'StrategyConfigError';

  constructor(
    readonly strategy: string,
    readonly param: string | null,
    readonly value: unknown,
    message: string,
  ) {
    super(message);
  }
}
