import { describe, expect, it } from 'vitest';
import { defineStrategy, type StrategyDefinition } from '../../src/strategy/define-strategy.js';
import { param, type ParamShape } from '../../src/strategy/strategy-params.js';

const create: StrategyDefinition['create'] = () => ({ id: 'x', warmUpBars: 0, onBar: () => null });

/** What defineStrategy says of a definition of strategy `demo` with `params`. */
function refusal(params: unknown, extra: object = {}): string {
  try {
    defineStrategy({ name: 'demo', description: '', params: params as ParamShape, create, ...extra });
  } catch (error) {
    expect((error as Error).name).toBe('StrategyDefinitionError');
    return (error as Error).message;
  }
  throw new Error('expected defineStrategy to refuse the definition');
}

describe('defineStrategy', () => {
  it('refuses a parameter declaration that cannot hold, naming the parameter and what is wrong', () => {
    const declared = 'expected a declaration made by param.int({ … }) or param.number({ … })';
    expect(refusal({ lookback: param.int({ default: 5, min: 10, max: 1, description: '' }) })).toBe(
      'strategy demo: parameter lookback: min 10 is above max 1',
    );
    expect(refusal({ a: 5 })).toBe(`strategy demo: parameter a: got 5; ${declared}`);
    expect(refusal({ a: { default: 5, min: 1 } })).toBe(
      `strategy demo: parameter a: got {"default":5,"min":1}; ${declared}`,
    );
    expect(refusal({ n: param.int({ default: 1.5, min: 1, description: '' }) })).toBe(
      'strategy demo: parameter n: default 1.5 is invalid: expected a whole number ≥ 1',
    );
    expect(refusal({ n: param.number({ default: 50, max: 10, unit: 'x', description: '' }) })).toBe(
      'strategy demo: parameter n: default 50 is invalid: expected a number ≤ 10',
    );
    expect(refusal({ n: param.number({ default: 1, min: 'low' as unknown as number, description: '' }) })).toBe(
      'strategy demo: parameter n: min "low" is invalid: expected a finite number',
    );
    expect(refusal({ n: param.int({ default: 1, step: 0, description: '' }) })).toBe(
      'strategy demo: parameter n: step 0 is invalid: expected a number > 0',
    );
    expect(refusal({ n: param.int({ default: 1, description: 7 as unknown as string }) })).toBe(
      'strategy demo: parameter n: description 7 is invalid: expected a string',
    );
    expect(refusal(5)).toBe('strategy demo: params: got 5; expected { name: param.int({ … }), … }');
  });

  it('refuses a name, create or check that is none', () => {
    expect(() => defineStrategy({ name: '1st', description: '', params: {}, create })).toThrow(
      'strategy name "1st": expected 1 to 64 letters, digits, "_" or "-", starting with a letter',
    );
    expect(refusal({}, { create: 5 })).toBe('strategy demo: create: got 5; expected a function (params, context)');
    expect(refusal({}, { check: 'fast < slow' })).toBe(
      'strategy demo: check: got "fast < slow"; expected a function (params) or none',
    );
  });

  it('keeps a plain, frozen copy of the declarations, read once', () => {
    let reads = 0;
    const spec = param.int({ default: 5, min: 1, max: 10, step: 1, unit: 'bars', description: 'length' });
    const params = {
      get length() {
        reads++;
        return spec;
      },
    };
    const definition = defineStrategy({ name: 'demo', description: '', params, create });
    expect(definition.params).toEqual({ length: spec });
    expect(reads).toBe(1);
    expect(Object.isFrozen(definition.params) && Object.isFrozen(definition.params.length)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(definition.params, 'length')).toMatchObject({ value: spec });
  });
});
