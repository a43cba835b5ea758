import type { BarSeries } from '../domain/bar.js';
import { MS_PER_DAY, dayNumber } from '../domain/time.js';
import { BarSeriesBuilder } from './bar-series-builder.js';

/** The symbol of the index derived from a data set: what `trading.volatility.symbol` watches by default. */
export const DERIVED_INDEX_SYMBOL = 'VIX';

/** Weight of yesterday's variance in the exponentially weighted estimate (RiskMetrics' daily decay). */
const DECAY = 0.94;
/** Annualised volatility assumed before the first return: a calm market. */
const PRIOR_VOLATILITY = 0.16;
/** Implied volatility sits above realised when markets are calm: index = OFFSET + PREMIUM × realised volatility in %. */
const PREMIUM = 0.9;
const OFFSET = 4;
const FLOOR = 9;

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Each series' last close of each day (daily bars are one per day; intraday bars give the day's last). */
function dailyCloses(series: readonly BarSeries[]): { days: number[]; closes: Map<number, number>[] } {
  const days = new Set<number>();
  const closes = series.map((s) => {
    const byDay = new Map<number, number>();
    for (let i = 0; i < s.length; i++) {
      const day = dayNumber(s.time[i]!);
      byDay.set(day, s.close[i]!);
      days.add(day);
    }
    return byDay;
  });
  return { days: [...days].sort((a, b) => a - b), closes };
}

/**
 * A SYNTHETIC volatility index derived from a data set (no relation to the real VIX): one daily bar per day of
 * the data, closing at the annualised realised volatility of the equally weighted portfolio of the series
 * (exponentially weighted daily log returns), scaled as implied volatility sits above realised, in index points.
 * The same bars give the same index, bit for bit, so `ets data sample` writes it as `VIX.csv` beside the stocks
 * and the embedded gateway serves the very same values when a data directory has none. A day's bar opens at the
 * previous close; indexes have no volume.
 */
export function deriveVolatilityIndex(series: readonly BarSeries[], symbol = DERIVED_INDEX_SYMBOL): BarSeries {
  const { days, closes } = dailyCloses(series);
  const builder = new BarSeriesBuilder(symbol, Math.max(1, days.length));
  let variance = (PRIOR_VOLATILITY * PRIOR_VOLATILITY) / 252;
  let previous = Number.NaN;
  for (let d = 0; d < days.length; d++) {
    if (d > 0) {
      let sum = 0;
      let count = 0;
      for (const byDay of closes) {
        const before = byDay.get(days[d - 1]!);
        const now = byDay.get(days[d]!);
        if (before === undefined || now === undefined || !(before > 0) || !(now > 0)) continue;
        sum += Math.log(now / before);
        count++;
      }
      if (count > 0) {
        const r = sum / count;
        variance = DECAY * variance + (1 - DECAY) * r * r;
      }
    }
    const close = round2(Math.max(FLOOR, OFFSET + PREMIUM * 100 * Math.sqrt(252 * variance)));
    const open = Number.isNaN(previous) ? close : previous;
    builder.push(days[d]! * MS_PER_DAY, open, Math.max(open, close), Math.min(open, close), close, 0);
    previous = close;
  }
  return builder.build();
}
