import type { TimeZone } from '../domain/time-zone.js';

/** The engine's only source of time: simulated in backtests, the wall clock live. */
export interface Clock {
  now(): number;
}

/** Advanced by the backtest runner to each bar's time. */
export class SimClock implements Clock {
  private current: number;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  set(time: number): void {
    this.current = time;
  }
}

/**
 * Wall-clock time in the project's convention (the exchange's wall time read as UTC, see Bar): the machine's clock
 * shifted by the exchange time zone's offset at this instant, daylight saving included.
 */
export class WallClock implements Clock {
  constructor(private readonly zone: TimeZone) {}

  now(): number {
    return this.zone.toLocal(Date.now());
  }
}
