import { describe, expect, it } from 'vitest';
import { BarHistory } from '../../src/strategy/bar-history.js';
import { barsFrom } from './helpers.js';

describe('BarHistory', () => {
  it('keeps the last capacity bars, newest at ago 0, NaN beyond', () => {
    const history = new BarHistory(3);
    expect(history.length).toBe(0);
    expect(history.close()).toBeNaN();
    for (const bar of barsFrom('A', [1, 2, 3, 4, 5])) history.push(bar);
    expect(history.length).toBe(3);
    expect(history.count).toBe(5);
    expect([0, 1, 2, 3].map((ago) => history.close(ago))).toEqual([5, 4, 3, NaN]);
    expect(history.high(1)).toBe(5);
    expect(history.low(2)).toBe(2);
    expect(history.open()).toBe(5);
    expect(history.volume()).toBe(1000);
    expect(history.time(2)).toBe(Date.UTC(2024, 0, 3));
    expect(history.close(-1)).toBeNaN();
  });

  it('rejects a capacity below 1', () => {
    expect(() => new BarHistory(0)).toThrow('history capacity 0 must be an integer ≥ 1');
  });
});
