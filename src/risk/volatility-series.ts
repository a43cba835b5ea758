import { MS_PER_DAY } from '../domain/time.js';
import type { VolatilityMonitor } from './volatility-monitor.js';

/**
 * A volatility index's history (a backtest's VIX.csv) handed to the monitor as its values become known, so that no
 * bar sees an index value from its future. A daily index bar (stamped at midnight) is known at that date's close: a
 * daily bar of the same date may use it (both are the day's close), an intraday bar only from the next day on.
 */
export class VolatilitySeries {
  private next = 0;

  constructor(
    private readonly time: ArrayLike<number>,
    private readonly close: ArrayLike<number>,
  ) {}

  /** Feeds the monitor every value usable at `barTime`. */
  advance(barTime: number, monitor: VolatilityMonitor): void {
    const intraday = barTime % MS_PER_DAY !== 0;
    while (this.next < this.time.length) {
      const t = this.time[this.next]!;
      const daily = t % MS_PER_DAY === 0;
      const knownAt = daily && intraday ? t + MS_PER_DAY : t;
      if (knownAt > barTime) return;
      monitor.update(t, this.close[this.next]!);
      this.next++;
    }
  }
}
