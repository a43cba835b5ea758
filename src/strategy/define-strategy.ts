import type { Strategy, StrategyContext } from './strategy.js';
import {
  checkedDeclaration,
  type ParamProblem,
  type ParamShape,
  type ParamSpec,
  type ParamValues,
} from './strategy-params.js';
import { valueExcerpt } from './untrusted-value.js';

/**
 * A strategy as its author declares it: a name, its parameters (defaults, ranges) and how to build it. The
 * engine, the CLI (`--param`, config errors) and an optimiser's grid all work from this one declaration.
 */
export interface StrategyDefinition<P extends ParamShape = ParamShape> {
  /** The strategy's id on signals, orders (IB's orderRef) and results: letters, digits, `_` and `-`. */
  readonly name: string;
  readonly description: string;
  readonly params: P;
  /** A rule across parameters (`fast < slow`); null when the values go together. */
  check?(params: ParamValues<P>): ParamProblem<keyof P & string> | null;
  /** Builds the strategy from validated parameters. */
  create(params: ParamValues<P>, context: StrategyContext): Strategy;
}

/**
 * Marks definitions; a global symbol, so that a strategy module bundled with its own copy of this package is
 * recognised as well.
 */
const DEFINITION = Symbol.for('equity-trading-system.strategy-definition');

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** A definition that cannot be used; the message names the strategy and, for a declaration, the parameter. */
export class StrategyDefinitionError extends RangeError {
  override readonly name = 'StrategyDefinitionError';
}

/** Its message, when `error` is a StrategyDefinitionError (of any copy of this package); null otherwise. */
export function definitionErrorMessage(error: unknown): string | null {
  try {
    if (error instanceof Error && error.name === 'StrategyDefinitionError') {
      const { message } = error as { message: unknown };
      if (typeof message === 'string') return message;
    }
  } catch {
    // Not one of ours: a Proxy's trap or a getter threw.
  }
  return null;
}

/**
 * A frozen copy of a definition, its parameter declarations checked and copied too: each field is read once, here,
 * so that a getter or a Proxy's trap of a module's object runs when the module loads, never again with another
 * answer. Throws StrategyDefinitionError naming the strategy and what is wrong.
 */
export function copyDefinition<P extends ParamShape>(definition: StrategyDefinition<P>): StrategyDefinition<P> {
  const copy = { ...definition };
  const name = copy.name as unknown;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new StrategyDefinitionError(
      `strategy name ${valueExcerpt(name)}: expected 1 to 64 letters, digits, "_" or "-", starting with a letter`,
    );
  }
  const refuse = (what: string): never => {
    throw new StrategyDefinitionError(`strategy ${name}: ${what}`);
  };
  const { create, check } = copy as Record<string, unknown>;
  if (typeof create !== 'function') {
    refuse(`create: got ${valueExcerpt(create)}; expected a function (params, context)`);
  }
  if (check !== undefined && typeof check !== 'function') {
    refuse(`check: got ${valueExcerpt(check)}; expected a function (params) or none`);
  }
  const declared = copy.params as unknown;
  if (typeof declared !== 'object' || declared === null) {
    refuse(`params: got ${valueExcerpt(declared)}; expected { name: param.int({ … }), … }`);
  }
  // fromEntries defines own keys: a parameter named __proto__ stays a parameter, not the copy's prototype.
  const params = Object.fromEntries(
    Object.entries(declared as object).map(([param, value]): [string, ParamSpec] => {
      const spec = checkedDeclaration(value);
      return [param, typeof spec === 'string' ? refuse(`parameter ${param}: ${spec}`) : spec];
    }),
  );
  return Object.freeze({ ...copy, params: Object.freeze(params) as P, [DEFINITION]: true });
}

/** Declares a strategy; a module exports the result as its default export to be loadable by path. */
export function defineStrategy<P extends ParamShape>(definition: StrategyDefinition<P>): StrategyDefinition<P> {
  return copyDefinition(definition);
}

/** A value made by `defineStrategy` (of any copy of this package); not one whose reading throws (a Proxy's trap). */
export function isStrategyDefinition(value: unknown): value is StrategyDefinition {
  try {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DEFINITION] === true;
  } catch {
    return false;
  }
}
