import { describe, expect, it, vi } from 'vitest';
import {
  ChaosSpecError,
  parseChaosDuration,
  parseChaosSpec,
  runChaosSchedule,
} from '../../../src/gateway/faults/chaos-schedule.js';
import type { FaultController } from '../../../src/gateway/faults/fault-controller.js';
import { silentGatewayLogger } from '../../../src/gateway/logger.js';
import { HistoricalPacing, isSmallBarSize, type PacedRequest } from '../../../src/gateway/market/historical-pacing.js';
import { RateLimiter } from '../../../src/gateway/server/rate-limiter.js';

describe('message rate limiter', () => {
  it('allows 50 messages in any second and flags the 51st', () => {
    let now = 0;
    const limiter = new RateLimiter(50, 1000, () => now);
    for (let i = 0; i < 50; i++) {
      now = i * 10;
      expect(limiter.record()).toBe(false);
    }
    now = 999;
    expect(limiter.record()).toBe(true);
    now = 1000;
    expect(limiter.record()).toBe(false);
  });

  it('never flags a steady 50 messages per second', () => {
    let now = 0;
    const limiter = new RateLimiter(50, 1000, () => now);
    for (let i = 0; i < 500; i++) {
      now = i * 20;
      expect(limiter.record()).toBe(false);
    }
  });

  it('paces over a longer window (60 real-time bar requests per 10 minutes), not counting refusals', () => {
    let now = 0;
    const limiter = new RateLimiter(60, 600_000, () => now);
    for (let i = 0; i < 60; i++) {
      now = i * 1000;
      expect(limiter.record()).toBe(false);
    }
    expect(limiter.countInWindow()).toBe(60);
    now = 599_999;
    expect(limiter.record()).toBe(true);
    expect(limiter.countInWindow()).toBe(60);
    now = 600_000;
    expect(limiter.record()).toBe(false);
    expect(limiter.countInWindow()).toBe(60);
  });
});

describe('historical pacing', () => {
  const request = (id: string, contract = 'AAPL', smallBars = true): PacedRequest => ({
    identityKey: id,
    contractKey: contract,
    smallBars,
  });

  it('refuses an identical request within 15 seconds', () => {
    let now = 0;
    const pacing = new HistoricalPacing(() => now);
    expect(pacing.check(request('a'), 0)).toBeUndefined();
    now = 14_999;
    expect(pacing.check(request('a', 'other'), 0)).toBe('Historical data request pacing violation');
    now = 15_000;
    expect(pacing.check(request('a', 'other'), 0)).toBeUndefined();
  });

  it('refuses a sixth request for one contract within 2 seconds and a 61st within 10 minutes', () => {
    let now = 0;
    const pacing = new HistoricalPacing(() => now);
    for (let i = 0; i < 5; i++) expect(pacing.check(request(`r${i}`), 0)).toBeUndefined();
    expect(pacing.check(request('r5'), 0)).toBeDefined();
    now = 2_000;
    expect(pacing.check(request('r5'), 0)).toBeUndefined();
    for (let i = 6; i < 60; i++) {
      now += 2_000;
      expect(pacing.check(request(`r${i}`, `c${i}`), 0)).toBeUndefined();
    }
    now += 2_000;
    expect(pacing.check(request('r60', 'c60'), 0)).toBe('Historical data request pacing violation');
    now = 600_001;
    expect(pacing.check(request('r60', 'c60'), 0)).toBeUndefined();
  });

  it('refuses a request beyond 50 open ones, whatever its bar size', () => {
    const pacing = new HistoricalPacing(() => 0);
    expect(pacing.check(request('x'), 50)).toMatch(/simultaneous/);
    expect(pacing.check(request('daily', 'AAPL', false), 50)).toMatch(/simultaneous/);
    expect(pacing.check(request('daily', 'AAPL', false), 49)).toBeUndefined();
  });

  it('applies the identical, same-contract and 10-minute rules to bars of 30 seconds or less only', () => {
    let now = 0;
    const pacing = new HistoricalPacing(() => now);
    // 61 identical daily requests for one contract within 10 minutes (and six within 2 s) are all accepted.
    for (let i = 0; i < 61; i++) {
      now = i * 100;
      expect(pacing.check(request('daily', 'AAPL', false), 0)).toBeUndefined();
    }
    // Nor do they use up the small-bar budget.
    for (let i = 0; i < 60; i++) {
      now = 10_000 + i * 2_000;
      expect(pacing.check(request(`s${i}`, `c${i}`), 0)).toBeUndefined();
    }
    expect(pacing.check(request('s60', 'c60'), 0)).toBe('Historical data request pacing violation');
    expect(pacing.check(request('daily', 'c60', false), 0)).toBeUndefined();
  });

  it('treats bars of 30 seconds or less as small bars', () => {
    expect(isSmallBarSize({ kind: 'seconds', seconds: 5 })).toBe(true);
    expect(isSmallBarSize({ kind: 'seconds', seconds: 30 })).toBe(true);
    expect(isSmallBarSize({ kind: 'seconds', seconds: 60 })).toBe(false);
    expect(isSmallBarSize({ kind: 'day' })).toBe(false);
  });
});

