import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StrategyConfigError } from '../../src/strategy/strategy-config-error.js';
import { checkParam, expectedText, param, resolveParams } from '../../src/strategy/strategy-params.js';

const shape = {
  length: param.int({ default: 20, min: 2, max: 250, unit: 'bars', description: 'channel length' }),
  width: param.number({ default: 2, min: 0.5, max: 4, description: 'band width' }),
};

function failure(values: Record<string, unknown>): StrategyConfigError {
  try {
    resolveParams('demo', shape, values, (p) =>
      p.width * 10 < p.length ? null : { param: 'width', expected: `width × 10 < length (length = ${p.length})` },
    );
  } catch (error) {
    expect(error).toBeInstanceOf(StrategyConfigError);
    return error as StrategyConfigError;
  }
  throw new Error('expected resolveParams to fail');
}

describe('parameter declarations', () => {
  it('say what they expect', () => {
    expect(expectedText(shape.length)).toBe('a whole number of bars from 2 to 250');
    expect(expectedText(shape.width)).toBe('a number from 0.5 to 4');
    expect(expectedText(param.int({ default: 1, min: 1, description: '' }))).toBe('a whole number ≥ 1');
    expect(expectedText(param.number({ default: 1, max: 9, description: '' }))).toBe('a number ≤ 9');
    expect(expectedText(param.number({ default: 1, description: '' }))).toBe('a finite number');
  });

  it('are plain data, checked where their name is known (defineStrategy)', () => {
    expect(param.int({ default: 5, min: 10, max: 1, description: '' })).toEqual({
      kind: 'int',
      default: 5,
      min: 10,
      max: 1,
      description: '',
    });
  });

  it('fill in defaults and name the parameter, the value and the expectation of a bad one', () => {
    expect(resolveParams('demo', shape, {})).toEqual({ length: 20, width: 2 });
    expect(resolveParams('demo', shape, { width: 1.5 })).toEqual({ length: 20, width: 1.5 });
    expect(failure({ length: 300 }).message).toBe(
      'strategy demo: length = 300 is invalid: expected a whole number of bars from 2 to 250',
    );
    expect(failure({ lenght: 3 }).message).toBe(
      'strategy demo: unknown parameter "lenght"; known parameters: length, width',
    );
    expect(failure({ width: '2' }).message).toBe(
      'strategy demo: parameter width = "2" is invalid: expected a finite number',
    );
    const across = failure({ length: 10, width: 1 });
    expect(across.message).toBe('strategy demo: width = 1 is invalid: expected width × 10 < length (length = 10)');
    expect([across.strategy, across.param, across.value]).toEqual(['demo', 'width', 1]);
  });

  it('accept exactly the whole numbers inside an int range', () => {
    fc.assert(
      fc.property(fc.double({ min: -1000, max: 1000, noNaN: true }), (x) => {
        const inside = Number.isInteger(x) && x >= 2 && x <= 250;
        expect(checkParam(shape.length, x) === null).toBe(inside);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 250 }), (x) => {
        expect(checkParam(shape.length, x)).toBeNull();
      }),
    );
  });
});
