import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalText } from '../../src/domain/decimal-text.js';

describe('decimalText', () => {
  it('writes a whole number as String does', () => {
    for (const n of [0, 1, 9, 10, 99, 100, 101, 1_000_000, Number.MAX_SAFE_INTEGER])
      expect(decimalText(n)).toBe(String(n));
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (small, large) => {
        expect(decimalText(small)).toBe(String(small));
        expect(decimalText(large)).toBe(String(large));
      }),
    );
  });
});
