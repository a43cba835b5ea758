import type { Strategy, StrategyContext } from './strategy.js';
import type { ParamProblem, ParamShape, ParamValues } from './strategy-params.js';

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

/**
 * A frozen copy of a definition, its parameter declarations copied too: each field is read once, here, so that a
 * getter or a Proxy's trap of a module's object runs when the module loads, never again with another answer.
 */
export function copyDefinition<P extends ParamShape>(definition: StrategyDefinition<P>): StrategyDefinition<P> {
  const copy = { ...definition };
  if (!NAME.test(copy.name)) {
    throw new RangeError(
      `strategy name ${JSON.stringify(copy.name)}: expected 1 to 64 letters, digits, "_" or "-", starting with a letter`,
    );
  }
  const params = Object.fromEntries(
    Object.entries(copy.params).map(([name, spec]) => [
      name,
      typeof (spec as unknown) === 'object' && (spec as unknown) !== null ? Object.freeze({ ...spec }) : spec,
    ]),
  ) as P;
  return Object.freeze({ ...copy, params: Object.freeze(params), [DEFINITION]: true });
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
