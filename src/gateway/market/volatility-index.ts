import { BarSeriesBuilder } from '../../data/bar-series-builder.js';
import { SeededRandom } from '../../data/seeded-random.js';
import type { BarSeries } from '../../domain/bar.js';
import { MS_PER_DAY } from '../../domain/time.js';

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * A SYNTHETIC volatility index (no relation to the real VIX's history): daily bars of a mean-reverting log
 * process around 17 with occasional spikes, on the given trading days. Indexes have no volume.
 */
export function generateVolatilityIndex(symbol: string, days: readonly number[], seed: number): BarSeries {
  const random = new SeededRandom(seed, `index:${symbol}`);
  const builder = new BarSeriesBuilder(symbol, days.length);
  const mean = Math.log(17);
  let level = mean + 0.2 * random.normal();
  for (const day of days) {
    const previous = Math.exp(level);
    const spike = random.next() < 0.02 ? random.between(0.15, 0.45) : 0;
    level += 0.06 * (mean - level) + 0.065 * random.normal() + spike;
    level = Math.min(Math.max(level, Math.log(9)), Math.log(85));
    const close = round2(Math.exp(level));
    const open = round2(previous * Math.exp(0.02 * random.normal()));
    const swing = 0.03 + 0.04 * Math.abs(random.normal());
    const high = round2(Math.max(open, close) * (1 + swing * random.next()));
    const low = round2(Math.min(open, close) * (1 - swing * random.next()));
    builder.push(day * MS_PER_DAY, open, Math.max(high, open, close), Math.min(low, open, close), close, 0);
  }
  return builder.build();
}
