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
 * Wall-clock time in the project's convention (exchange wall time read as UTC): the machine's UTC time shifted by
 * the exchange's offset from UTC, given in minutes (New York: −300 in winter, −240 in summer).
 */
export class WallClock implements Clock {
  constructor(private readonly offsetMinutes = 0) {}

  now(): number {
    return Date.now() + this.offsetMinutes * 60_000;
  }
}
