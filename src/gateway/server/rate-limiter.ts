/**
 * Counts a client's messages over a sliding one-second window: `record()` says whether the message just received
 * takes the client over `maxPerSecond`. O(1) per message: a ring of the last `maxPerSecond` arrival times.
 */
export class MessageRateLimiter {
  private readonly times: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(
    readonly maxPerSecond: number,
    private readonly wallNow: () => number = Date.now,
  ) {
    if (!(Number.isInteger(maxPerSecond) && maxPerSecond > 0)) {
      throw new RangeError(`maxPerSecond ${maxPerSecond} must be a whole number > 0`);
    }
    this.times = new Float64Array(maxPerSecond);
  }

  /** Records a message; true when it is the (max+1)-th within one second. */
  record(): boolean {
    const now = this.wallNow();
    const full = this.filled === this.times.length;
    if (full && now - this.times[this.next]! < 1000) return true;
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.times.length;
    if (!full) this.filled++;
    return false;
  }

  /** Messages received in the last second (for the error text). */
  countLastSecond(): number {
    const now = this.wallNow();
    let count = 0;
    for (let i = 0; i < this.filled; i++) if (now - this.times[i]! < 1000) count++;
    return count;
  }
}
