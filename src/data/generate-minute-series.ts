/**
 * Synthetic 1-minute bars (SYNTHETIC data: a seeded random walk, not a real market) for benchmarks and intraday
 * tests: weekday sessions of 390 bars stamped 09:30 … 15:59, prices with four decimals.
 */
import type { BarSeries } from '../domain/bar.js';
import { MS_PER_DAY, dayNumber } from '../domain/time.js';
import { BarSeriesBuilder } from './bar-series-builder.js';
import { timeBound, weekdayOnOrAfter } from './civil-date.js';
import { SeededRandom } from './seeded-random.js';

export const MINUTES_PER_SESSION = 390;
const SESSION_OPEN_MS = (9 * 60 + 30) * 60_000;

export interface MinuteSeriesOptions {
  readonly symbol?: string;
  /** Number of 1-minute bars. */
  readonly bars: number;
  readonly seed?: number;
  /** First session (moved forward to a weekday): epoch ms or `YYYY-MM-DD`. */
  readonly start?: number | string;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

export function generateMinuteSeries(options: MinuteSeriesOptions): BarSeries {
  const { bars } = options;
  if (!Number.isInteger(bars) || bars < 0) throw new RangeError(`bars ${bars} must be a whole number ≥ 0`);
  const symbol = options.symbol ?? 'SYNM';
  const random = new SeededRandom(options.seed ?? 7, symbol);
  const builder = new BarSeriesBuilder(symbol, bars);
  let day = weekdayOnOrAfter(dayNumber(timeBound(options.start ?? '2020-01-02', 'start')));
  let close = round4(random.between(20, 200));
  let minute = 0;
  let drift = 0;
  for (let i = 0; i < bars; i++) {
    if (minute === MINUTES_PER_SESSION) {
      minute = 0;
      day = weekdayOnOrAfter(day + 1);
      drift = 0.00004 * random.normal();
    }
    // U-shaped intraday activity: busier near the open and the close.
    const phase = minute / (MINUTES_PER_SESSION - 1);
    const activity = 0.6 + 1.6 * (phase - 0.5) * (phase - 0.5) * 4;
    const sigma = 0.0007 * activity;
    const open = minute === 0 ? round4(close * Math.exp(0.004 * random.normal())) : close;
    close = Math.max(0.0001, round4(open * Math.exp(drift + sigma * random.normal())));
    const high = round4(Math.max(open, close) * Math.exp(0.5 * sigma * Math.abs(random.normal())));
    const low = Math.max(0.0001, round4(Math.min(open, close) * Math.exp(-0.5 * sigma * Math.abs(random.normal()))));
    const volume = Math.max(1, Math.round(4000 * activity * Math.exp(0.5 * random.normal())));
    builder.push(
      day * MS_PER_DAY + SESSION_OPEN_MS + minute * 60_000,
      open,
      Math.max(high, open, close),
      Math.min(low, open, close),
      close,
      volume,
    );
    minute++;
  }
  return builder.build();
}
