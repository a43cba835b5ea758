import * as z from 'zod/mini';
import { StrategyConfigError } from './strategy-config-error.js';
import { valueExcerpt } from './untrusted-value.js';

/** How a strategy declares one numeric parameter: its default, its range and what it means. */
export interface ParamOptions {
  readonly default: number;
  /** Smallest value accepted (inclusive); none when left out. */
  readonly min?: number;
  /** Largest value accepted (inclusive); none when left out. */
  readonly max?: number;
  /** Spacing of an optimiser's grid over [min, max]; none when left out. */
  readonly step?: number;
  /** What the value counts, for messages: `bars` gives "a whole number of bars ≥ 1". */
  readonly unit?: string;
  readonly description: string;
}

/** A declared parameter. Plain data, so that a strategy module bundled with its own copy of this code still fits. */
export interface ParamSpec extends ParamOptions {
  readonly kind: 'int' | 'number';
}

/** A strategy's parameters by name. */
export type ParamShape = Readonly<Record<string, ParamSpec>>;

/** The values a strategy is created with: every declared parameter, defaults filled in. */
export type ParamValues<P extends ParamShape> = { readonly [K in keyof P]: number };

/** A problem that spans several parameters, reported against one of them. */
export interface ParamProblem<K extends string = string> {
  readonly param: K;
  readonly expected: string;
}

/**
 * Parameter declarations: `param.int({ default: 20, min: 2, max: 250, unit: 'bars', description: '…' })`. They are
 * checked by defineStrategy (see checkedDeclaration), where the parameter's name is known to say which one is wrong.
 */
export const param = {
  /** A whole number. */
  int: (options: ParamOptions): ParamSpec => ({ kind: 'int', ...options }),
  /** Any finite number. */
  number: (options: ParamOptions): ParamSpec => ({ kind: 'number', ...options }),
};

const DECLARED = 'expected a declaration made by param.int({ … }) or param.number({ … })';

/**
 * A parameter's declaration as a plain, frozen copy, or what is wrong with it (for a message that names the
 * parameter): a value not made by `param.*`, a bound or step that is no number, min above max, a default outside
 * its range.
 */
export function checkedDeclaration(value: unknown): ParamSpec | string {
  if (typeof value !== 'object' || value === null) return `got ${valueExcerpt(value)}; ${DECLARED}`;
  const { kind, default: initial, min, max, step, unit, description } = value as Record<keyof ParamSpec, unknown>;
  if (kind !== 'int' && kind !== 'number') return `got ${valueExcerpt(value)}; ${DECLARED}`;
  const numbers = { default: initial, min, max, step };
  for (const [key, number] of Object.entries(numbers)) {
    const given = number !== undefined || key === 'default';
    if (given && (typeof number !== 'number' || !Number.isFinite(number))) {
      return `${key} ${valueExcerpt(number)} is invalid: expected a finite number`;
    }
  }
  for (const [key, text] of Object.entries({ unit, description })) {
    if (text !== undefined && typeof text !== 'string') {
      return `${key} ${valueExcerpt(text)} is invalid: expected a string`;
    }
  }
  const spec = Object.freeze(
    Object.fromEntries(
      Object.entries({ kind, ...numbers, unit, description }).filter(([, v]) => v !== undefined),
    ) as unknown as ParamSpec,
  );
  if (spec.step !== undefined && !(spec.step > 0)) return `step ${spec.step} is invalid: expected a number > 0`;
  if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) {
    return `min ${spec.min} is above max ${spec.max}`;
  }
  const expected = checkParam(spec, spec.default);
  return expected === null ? spec : `default ${spec.default} is invalid: expected ${expected}`;
}

/** "a whole number of bars from 2 to 250", "a number ≥ 0", "a finite number". */
export function expectedText(spec: ParamSpec): string {
  const what = spec.kind === 'int' ? `a whole number${spec.unit === undefined ? '' : ` of ${spec.unit}`}` : 'a number';
  const { min, max } = spec;
  if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
  if (min !== undefined) return `${what} ≥ ${min}`;
  if (max !== undefined) return `${what} ≤ ${max}`;
  return spec.kind === 'int' ? what : 'a finite number';
}

/** The zod schema of a declaration: finite, whole when `int`, within [min, max]. */
function schemaOf(spec: ParamSpec) {
  const checks: z.core.$ZodCheck<number>[] = [];
  if (spec.min !== undefined) checks.push(z.gte(spec.min));
  if (spec.max !== undefined) checks.push(z.lte(spec.max));
  return (spec.kind === 'int' ? z.int() : z.number()).check(...checks);
}

/** What is expected of `value`, or null when the declaration accepts it. */
export function checkParam(spec: ParamSpec, value: unknown): string | null {
  return z.safeParse(schemaOf(spec), value).success ? null : expectedText(spec);
}

export function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  const text = JSON.stringify(value) as string | undefined;
  return text ?? String(value);
}

/** The error for a value outside what the strategy accepts; `label` names it in the message. */
export function invalidParam(
  strategy: string,
  name: string,
  value: unknown,
  expected: string,
  label = name,
): StrategyConfigError {
  return new StrategyConfigError(
    strategy,
    name,
    value,
    `strategy ${strategy}: ${label} = ${show(value)} is invalid: expected ${expected}`,
    { kind: 'invalid', expected },
  );
}

/**
 * Defaults overlaid with `values`, each checked against its declaration, then `check` over the whole set. Throws
 * StrategyConfigError naming the strategy, the parameter, the bad value and what is expected: the one validation
 * behind config files, `--param` and an optimiser's grid.
 */
export function resolveParams<P extends ParamShape>(
  strategy: string,
  shape: P,
  values: Readonly<Record<string, unknown>>,
  check?: (params: ParamValues<P>) => ParamProblem<keyof P & string> | null,
): ParamValues<P> {
  const known = Object.keys(shape);
  const resolved: Record<string, number> = {};
  for (const name of known) resolved[name] = shape[name]!.default;
  for (const [name, value] of Object.entries(values)) {
    const spec = Object.hasOwn(shape, name) ? shape[name] : undefined;
    if (spec === undefined) {
      const list = known.length === 0 ? 'it has none' : `known parameters: ${known.join(', ')}`;
      throw new StrategyConfigError(
        strategy,
        name,
        value,
        `strategy ${strategy}: unknown parameter "${name}"; ${list}`,
        { kind: 'unknown', known },
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw invalidParam(strategy, name, value, 'a finite number', `parameter ${name}`);
    }
    const expected = checkParam(spec, value);
    if (expected !== null) throw invalidParam(strategy, name, value, expected);
    resolved[name] = value;
  }
  const params = resolved as ParamValues<P>;
  const problem = check?.(params) ?? null;
  if (problem !== null) throw invalidParam(strategy, problem.param, params[problem.param], problem.expected);
  return params;
}
