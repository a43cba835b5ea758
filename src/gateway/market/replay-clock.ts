import type { Clock } from '../../core/clock.js';

export const MIN_REPLAY_SPEED = 1;
export const MAX_REPLAY_SPEED = 5000;

export type ReplayMode = 'realtime' | 'manual';

export interface ReplayClockOptions {
  /** Exchange time (project convention) the replay starts at. */
  readonly start: number;
  /** Replayed milliseconds per wall-clock millisecond, 1 to 5000. */
  readonly speed: number;
  /** `realtime`: time runs with the wall clock times the speed; `manual`: time moves only when told to. */
  readonly mode: ReplayMode;
  /** Wall clock in ms; injectable for tests. */
  readonly wallNow?: () => number;
}

/**
 * The gateway's market time. In realtime mode it runs `speed` times faster than the wall clock from an anchor
 * that moves whenever the time is set; in manual mode it stands still until `set`.
 */
export class ReplayClock implements Clock {
  readonly mode: ReplayMode;
  /** Replayed milliseconds per wall-clock millisecond. */
  readonly speed: number;
  private readonly wallNow: () => number;
  private anchorTime: number;
  private anchorWall: number;

  constructor(options: ReplayClockOptions) {
    const { speed } = options;
    if (!(Number.isFinite(speed) && speed >= MIN_REPLAY_SPEED && speed <= MAX_REPLAY_SPEED)) {
      throw new RangeError(`speed ${speed} must be between ${MIN_REPLAY_SPEED} and ${MAX_REPLAY_SPEED}`);
    }
    if (!Number.isFinite(options.start)) throw new RangeError(`start ${options.start} is not a time`);
    this.mode = options.mode;
    this.speed = speed;
    this.wallNow = options.wallNow ?? Date.now;
    this.anchorTime = options.start;
    this.anchorWall = this.wallNow();
  }

  now(): number {
    if (this.mode === 'manual') return this.anchorTime;
    return this.anchorTime + (this.wallNow() - this.anchorWall) * this.speed;
  }

  /** Moves the replay to `time` (forward or back) and keeps running from there. */
  set(time: number): void {
    if (!Number.isFinite(time)) throw new RangeError(`time ${time} is not a time`);
    this.anchorTime = time;
    this.anchorWall = this.wallNow();
  }

  /** Wall-clock milliseconds until the replay reaches `time` (0 when it already has; infinite in manual mode). */
  wallDelayUntil(time: number): number {
    if (this.mode === 'manual') return Number.POSITIVE_INFINITY;
    return Math.max(0, (time - this.now()) / this.speed);
  }
}
