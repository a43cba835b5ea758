import { describe, expect, it } from 'vitest';
import { AtrRiskScale } from '../../src/risk/atr-risk-scale.js';

/** A bar of AAA whose true range is `range` around a close of 100 (ATR% = ATR / 100). */
function bar(range: number) {
  return { symbol: 'AAA', time: 0, open: 100, high: 100 + range / 2, low: 100 - range / 2, close: 100, volume: 1 };
}

describe('AtrRiskScale', () => {
  it('is 1 until the lookback is full, then median ATR% over current ATR%, at most 1', () => {
    const scale = new AtrRiskScale({ atrPeriod: 2, lookbackBars: 3 });
    // ATR(2) is ready from the third bar (two true ranges); three ATR% values fill the ring.
    for (const range of [2, 2, 2, 2]) scale.onBar(bar(range));
    expect(scale.factor('AAA')).toBe(1);
    scale.onBar(bar(2));
    expect(scale.factor('AAA')).toBe(1); // calm as usual: median = current
    scale.onBar(bar(6)); // ATR(2) = (2 + 6) / 2 = 4: ring 2%, 2%, 4%
    expect(scale.factor('AAA')).toBeCloseTo(0.02 / 0.04, 12);
    scale.onBar(bar(0)); // ATR = 2: ring 2%, 4%, 2%: calmer than the median never scales up
    expect(scale.factor('AAA')).toBe(1);
    expect(scale.factor('BBB')).toBe(1);
  });
});
