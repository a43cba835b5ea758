import { SeededRandom } from '../../data/seeded-random.js';
import { barAt, type BarSeries } from '../../domain/bar.js';
import { MS_PER_DAY, dayNumber } from '../../domain/time.js';
import { subdivideBar, SynthesisScratch, type ParentBar } from './bar-synthesizer.js';
import { DayBars } from './day-bars.js';
import { BAR_MS, RTH_BARS, RTH_CLOSE_MS, RTH_OPEN_MS } from './exchange-calendar.js';

/** How a symbol's source bars relate to trading days. */
interface SymbolSource {
  readonly series: BarSeries;
  /** Daily bars (stamped at midnight) or intraday bars of `intervalMs`. */
  readonly intervalMs: number | 'daily';
  /** day → [first, end) indexes into the series. */
  readonly days: Map<number, readonly [number, number]>;
  readonly dayList: Int32Array;
}

export interface MarketDataStoreOptions {
  readonly seed: number;
  /** Bytes of five-second day blocks kept in memory, least recently used dropped first. Default 64 MB. */
  readonly cacheBytes?: number;
}

/** Default size of the day-block cache: about 300 full sessions. */
export const DEFAULT_BAR_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Every symbol's bars, served as five-second bars per trading day. Daily source bars are subdivided into a
 * regular session of five-second bars by a seeded constrained random walk; intraday source bars are subdivided
 * into their five-second parts the same way. A (symbol, day) block depends only on the seed, so history and the
 * live replay of the same day agree, and recently used blocks stay cached up to a byte budget (a block dropped is
 * synthesised again, identically, when next needed): years of history for many symbols pass through the cache
 * without staying in memory.
 */
export class MarketDataStore {
  private readonly sources = new Map<string, SymbolSource>();
  /** Least recently used first (a Map keeps insertion order; a hit re-inserts). */
  private readonly cache = new Map<string, DayBars>();
  private cacheBytes = 0;
  /** The replay's current day of each symbol it plays: always at hand, outside the cache's budget. */
  private readonly pinned = new Map<string, DayBars>();
  /** The cache's byte budget. */
  readonly cacheLimitBytes: number;
  private readonly seed: number;
  private readonly scratch = new SynthesisScratch();

  constructor(series: readonly BarSeries[], options: MarketDataStoreOptions) {
    this.seed = options.seed;
    const limit = options.cacheBytes ?? DEFAULT_BAR_CACHE_BYTES;
    if (!(Number.isFinite(limit) && limit >= 0)) throw new RangeError(`cacheBytes ${limit} must be a number ≥ 0`);
    this.cacheLimitBytes = limit;
    for (const s of series) this.sources.set(s.symbol.toUpperCase(), describe(s));
  }

  /** Bytes of five-second bars held in the cache now. */
  get cachedBytes(): number {
    return this.cacheBytes;
  }

  /** Trading days with data for the symbol, ascending. */
  days(symbol: string): Int32Array {
    return this.sources.get(symbol)?.dayList ?? new Int32Array(0);
  }

  /** Every day any symbol has data for. */
  allDays(): number[] {
    const days = new Set<number>();
    for (const source of this.sources.values()) for (const day of source.dayList) days.add(day);
    return [...days].sort((a, b) => a - b);
  }

  /** When the day's last bar ends (exchange time), or undefined when the symbol has no data that day. */
  sessionEnd(symbol: string, day: number): number | undefined {
    const source = this.sources.get(symbol);
    const range = source?.days.get(day);
    if (source === undefined || range === undefined) return undefined;
    if (source.intervalMs === 'daily') return day * MS_PER_DAY + RTH_CLOSE_MS;
    return source.series.time[range[1] - 1]! + source.intervalMs;
  }

  /** The day's bar as the source has it (daily source) or aggregated from its intraday bars. */
  dailyBar(symbol: string, day: number, regularHoursOnly: boolean): ParentBar | undefined {
    const source = this.sources.get(symbol);
    const range = source?.days.get(day);
    if (source === undefined || range === undefined) return undefined;
    const s = source.series;
    if (source.intervalMs === 'daily') return barAt(s, range[0]);
    let open = Number.NaN;
    let high = Number.NEGATIVE_INFINITY;
    let low = Number.POSITIVE_INFINITY;
    let close = Number.NaN;
    let volume = 0;
    const dayStart = day * MS_PER_DAY;
    for (let i = range[0]; i < range[1]; i++) {
      const ms = s.time[i]! - dayStart;
      if (regularHoursOnly && (ms < RTH_OPEN_MS || ms >= RTH_CLOSE_MS)) continue;
      if (Number.isNaN(open)) open = s.open[i]!;
      high = Math.max(high, s.high[i]!);
      low = Math.min(low, s.low[i]!);
      close = s.close[i]!;
      volume += s.volume[i]!;
    }
    return Number.isNaN(open) ? undefined : { open, high, low, close, volume };
  }

