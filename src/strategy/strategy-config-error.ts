/** What is wrong with a parameter, kept apart from the message so that a caller can say where the value was set. */
export type ParamFault =
  | { readonly kind: 'invalid'; readonly expected: string }
  | { readonly kind: 'unknown'; readonly known: readonly string[] };

/** A strategy name, parameter or context value that cannot be used; the message says what is expected. */
export class StrategyConfigError extends Error {
  override readonly name = 'StrategyConfigError';

  constructor(
    readonly strategy: string,
    readonly param: string | null,
    readonly value: unknown,
    message: string,
    readonly fault?: ParamFault,
  ) {
    super(message);
  }
}
