import { describe, expect, it } from 'vitest';
import { gridCombinations, parseGridFlags, parseRange } from '../../src/optimize/param-grid.js';

describe('grid ranges', () => {
  it('reads start:stop:step (stop included) and lists', () => {
    expect(parseRange('5:30:5', '--grid fast')).toEqual([5, 10, 15, 20, 25, 30]);
    expect(parseRange('0.1:0.5:0.1', '--grid x')).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(parseRange('20:100:30', '--grid slow')).toEqual([20, 50, 80]);
    expect(parseRange('3,8,5', '--grid fast')).toEqual([3, 8, 5]);
  });

  it('refuses bad ranges with the flag named', () => {
    expect(() => parseRange('5:30:0', '--grid fast')).toThrow('--grid fast: step 0 must be > 0');
    expect(() => parseRange('30:5:5', '--grid fast')).toThrow('--grid fast: stop 5 is below start 30');
    expect(() => parseRange('5:x:5', '--grid fast')).toThrow('--grid fast: "x" is not a number');
    // Decimal notation only, as --param reads numbers: Number() alone would take "0x5" as 5 and "" as 0.
    expect(() => parseRange('0x5:10:5', '--grid fast')).toThrow('--grid fast: "0x5" is not a number');
    expect(() => parseRange('1,,2', '--grid fast')).toThrow('--grid fast: "" is not a number');
    expect(parseRange('1e1, 20', '--grid fast')).toEqual([10, 20]);
    expect(() => parseGridFlags(['fast'])).toThrow('--grid fast: expected name=start:stop:step or name=a,b,c');
    expect(() => parseGridFlags(['fast=1,2', 'fast=3'])).toThrow('--grid fast: given twice');
  });

  it('combines every value of every parameter, the last varying fastest', () => {
    expect(gridCombinations({ fast: [5, 10], slow: [20, 30, 20] })).toEqual([
      { fast: 5, slow: 20 },
      { fast: 5, slow: 30 },
      { fast: 10, slow: 20 },
      { fast: 10, slow: 30 },
    ]);
    expect(() => gridCombinations({})).toThrow(/param_grid is empty/);
  });
});
