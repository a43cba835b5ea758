import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimClock, WallClock } from '../../src/core/clock.js';
import { parseTime } from '../../src/domain/time.js';
import { TimeZone } from '../../src/domain/time-zone.js';

describe('clocks', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('SimClock shows the time it was set to', () => {
    const clock = new SimClock(5);
    expect(clock.now()).toBe(5);
    clock.set(parseTime('2024-01-02 09:30:00'));
    expect(clock.now()).toBe(parseTime('2024-01-02 09:30:00'));
  });

  it('WallClock reads New York wall time, daylight saving included', () => {
    const clock = new WallClock(new TimeZone('America/New_York'));
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2024, 0, 2, 14, 30));
    expect(clock.now()).toBe(parseTime('2024-01-02 09:30:00'));
    vi.setSystemTime(Date.UTC(2024, 6, 2, 13, 30));
    expect(clock.now()).toBe(parseTime('2024-07-02 09:30:00'));
  });
});
