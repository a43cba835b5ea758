import { describe, expect, it } from 'vitest';
import { parseTime } from '../../src/domain/time.js';
import { EquityCurve, equitySeries } from '../../src/performance/equity-curve.js';

const D = parseTime('2024-03-01');
const H = 3_600_000;

describe('EquityCurve', () => {
  it('appends rows, replaces a repeated time and refuses time going back', () => {
    const curve = new EquityCurve(16);
    curve.append(D, 100, 100, 0);
    curve.append(D + H, 50, 50, 50);
    curve.append(D + H, 40, 39, 61);
    expect(curve.length).toBe(2);
    expect(() => {
      curve.append(D, 1, 1, 1);
    }).toThrow(/before the last recorded time/);
    const rows = curve.rows();
    expect([...rows.time]).toEqual([D, D + H]);
    expect([...rows.cash]).toEqual([100, 40]);
    expect([...rows.settledCash]).toEqual([100, 39]);
    expect([...rows.positionsValue]).toEqual([0, 61]);
    expect([...equitySeries(rows).equity]).toEqual([100, 101]);
  });

  it('grows past its initial capacity without losing rows', () => {
    const curve = new EquityCurve(16);
    for (let i = 0; i < 1000; i++) curve.append(D + i * H, i, i, 2 * i);
    const series = equitySeries(curve.rows());
    expect(series.length).toBe(1000);
    expect(series.time[999]).toBe(D + 999 * H);
    expect(series.equity[999]).toBe(3 * 999);
  });
});
