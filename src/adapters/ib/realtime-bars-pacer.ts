import { SlidingWindowCounter } from './history-pacer.js';

/** IB's limit on new reqRealTimeBars requests (TWS API docs, "5 Second Real Time Bars"). */
export const REALTIME_BARS_LIMITS = {
  max: 60,
  windowMs: 600_000,
} as const;

export interface RealtimeBarsPacerOptions {
  /** New requests allowed within any window (default 60). */
  readonly max?: number;
  /** Window length in ms (default 10 minutes). */
  readonly windowMs?: number;
  /**
   * Added to the window (default 100 ms): IB counts arrivals on its side, and a delayed earlier request can arrive
   * closer to a later one than we sent them.
   */
  readonly marginMs?: number;
  /** Wall clock in ms; injectable for tests. */
  readonly now?: () => number;
  /** Timer; injectable for tests. */
  readonly setTimer?: (callback: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
}

/**
 * Admits at most 60 new real-time-bar subscriptions in any 10 minutes. Within the budget a request is sent at once
 * (synchronously, so subscribing stays in the caller's turn); beyond it requests wait in FIFO order and leave as the
 * window makes room, one timer at a time. Re-subscribing after a reconnection counts as new requests too, which is
 * why a live node with many symbols needs this gate.
 */
export class RealtimeBarsPacer {
  private readonly window: SlidingWindowCounter;
  private readonly now: () => number;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;
  private waiting: (() => void)[] = [];
  private timer: unknown = undefined;

  constructor(options: RealtimeBarsPacerOptions = {}) {
    const max = options.max ?? REALTIME_BARS_LIMITS.max;
    if (!(Number.isInteger(max) && max > 0)) throw new RangeError(`max ${max} must be a whole number > 0`);
    const margin = options.marginMs ?? 100;
    if (!(margin >= 0)) throw new RangeError(`marginMs ${margin} must be ≥ 0`);
    this.window = new SlidingWindowCounter(max, (options.windowMs ?? REALTIME_BARS_LIMITS.windowMs) + margin);
    this.now = options.now ?? (() => Date.now());
    this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.clearTimer =
      options.clearTimer ??
      ((timer) => {
        clearTimeout(timer as NodeJS.Timeout);
      });
  }

  /** Requests waiting for the window to make room. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Sends at once when the window has room and nothing waits before it, else queues `send`. */
  request(send: () => void): void {
    this.waiting.push(send);
    // Only the first in line can go now; anything else is already behind a timer.
    if (this.waiting.length === 1) this.drain();
  }

  /** Drops every queued request (the connection they were for is gone); returns how many were dropped. */
  cancelQueued(): number {
    const dropped = this.waiting.length;
    this.waiting = [];
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    return dropped;
  }

  private drain(): void {
    while (this.waiting.length > 0) {
      const now = this.now();
      const at = this.window.earliest(now);
      if (at > now) {
        if (this.timer === undefined) {
          this.timer = this.setTimer(() => {
            this.timer = undefined;
            this.drain();
          }, at - now);
        }
        return;
      }
      this.window.record(now);
      // Removed before sending: a send that requests again (synchronously) must queue behind the rest.
      this.waiting.shift()!();
    }
  }
}
