import type { Clock } from '../core/clock.js';

/**
 * Exchange time as the broker vouches for it: the latest server time or bar end seen, carried forward with the
 * machine's clock. Against TWS it follows the exchange's wall clock; against a gateway replaying history at speed
 * it follows the replay, which runs faster than the wall clock but whose every bar moves this clock on.
 */
export class BrokerClock implements Clock {
  private base: number;
  private baseWall: number;

  constructor(
    start: number,
    private readonly wallNow: () => number = Date.now,
  ) {
    this.base = start;
    this.baseWall = wallNow();
  }

  now(): number {
    return this.base + (this.wallNow() - this.baseWall);
  }

  /** An exchange time the broker has just shown to have passed; the clock never goes back. */
  observe(time: number): void {
    if (!(time > this.now())) return;
    this.base = time;
    this.baseWall = this.wallNow();
  }
}
