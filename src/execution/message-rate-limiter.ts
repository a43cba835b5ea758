export interface MessageRateLimiterOptions {
  /** Messages allowed within any window. */
  readonly max: number;
  /** Window length in ms (TWS counts messages per second). */
  readonly windowMs?: number;
  /** Wall clock in ms; injectable for tests. */
  readonly now?: () => number;
  /** Timer; injectable for tests. */
  readonly setTimer?: (callback: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
}

/**
 * The one gate in front of the socket: every message to TWS goes through `send`, so that no burst (a halt
 * cancelling every order, a reconnection re-subscribing every symbol) can exceed the rate at which TWS disconnects
 * a client. At most `max` messages leave within any sliding window; a message within the budget is sent at once,
 * synchronously (the bar → order path never waits on a timer), later ones wait in FIFO order.
 *
 * The last `max` send times sit in a ring, so a send is O(1) and allocation-free while under the limit.
 */
export class MessageRateLimiter {
  private readonly times: Float64Array;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;
  private next = 0;
  private filled = 0;
  private readonly waiting: (() => void)[] = [];
  private timer: unknown = undefined;
  private delayedCount = 0;

  constructor(options: MessageRateLimiterOptions) {
    const { max } = options;
    if (!(Number.isInteger(max) && max > 0)) throw new RangeError(`max ${max} must be a whole number > 0`);
    this.times = new Float64Array(max);
    this.windowMs = options.windowMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.clearTimer =
      options.clearTimer ??
      ((timer) => {
        clearTimeout(timer as NodeJS.Timeout);
      });
  }

  /** Messages waiting for the window to make room. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Messages that had to wait, since the limiter was made. */
  get delayed(): number {
    return this.delayedCount;
  }

  /** Messages sent within the last window (for status pages). */
  get recent(): number {
    const now = this.now();
    let count = 0;
    for (let i = 0; i < this.filled; i++) if (now - this.times[i]! < this.windowMs) count++;
    return count;
  }

  /** Sends now when the window has room (and nothing waits before it), else queues the message. */
  send(message: () => void): void {
    if (this.waiting.length === 0 && this.hasRoom(this.now())) {
      this.record(this.now());
      message();
      return;
    }
    this.delayedCount++;
    this.waiting.push(message);
    this.schedule();
  }

  /** Drops every queued message (the socket they were for is gone); returns how many were dropped. */
  clear(): number {
    const dropped = this.waiting.length;
    this.waiting.length = 0;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    return dropped;
  }

  private hasRoom(now: number): boolean {
    return this.filled < this.times.length || now - this.times[this.next]! >= this.windowMs;
  }

  private record(now: number): void {
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.times.length;
    if (this.filled < this.times.length) this.filled++;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.waiting.length === 0) return;
    // The oldest send in the ring leaves the window first; it is the one at `next` once the ring is full.
    const wait = Math.max(0, this.times[this.next]! + this.windowMs - this.now());
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      this.drain();
    }, wait);
  }

  private drain(): void {
    let now = this.now();
    while (this.waiting.length > 0 && this.hasRoom(now)) {
      this.record(now);
      this.waiting.shift()!();
      now = this.now();
    }
    this.schedule();
  }
}
