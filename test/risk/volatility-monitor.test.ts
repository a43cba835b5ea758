import { describe, expect, it } from 'vitest';
import { MS_PER_DAY } from '../../src/domain/time.js';
import type { RiskEvent } from '../../src/risk/risk-events.js';
import { VolatilityMonitor, type VolatilitySettings } from '../../src/risk/volatility-monitor.js';
import { VolatilitySeries } from '../../src/risk/volatility-series.js';

const HOUR = 3_600_000;
const settings: VolatilitySettings = {
  symbol: 'VIX',
  pauseAbove: 35,
  reduceAbove: 25,
  riskFactor: 0.5,
  staleAfterMs: 96 * HOUR,
  whenMissing: 'pause_entries',
};

function monitor(overrides: Partial<VolatilitySettings> = {}) {
  const events: RiskEvent[] = [];
  return { events, vix: new VolatilityMonitor({ ...settings, ...overrides }, (e) => events.push(e)) };
}

describe('VolatilityMonitor', () => {
  it('pauses entries with no data yet, and says so once', () => {
    const { vix, events } = monitor();
    expect(vix.pauseVerdict(0)?.reason).toBe('VIX data missing: entries paused');
    vix.pauseVerdict(1);
    expect(events).toEqual([
      {
        type: 'risk_notice',
        time: 0,
        rule: 'volatility_data',
        value: Number.NaN,
        limit: 96,
        reason: 'no VIX data yet: entries paused',
      },
    ]);
    expect(vix.riskFactor(0)).toBe(1);
  });

  it('trades at full risk without data when told to allow', () => {
    const { vix } = monitor({ whenMissing: 'allow' });
    expect(vix.pauseVerdict(0)).toBeNull();
  });

  it('pauses above pause_above, not at it; scales risk above reduce_above, not at it', () => {
    const { vix } = monitor();
    vix.update(0, 35);
    expect(vix.pauseVerdict(0)).toBeNull();
    expect(vix.riskFactor(0)).toBe(0.5);
    vix.update(0, 35.01);
    expect(vix.pauseVerdict(0)).toEqual({ value: 35.01, limit: 35, reason: 'VIX 35.01 above 35: entries paused' });
    vix.update(0, 25);
    expect(vix.riskFactor(0)).toBe(1);
    vix.update(0, 25.01);
    expect(vix.riskFactor(0)).toBe(0.5);
  });

  it('treats a value older than stale_after_hours as stale, and reports going stale and coming back', () => {
    const { vix, events } = monitor();
    vix.update(0, 20);
    expect(vix.pauseVerdict(96 * HOUR)).toBeNull();
    expect(vix.pauseVerdict(96 * HOUR + 1)?.reason).toBe('VIX data stale (last 20 is older than 96 h): entries paused');
    expect(vix.riskFactor(96 * HOUR + 1)).toBe(1);
    vix.update(100 * HOUR, 21);
    expect(vix.pauseVerdict(100 * HOUR)).toBeNull();
    expect(events.map((e) => e.reason)).toEqual([
      'VIX data stale: last value 20 older than 96 h: entries paused',
      'VIX data current again (21) after being stale',
    ]);
  });
});

describe('VolatilitySeries', () => {
  const days = [0, 1, 2].map((d) => d * MS_PER_DAY);
  it('gives a daily bar its own date’s daily index value', () => {
    const { vix } = monitor();
    const series = new VolatilitySeries(days, [20, 30, 40]);
    series.advance(MS_PER_DAY, vix);
    expect(vix.level).toBe(30);
  });

  it('gives an intraday bar only the previous day’s daily value (no look-ahead)', () => {
    const { vix } = monitor();
    const series = new VolatilitySeries(days, [20, 30, 40]);
    series.advance(MS_PER_DAY + 10 * HOUR, vix);
    expect(vix.level).toBe(20);
    series.advance(2 * MS_PER_DAY + 10 * HOUR, vix);
    expect(vix.level).toBe(30);
  });
});
