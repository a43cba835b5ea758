/**
 * Synthetic daily bars for demos and self-contained tests. The data is SYNTHETIC: made-up tickers, prices from a
 * seeded random walk, no relation to any real security or market. It is shaped to exercise the strategies: a
 * common market factor with bull/bear/calm regimes, per-symbol trend and range regimes, volatility clustering,
 * opening gaps and volumes that swell on large moves.
 */
import type { BarSeries } from '../domain/bar.js';
import { MS_PER_DAY, dayNumber } from '../domain/time.js';
import { BarSeriesBuilder } from './bar-series-builder.js';
import { timeBound, weekdayOnOrAfter } from './civil-date.js';
import { SeededRandom } from './seeded-random.js';

export const DEFAULT_SAMPLE_SYMBOLS = ['SYNA', 'SYNB', 'SYNC', 'SYND', 'SYNE', 'SYNX'] as const;
/** The index-like member of the default set: market factor only, for alpha/beta. */
export const SAMPLE_BENCHMARK_SYMBOL = 'SYNX';
export const DEFAULT_SAMPLE_START = '2019-01-02';
/** About six years of weekday sessions. */
export const DEFAULT_SAMPLE_DAYS = 1512;
export const DEFAULT_SAMPLE_SEED = 42;

export interface SampleSeriesOptions {
  readonly symbols?: readonly string[];
  /** First session (moved forward to a weekday): epoch ms or `YYYY-MM-DD`. */
  readonly start?: number | string;
  /** Number of weekday bars per symbol. */
  readonly days?: number;
  readonly seed?: number;
}

interface Regime {
  readonly drift: number;
  readonly volatility: number;
}

/** Market regimes: daily drift and volatility of log returns. */
const MARKET_REGIMES: readonly Regime[] = [
  { drift: 0.0007, volatility: 0.008 },
  { drift: -0.0009, volatility: 0.017 },
  { drift: 0.0001, volatility: 0.006 },
];
/** Per-symbol regimes on top of the market: up trend, down trend, range-bound. */
const SYMBOL_REGIMES: readonly Regime[] = [
  { drift: 0.0012, volatility: 0.011 },
  { drift: -0.0011, volatility: 0.014 },
  { drift: 0, volatility: 0.013 },
];
const MARKET_SWITCH_PROBABILITY = 1 / 90;
const SYMBOL_SWITCH_PROBABILITY = 1 / 45;
/** Pull back toward the regime's anchor price in range-bound regimes, so that RSI extremes revert. */
const RANGE_REVERSION = 0.04;

function roundCents(x: number): number {
  return Math.round(x * 100) / 100;
}

function pickRegime(random: SeededRandom, regimes: readonly Regime[], current: number): number {
  const next = Math.floor(random.next() * (regimes.length - 1));
  return next >= current ? next + 1 : next;
}

/** The market factor's daily log returns, shared by every symbol of a seed. */
function marketReturns(seed: number, days: number): Float64Array {
  const random = new SeededRandom(seed, 'market');
  const returns = new Float64Array(days);
  let regime = 0;
  for (let i = 0; i < days; i++) {
    if (random.next() < MARKET_SWITCH_PROBABILITY) regime = pickRegime(random, MARKET_REGIMES, regime);
    const { drift, volatility } = MARKET_REGIMES[regime]!;
    returns[i] = drift + volatility * random.normal();
  }
  return returns;
}

function generateSymbol(
  symbol: string,
  seed: number,
  firstDay: number,
  market: Float64Array,
  benchmark: boolean,
): BarSeries {
  const random = new SeededRandom(seed, symbol);
  const days = market.length;
  const builder = new BarSeriesBuilder(symbol, days);
  const beta = benchmark ? 1 : random.between(0.6, 1.6);
  const idiosyncratic = benchmark ? 0.15 : 1;
  const baseVolume = benchmark ? 60e6 : Math.round(random.between(0.5, 9)) * 1e6;
  let close = benchmark ? 2500 : roundCents(random.between(15, 220));
  let regime = Math.floor(random.next() * SYMBOL_REGIMES.length);
  let anchor = close;
  let volatilityScale = 1;
  let day = firstDay;
  for (let i = 0; i < days; i++) {
    day = weekdayOnOrAfter(day);
    if (random.next() < SYMBOL_SWITCH_PROBABILITY) {
      regime = pickRegime(random, SYMBOL_REGIMES, regime);
      anchor = close;
    }
    const { drift, volatility } = SYMBOL_REGIMES[regime]!;
    // Volatility clusters: a slowly mean-reverting multiplier with occasional shocks.
    volatilityScale = 0.94 * volatilityScale + 0.06 + (random.next() < 0.01 ? random.between(0.5, 1.5) : 0);
    const reversion = drift === 0 ? RANGE_REVERSION * Math.log(anchor / close) : 0;
    const own = idiosyncratic * (drift + reversion + volatility * volatilityScale * random.normal());
    const logReturn = beta * market[i]! + own;
    const sigma = Math.abs(beta) * 0.01 + idiosyncratic * volatility * volatilityScale;
    const gap = 0.3 * sigma * random.normal();
    const previous = close;
    const open = Math.max(0.01, roundCents(previous * Math.exp(gap)));
    close = Math.max(0.01, roundCents(previous * Math.exp(logReturn)));
    const high = roundCents(Math.max(open, close) * Math.exp(0.45 * sigma * Math.abs(random.normal())));
    const low = Math.max(0.01, roundCents(Math.min(open, close) * Math.exp(-0.45 * sigma * Math.abs(random.normal()))));
    const surprise = Math.abs(logReturn) / sigma;
    const volume = Math.round((baseVolume * Math.exp(0.3 * random.normal()) * (0.6 + 0.4 * surprise)) / 100) * 100;
    builder.push(
      day * MS_PER_DAY,
      open,
      Math.max(high, open, close),
      Math.min(low, open, close),
      close,
      Math.max(100, volume),
    );
    day++;
  }
  return builder.build();
}

/**
 * Deterministic synthetic daily bars (weekdays only, no holidays): the same options give the same bars, and a
 * symbol's bars do not depend on which other symbols are requested.
 */
export function generateSampleSeries(options: SampleSeriesOptions = {}): BarSeries[] {
  const symbols = options.symbols ?? DEFAULT_SAMPLE_SYMBOLS;
  const days = options.days ?? DEFAULT_SAMPLE_DAYS;
  const seed = options.seed ?? DEFAULT_SAMPLE_SEED;
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days ${days} must be a whole number ≥ 1`);
  const firstDay = weekdayOnOrAfter(dayNumber(timeBound(options.start ?? DEFAULT_SAMPLE_START, 'start')));
  const market = marketReturns(seed, days);
  return symbols.map((symbol) => generateSymbol(symbol, seed, firstDay, market, symbol === SAMPLE_BENCHMARK_SYMBOL));
}
