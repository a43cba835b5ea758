import { describe, expect, it } from 'vitest';
import { ceilToTick, floorToTick } from '../../src/risk/tick.js';

describe('tick rounding', () => {
  it('moves prices onto the cent grid at or above 1 and onto 0.0001 below', () => {
    expect(floorToTick(48.126)).toBe(48.12);
    expect(ceilToTick(48.121)).toBe(48.13);
    expect(floorToTick(0.123456)).toBe(0.1234);
    expect(ceilToTick(0.123412)).toBe(0.1235);
  });

  it('leaves prices already on the grid alone despite binary noise', () => {
    expect(floorToTick(0.1 + 0.2)).toBe(0.3);
    expect(floorToTick(1.15)).toBe(1.15);
    expect(ceilToTick(1.15)).toBe(1.15);
    expect(ceilToTick(100.07)).toBe(100.07);
  });
});
