import type { StrategyDefinition } from './define-strategy.js';
import { GuardedStrategy, type HostContext } from './guarded-strategy.js';
import type { Strategy, StrategyContext } from './strategy.js';
import type { ParamProblem } from './strategy-params.js';
import { moduleError } from './strategy-load-error.js';
import { valueExcerpt, thrownText } from './untrusted-value.js';

/** `{ param, expected }` read once from what check() returned, or the value itself when it is no object. */
function problemFields(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const { param, expected } = value as Record<keyof ParamProblem, unknown>;
  return { param, expected };
}

/** The strategy's onBar and warmUpBars, each read once. */
function strategyFields(value: unknown): { readonly onBar: unknown; readonly warmUpBars: unknown } | null {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return null;
  const { onBar, warmUpBars } = value as Record<keyof Strategy, unknown>;
  return { onBar, warmUpBars };
}

/**
 * A module's definition whose code runs guarded: what check() or create() throws, or returns that is not what the
 * engine expects, fails as a StrategyLoadError naming the file (exit code 2), and the strategy create() makes is a
 * GuardedStrategy (see there for its bars). Nothing the module returns is read twice or later, outside the guard:
 * its values are copied, and the copies checked.
 */
export function guardDefinition(definition: StrategyDefinition, file: string): StrategyDefinition {
  // Called as methods of the definition, as the engine calls a definition's own.
  const check = definition.check?.bind(definition);
  const create = definition.create.bind(definition);
  const names = Object.keys(definition.params);
  return {
    ...definition,
    check:
      check === undefined
        ? undefined
        : (params) => {
            let problem: unknown;
            try {
              // A copy: the values resolved are the engine's, whatever check() does with its argument.
              problem = problemFields(check({ ...params }));
            } catch (error) {
              moduleError(file, `check() threw ${thrownText(error)}`);
            }
            if (problem === null || problem === undefined) return null;
            const { param, expected } = problem as Record<string, unknown>;
            if (typeof param === 'string' && names.includes(param) && typeof expected === 'string') {
              return { param, expected };
            }
            return moduleError(
              file,
              `check() returned ${valueExcerpt(problem)}; expected null or { param, expected } naming one of its ` +
                `parameters (${names.join(', ')})`,
            );
          },
    create: (params, context: HostContext) => {
      // The host's handler stays the host's; the module gets the context a strategy is documented to get.
      const { onStrategyError, ...own } = context;
      let made: unknown;
      try {
        made = create({ ...params }, own satisfies StrategyContext);
      } catch (error) {
        moduleError(file, `create() threw ${thrownText(error)}`);
      }
      let fields: ReturnType<typeof strategyFields>;
      try {
        fields = strategyFields(made);
      } catch (error) {
        moduleError(file, `reading the strategy create() returned threw ${thrownText(error)}`);
      }
      if (fields === null || typeof fields.onBar !== 'function') {
        moduleError(file, `create() returned ${valueExcerpt(made)}; expected a strategy (an object with onBar)`);
      }
      const { warmUpBars } = fields;
      if (typeof warmUpBars !== 'number' || !Number.isInteger(warmUpBars) || warmUpBars < 0) {
        moduleError(
          file,
          `create() returned a strategy whose warmUpBars is ${valueExcerpt(warmUpBars)}; expected a whole number ≥ 0`,
        );
      }
      return new GuardedStrategy(made as Strategy, warmUpBars, file, own.id ?? definition.name, onStrategyError);
    },
  };
}
