/**
 * Counts weighted events in a sliding window: an event at time t counts while now < t + windowMs. Holds at most
 * `limit` events when used as a gate, so a plain array is enough. An event may be started before its time is known
 * (`start`, counting as long as it is open) and given its time when it ends (`settle`).
 */
export class SlidingWindowCounter {
  private readonly events: { readonly time: number; readonly weight: number }[] = [];
  private sum = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!(limit > 0 && windowMs > 0)) throw new RangeError(`limit ${limit} and window ${windowMs} must be > 0`);
  }

  /** Weight of the events still in the window at `now`. */
  total(now: number): number {
    this.prune(now);
    return this.sum;
  }

  /** True when nothing is left in the window at `now` (the counter can be dropped). */
  isEmpty(now: number): boolean {
    return this.total(now) === 0;
  }

  /** The earliest time ≥ now at which `weight` more fits within the limit; Infinity if it never can. */
  earliest(now: number, weight = 1): number {
    if (weight > this.limit) return Infinity;
    this.prune(now);
    let excess = this.sum + weight - this.limit;
    if (excess <= 0) return now;
    for (const event of this.events) {
      excess -= event.weight;
      if (excess <= 0) return event.time + this.windowMs;
    }
    return Infinity; // unreachable: the whole window leaving frees `sum` ≥ excess
  }

  record(time: number, weight = 1): void {
    this.events.push({ time, weight });
    this.sum += weight;
  }

  /** An event whose time is not known yet: it counts until `settle` gives it one (open events stay last). */
  start(weight = 1): void {
    this.record(Infinity, weight);
  }

  /** An open event of `weight` takes `time` (no earlier than any time recorded before), and ages from there. */
  settle(time: number, weight = 1): void {
    const open = this.events.findIndex((event) => event.time === Infinity && event.weight === weight);
    if (open < 0) return;
    this.events.splice(open, 1);
    let at = this.events.findIndex((event) => event.time === Infinity);
    if (at < 0) at = this.events.length;
    this.events.splice(at, 0, { time, weight });
  }

  private prune(now: number): void {
    let drop = 0;
    while (drop < this.events.length && now >= this.events[drop]!.time + this.windowMs) {
      this.sum -= this.events[drop]!.weight;
      drop++;
    }
    if (drop > 0) this.events.splice(0, drop);
  }
}
