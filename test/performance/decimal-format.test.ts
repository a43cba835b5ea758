import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDecimal } from '../../src/performance/decimal-format.js';

describe('formatDecimal', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [1.5, '1.5'],
    [100_000, '100000'],
    [102646.07000000001, '102646.07'],
    [0.1 + 0.2, '0.3'],
    [-0.00000001, '-0.00000001'],
    [1e-9, '0'],
    [-12.3456789012, '-12.3456789'],
    [89_999_999.99999999, '89999999.99999999'],
    [123_456_789.5, '123456789.5'],
    [1e21, '1e+21'],
    [Number.NaN, 'NaN'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ])('formats %d as %s', (x, text) => {
    expect(formatDecimal(x)).toBe(text);
  });

  it('is within 5e-9 of the value, without exponent notation, below 9e7', () => {
    fc.assert(
      fc.property(fc.double({ min: -8.9e7, max: 8.9e7, noNaN: true }), (x) => {
        const text = formatDecimal(x);
        expect(text).toMatch(/^-?\d+(\.\d{0,7}[1-9])?$/);
        expect(Math.abs(Number(text) - x)).toBeLessThanOrEqual(5e-9 + Math.abs(x) * 2.3e-16);
      }),
      { numRuns: 2_000 },
    );
  });

  it('prints cents exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (cents) => {
        const text = formatDecimal(cents / 100);
        expect(Number(text)).toBe(cents / 100);
        expect(text).toBe(String(cents / 100));
      }),
    );
  });
});
