/**
 * Counts events over a sliding window: `record()` says whether the event just seen would be the (max+1)-th within
 * `windowMs`, in which case it is not counted. O(1) per event: a ring of the last `max` counted times.
 */
export class RateLimiter {
  private readonly times: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly wallNow: () => number = Date.now,
  ) {
    if (!(Number.isInteger(max) && max > 0)) throw new RangeError(`max ${max} must be a whole number > 0`);
    this.times = new Float64Array(max);
  }

  /** Counts an event; true (and not counted) when `max` events were counted within the window already. */
  record(): boolean {
    const now = this.wallNow();
    const full = this.filled === this.times.length;
    if (full && now - this.times[this.next]! < this.windowMs) return true;
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.times.length;
    if (!full) this.filled++;
    return false;
  }

  /** Events counted within the window (for error texts). */
  countInWindow(): number {
    const now = this.wallNow();
    let count = 0;
    for (let i = 0; i < this.filled; i++) if (now - this.times[i]! < this.windowMs) count++;
    return count;
  }
}
