import { describe, expect, it } from 'vitest';
import { MS_PER_DAY } from '../../src/domain/time.js';
import { RapidLossMonitor } from '../../src/risk/rapid-loss.js';

const MINUTE = 60_000;
const T = Date.UTC(2024, 0, 2, 10);

describe('RapidLossMonitor', () => {
  it('fires when the value falls loss_pct from the peak within the window, exactly at the limit', () => {
    const m = new RapidLossMonitor({ windowMinutes: 15, lossPct: 2 });
    expect(m.observe(T, 100_000)).toBeNull();
    expect(m.observe(T + 5 * MINUTE, 98_001)).toBeNull();
    expect(m.observe(T + 10 * MINUTE, 98_000)).toMatchObject({ value: 2, limit: 2 });
  });

  it('forgets a peak older than the window', () => {
    const m = new RapidLossMonitor({ windowMinutes: 15, lossPct: 2 });
    m.observe(T, 100_000);
    m.observe(T + 10 * MINUTE, 99_000);
    expect(m.observe(T + 15 * MINUTE + 1, 97_100)).toBeNull(); // 1.92 % below 99,000
    expect(m.observe(T + 16 * MINUTE, 97_020)).toMatchObject({ value: 2 });
  });

  it('counts bars with daily data', () => {
    const m = new RapidLossMonitor({ windowMinutes: 2, lossPct: 5 });
    const day = (d: number) => Date.UTC(2024, 0, 2) + d * MS_PER_DAY;
    m.observe(day(0), 100);
    m.observe(day(1), 99);
    m.observe(day(2), 98);
    expect(m.observe(day(3), 94.06)).toBeNull(); // peak of the last 3 bars is 99: 4.99 %
    const verdict = m.observe(day(4), 93)!;
    expect(verdict.value).toBeCloseTo((1 - 93 / 98) * 100, 9);
    expect(verdict.reason).toContain('within 2 bars');
  });

  it('counts bars, not observations, when a bar is observed again (entries screened at its time)', () => {
    const m = new RapidLossMonitor({ windowMinutes: 2, lossPct: 2 });
    const day = (d: number) => Date.UTC(2024, 0, 2) + d * MS_PER_DAY;
    // Each bar observed four times: counted as observations, the window shrank to less than one bar and the 2 %
    // fall from the first bar's 100,000 went unseen.
    for (let k = 0; k < 4; k++) expect(m.observe(day(0), 100_000)).toBeNull();
    for (let k = 0; k < 4; k++) expect(m.observe(day(1), 99_000)).toBeNull();
    expect(m.observe(day(2), 98_000)).toMatchObject({ value: 2, limit: 2 });
  });

  it('stays quiet with no data yet and on flat equity', () => {
    const m = new RapidLossMonitor({ windowMinutes: 15, lossPct: 0 });
    expect(m.observe(T, 100)).toBeNull();
    expect(m.observe(T + MINUTE, 100)).toBeNull();
  });
});
