import { MS_PER_DAY } from '../domain/time.js';
import type { RiskVerdict } from './risk-rule.js';

export interface RapidLossSettings {
  /** Window of intraday data; with daily data the same number counts bars. */
  readonly windowMinutes: number;
  readonly lossPct: number;
}

/**
 * Portfolio value down `lossPct` % from its highest value within the window → halt. The window is `windowMinutes`
 * of exchange time for intraday data and that many bars (plus the current one) for daily data, whose bars are whole
 * days apart. A monotonic queue keeps the window's peak, so each observation is O(1) amortised. The same time may be
 * observed more than once (a bar, then an entry screened at it): for daily data the window counts bars, not
 * observations, or every screened signal would shorten it.
 */
export class RapidLossMonitor {
  private readonly times: number[] = [];
  /** The bar (distinct time, counted from 0) of each observation in `times`. */
  private readonly bars: number[] = [];
  private bar = -1;
  private lastTime = Number.NaN;
  private head = 0;
  private seen = 0;
  private readonly indexes: number[] = [];
  private readonly peaks: number[] = [];
  private peakHead = 0;

  constructor(private readonly settings: RapidLossSettings) {}

  /** Records the equity at `time`; returns the breach when the loss within the window reaches the limit. */
  observe(time: number, equity: number): RiskVerdict | null {
    if (!Number.isFinite(equity)) return null;
    const index = this.seen++;
    if (time !== this.lastTime) {
      this.bar++;
      this.lastTime = time;
    }
    this.times.push(time);
    this.bars.push(this.bar);
    // Values below the newcomer can never be the peak again.
    while (this.peaks.length > this.peakHead && this.peaks.at(-1)! <= equity) {
      this.peaks.pop();
      this.indexes.pop();
    }
    this.peaks.push(equity);
    this.indexes.push(index);
    this.expire(time);
    const peak = this.peaks[this.peakHead]!;
    if (!(peak > 0)) return null;
    const lossPct = ((peak - equity) / peak) * 100;
    if (lossPct <= 0 || lossPct < this.settings.lossPct) return null;
    const daily = time % MS_PER_DAY === 0;
    const window = `${this.settings.windowMinutes} ${daily ? 'bars' : 'minutes'}`;
    return {
      value: lossPct,
      limit: this.settings.lossPct,
      reason: `rapid loss: portfolio value ${equity.toFixed(2)} is ${lossPct.toFixed(2)}% below its peak ${peak.toFixed(2)} within ${window} (limit ${this.settings.lossPct}%)`,
    };
  }

  /** Forgets the window: after a manual reset the loss is measured from the portfolio value from then on. */
  restart(): void {
    this.times.length = 0;
    this.bars.length = 0;
    this.bar = -1;
    this.lastTime = Number.NaN;
    this.head = 0;
    this.seen = 0;
    this.indexes.length = 0;
    this.peaks.length = 0;
    this.peakHead = 0;
  }

  private expire(time: number): void {
    const daily = time % MS_PER_DAY === 0;
    const w = this.settings.windowMinutes;
    const oldest = daily ? this.bar - Math.floor(w) : Number.NaN;
    const cutoff = time - w * 60_000;
    const base = this.seen - this.times.length;
    while (this.head < this.times.length) {
      const inWindow = daily ? this.bars[this.head]! >= oldest : this.times[this.head]! >= cutoff;
      if (inWindow) break;
      this.head++;
    }
    const first = base + this.head;
    while (this.indexes[this.peakHead]! < first) this.peakHead++;
    // Compact now and then, so that memory follows the window rather than the run.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.bars.splice(0, this.head);
      this.head = 0;
    }
    if (this.peakHead > 1024 && this.peakHead * 2 > this.peaks.length) {
      this.peaks.splice(0, this.peakHead);
      this.indexes.splice(0, this.peakHead);
      this.peakHead = 0;
    }
  }
}
