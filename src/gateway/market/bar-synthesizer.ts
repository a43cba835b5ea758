import type { SeededRandom } from '../../data/seeded-random.js';
import type { DayBars } from './day-bars.js';

/** The bar to subdivide. */
export interface ParentBar {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** How volume spreads over the sub-bars: a session's U shape (busy open and close) or evenly with noise. */
export type VolumeProfile = 'session' | 'flat';

/** Scratch space reused across calls: synthesis runs on the replay path and should not allocate per bar. */
export class SynthesisScratch {
  weights = new Float64Array(0);

  ensure(count: number): void {
    if (this.weights.length < count) this.weights = new Float64Array(count);
  }
}

function roundToTick(price: number): number {
  return price >= 1 ? Math.round(price * 100) / 100 : Math.round(price * 10_000) / 10_000;
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

/**
 * Writes `count` consecutive sub-bars of `parent` (times `startTime + i·stepMs`) into `out` at `offset`: a
 * constrained random walk that opens at the parent's open, closes at its close, touches its high and its low
 * exactly once each and never leaves [low, high], with the parent's volume split into whole shares. Aggregating
 * the sub-bars gives the parent back exactly. Intermediate prices are on the tick (0.01, or 0.0001 below USD 1).
 */
export function subdivideBar(
  parent: ParentBar,
  count: number,
  startTime: number,
  stepMs: number,
  random: SeededRandom,
  profile: VolumeProfile,
  out: DayBars,
  offset: number,
  scratch: SynthesisScratch,
): void {
  const { open: o, high: h, low: l, close: c } = parent;
  for (let i = 0; i < count; i++) out.time[offset + i] = startTime + i * stepMs;
  if (count === 1) {
    out.open[offset] = o;
    out.high[offset] = h;
    out.low[offset] = l;
    out.close[offset] = c;
    out.volume[offset] = parent.volume;
    return;
  }
  const last = count - 1;
  // Where the extremes are reached: at the open or close when the parent opened or closed there.
  let highAt = o >= h ? 0 : c >= h ? last : Math.floor(random.next() * count);
  let lowAt = o <= l ? 0 : c <= l ? last : Math.floor(random.next() * count);
  if (highAt === lowAt && h > l) {
    const free = o >= h || c >= h ? 'low' : 'high';
    const other = Math.floor(random.next() * last);
    const moved = other >= highAt ? other + 1 : other;
    if (free === 'low') lowAt = moved;
    else highAt = moved;
  }
  const range = h - l;
  const sigma = range / (2 * Math.sqrt(count));
  const closes = out.close;
  // Anchor points of the close path: the open before the first bar, near-extremes, the close at the end.
  const first = Math.min(highAt, lowAt);
  const second = Math.max(highAt, lowAt);
  const firstValue = first === highAt ? h - 0.1 * range : l + 0.1 * range;
  const secondValue = second === highAt ? h - 0.1 * range : l + 0.1 * range;
  let fromIndex = -1;
  let fromValue = o;
  const anchors: [number, number][] = [];
  if (first < last) anchors.push([first, firstValue]);
  if (second < last && second !== first) anchors.push([second, secondValue]);
  anchors.push([last, c]);
  for (const [toIndex, toValue] of anchors) {
    bridge(closes, offset, fromIndex, fromValue, toIndex, toValue, sigma, random, l, h);
    fromIndex = toIndex;
    fromValue = toValue;
  }
  closes[offset + last] = c;
  const wick = 0.5 * sigma;
  let previous = o;
  for (let i = 0; i < count; i++) {
    const k = offset + i;
    const barOpen = previous;
    const barClose = i === last ? c : clamp(roundToTick(closes[k]!), l, h);
    const top = Math.max(barOpen, barClose);
    const bottom = Math.min(barOpen, barClose);
    out.open[k] = barOpen;
    out.close[k] = barClose;
    out.high[k] = i === highAt ? h : clamp(roundToTick(top + Math.abs(random.normal()) * wick), top, h);
    out.low[k] = i === lowAt ? l : clamp(roundToTick(bottom - Math.abs(random.normal()) * wick), l, bottom);
    previous = barClose;
  }
  splitVolume(parent.volume, count, random, profile, out.volume, offset, scratch);
}

/** A Brownian bridge of closes from (fromIndex, fromValue) to (toIndex, toValue), clipped to [low, high]. */
function bridge(
  closes: Float64Array,
  offset: number,
  fromIndex: number,
  fromValue: number,
  toIndex: number,
  toValue: number,
  sigma: number,
  random: SeededRandom,
  low: number,
  high: number,
): void {
  const steps = toIndex - fromIndex;
  let walk = 0;
  for (let j = 1; j <= steps; j++) {
    walk += sigma * random.normal();
    closes[offset + fromIndex + j] = walk;
  }
  const end = walk;
  for (let j = 1; j <= steps; j++) {
    const k = offset + fromIndex + j;
    const share = j / steps;
    closes[k] = clamp(fromValue + (toValue - fromValue) * share + closes[k]! - end * share, low, high);
  }
}

/** Whole-share volumes summing exactly to `total`: cumulative rounding of noisy profile weights. */
function splitVolume(
  total: number,
  count: number,
  random: SeededRandom,
  profile: VolumeProfile,
  out: Float64Array,
  offset: number,
  scratch: SynthesisScratch,
): void {
  scratch.ensure(count);
  const weights = scratch.weights;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const x = count === 1 ? 0 : i / (count - 1);
    const shape = profile === 'session' ? 1 + 2.5 * Math.exp(-x / 0.06) + 1.5 * Math.exp(-(1 - x) / 0.05) : 1;
    const w = shape * Math.exp(0.5 * random.normal());
    weights[i] = w;
    sum += w;
  }
  const whole = Math.round(total);
  let cumulative = 0;
  let assigned = 0;
  for (let i = 0; i < count; i++) {
    cumulative += weights[i]!;
    const upTo = i === count - 1 ? whole : Math.round((whole * cumulative) / sum);
    out[offset + i] = upTo - assigned;
    assigned = upTo;
  }
}