describe('chaos schedule', () => {
  it('parses actions, start times, hold times and periods', () => {
    expect(parseChaosDuration('500ms')).toBe(500);
    expect(parseChaosDuration('1.5m')).toBe(90_000);
    expect(parseChaosDuration('2')).toBe(2_000);
    expect(
      parseChaosSpec(
        'drop@30s, 1100:1101@1m+10s; farm:ushmds@90s+5s,delay:800@2m+30s,restart@10m+15s/1d,drop:3@5s,commission:3s@0',
      ),
    ).toEqual([
      { action: { kind: 'drop', clientId: undefined }, atMs: 30_000, holdMs: 0, everyMs: undefined },
      { action: { kind: 'connectivity', restoreCode: 1101 }, atMs: 60_000, holdMs: 10_000, everyMs: undefined },
      { action: { kind: 'farm', farm: 'ushmds' }, atMs: 90_000, holdMs: 5_000, everyMs: undefined },
      { action: { kind: 'delay', ms: 800 }, atMs: 120_000, holdMs: 30_000, everyMs: undefined },
      { action: { kind: 'restart' }, atMs: 600_000, holdMs: 15_000, everyMs: 86_400_000 },
      { action: { kind: 'drop', clientId: 3 }, atMs: 5_000, holdMs: 0, everyMs: undefined },
      { action: { kind: 'commission', ms: 3_000 }, atMs: 0, holdMs: 60_000, everyMs: undefined },
    ]);
  });

  it('refuses malformed schedules with a message', () => {
    expect(() => parseChaosSpec('explode@1s')).toThrow(ChaosSpecError);
    expect(() => parseChaosSpec('farm:moon@1s')).toThrow(/farm:moon: name one of usfarm, ushmds, secdefnj/);
    expect(() => parseChaosSpec('1100:1103@1s')).toThrow(/restore with 1101 or 1102/);
    expect(() => parseChaosSpec('drop')).toThrow(/is not action@start/);
    expect(() => parseChaosSpec('drop@soon')).toThrow(/not a duration/);
    expect(() => parseChaosSpec('commission@1s')).toThrow(/commission needs a duration/);
  });

  it('fires the faults at their times and ends them after their hold time', () => {
    vi.useFakeTimers();
    try {
      const calls: string[] = [];
      const faults = {
        dropConnections: (id?: number) => calls.push(`drop ${String(id)}`),
        loseConnectivity: () => calls.push('lost'),
        restoreConnectivity: (kept: boolean) => calls.push(`restored ${kept ? 1102 : 1101}`),
        setFarm: (farm: string, up: boolean) => calls.push(`${farm} ${up ? 'up' : 'down'}`),
        delayResponses: (ms: number) => calls.push(`delay ${ms}`),
        delayCommissionReports: (ms: number) => calls.push(`commission ${ms}`),
        restart: () => Promise.resolve(),
      } as unknown as FaultController;
      const stop = runChaosSchedule(
        parseChaosSpec('1100@1s+2s,drop@2s/2s,farm:usfarm@4s+1s,commission:800ms@2500ms+2s'),
        faults,
        silentGatewayLogger,
      );
      vi.advanceTimersByTime(5_500);
      // At 4 s the farm fault (scheduled first) fires before the repeated drop.
      expect(calls).toEqual([
        'lost',
        'drop undefined',
        'commission 800',
        'restored 1102',
        'usfarm down',
        'drop undefined',
        'commission 0',
        'usfarm up',
      ]);
      stop();
      vi.advanceTimersByTime(10_000);
      expect(calls).toHaveLength(8);
    } finally {
      vi.useRealTimers();
    }
  });
});
