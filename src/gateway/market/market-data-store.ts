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
  /** Day blocks of five-second bars kept in memory (each about 220 KB for a full session). */
  readonly cacheDays?: number;
}

/**
 * Every symbol's bars, served as five-second bars per trading day. Daily source bars are subdivided into a
 * regular session of five-second bars by a seeded constrained random walk; intraday source bars are subdivided
 * into their five-second parts the same way. A (symbol, day) block depends only on the seed, so history and the
 * live replay of the same day agree, and recently used blocks stay cached.
 */
export class MarketDataStore {
  private readonly sources = new Map<string, SymbolSource>();
  private readonly cache = new Map<string, DayBars>();
  private readonly cacheLimit: number;
  private readonly seed: number;
  private readonly scratch = new SynthesisScratch();

  constructor(series: readonly BarSeries[], options: MarketDataStoreOptions) {
    this.seed = options.seed;
    this.cacheLimit = Math.max(8, options.cacheDays ?? 600);
    for (const s of series) this.sources.set(s.symbol.toUpperCase(), describe(s));
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

  /** The symbol's five-second bars of a day, or undefined when the symbol has no data that day. */
  dayBars(symbol: string, day: number): DayBars | undefined {
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
    this.cache.set(key, bars);
    if (this.cache.size > this.cacheLimit) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return bars;
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