  /**
   * The symbol's bars of `day`, kept at hand (outside the cache's budget) until the symbol's next pinned day or
   * `unpin`: the replay's working set, which the history requests passing through the cache must not evict.
   */
  pin(symbol: string, day: number): DayBars | undefined {
    const held = this.pinned.get(symbol);
    if (held?.day === day) return held;
    const bars = this.dayBars(symbol, day);
    this.unpin(symbol);
    if (bars === undefined) return undefined;
    const key = `${symbol}:${day}`;
    if (this.cache.delete(key)) this.cacheBytes -= bars.byteLength;
    this.pinned.set(symbol, bars);
    return bars;
  }

  /** Returns the symbol's pinned day to the cache (as its most recently used block). */
  unpin(symbol: string): void {
    const held = this.pinned.get(symbol);
    if (held === undefined) return;
    this.pinned.delete(symbol);
    this.remember(`${symbol}:${held.day}`, held);
  }

  /** The symbol's five-second bars of a day, or undefined when the symbol has no data that day. */
  dayBars(symbol: string, day: number): DayBars | undefined {
    const held = this.pinned.get(symbol);
    if (held?.day === day) return held;
    const key = `${symbol}:${day}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const source = this.sources.get(symbol);
    const range = source?.days.get(day);
    if (source === undefined || range === undefined) return undefined;
    const bars = this.synthesize(symbol, day, source, range);
    this.remember(key, bars);
    return bars;
  }

  /** Adds a block as the most recently used, then drops the least recently used ones beyond the budget. */
  private remember(key: string, bars: DayBars): void {
    if (this.cache.has(key)) return;
    this.cache.set(key, bars);
    this.cacheBytes += bars.byteLength;
    // The newest block stays even when it alone exceeds the budget: the caller is about to use it.
    for (const [oldKey, old] of this.cache) {
      if (this.cacheBytes <= this.cacheLimitBytes || old === bars) break;
      this.cache.delete(oldKey);
      this.cacheBytes -= old.byteLength;
    }
  }

  private synthesize(symbol: string, day: number, source: SymbolSource, range: readonly [number, number]): DayBars {
    const random = new SeededRandom(this.seed, `${symbol}:${day}`);
    const s = source.series;
    if (source.intervalMs === 'daily') {
      const out = new DayBars(symbol, day, RTH_BARS);
      subdivideBar(
        barAt(s, range[0]),
        RTH_BARS,
        day * MS_PER_DAY + RTH_OPEN_MS,
        BAR_MS,
        random,
        'session',
        out,
        0,
        this.scratch,
      );
      out.length = RTH_BARS;
      return out;
    }
    const parts = source.intervalMs / BAR_MS;
    const out = new DayBars(symbol, day, (range[1] - range[0]) * parts);
    let offset = 0;
    for (let i = range[0]; i < range[1]; i++) {
      subdivideBar(barAt(s, i), parts, s.time[i]!, BAR_MS, random, 'flat', out, offset, this.scratch);
      offset += parts;
    }
    out.length = offset;
    return out;
  }
}

function describe(series: BarSeries): SymbolSource {
  const days = new Map<number, [number, number]>();
  let daily = true;
  let interval = Number.POSITIVE_INFINITY;
  for (let i = 0; i < series.length; i++) {
    const time = series.time[i]!;
    const day = dayNumber(time);
    if (time !== day * MS_PER_DAY) daily = false;
    const range = days.get(day);
    if (range === undefined) {
      days.set(day, [i, i + 1]);
    } else {
      range[1] = i + 1;
      const gap = time - series.time[i - 1]!;
      if (gap > 0) interval = Math.min(interval, gap);
    }
  }
  if (!daily) {
    if (!Number.isFinite(interval)) interval = 60_000;
    if (interval % BAR_MS !== 0) {
      throw new RangeError(
        `${series.symbol}: intraday bars every ${interval / 1000} s cannot be split into five-second bars`,
      );
    }
  }
  return {
    series,
    intervalMs: daily ? 'daily' : interval,
    days,
    dayList: Int32Array.from([...days.keys()].sort((a, b) => a - b)),
  };
}
