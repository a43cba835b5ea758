import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarSeriesBuilder } from '../../src/data/bar-series-builder.js';
import { generateSampleSeries } from '../../src/data/generate-sample-series.js';
import type { MarketEvent as Bar } from '../../src/domain/events.js';
import { BAR_SIZE_NAMES, parseBarSize, type BarSize } from '../../src/domain/bar-size.js';
import { MS_PER_DAY } from '../../src/domain/time.js';
import { aggregateBars } from '../../src/gateway/market/historical-bars.js';
import type { BarSize as GatewayBarSize } from '../../src/gateway/market/historical-request.js';
import { MarketDataStore } from '../../src/gateway/market/market-data-store.js';
import { BarAggregator, type BarAggregatorOptions } from '../../src/live/bar-aggregator.js';

/** Monday 2024-03-04 as a day number. */
const D = Date.UTC(2024, 2, 4) / MS_PER_DAY;

/** Exchange time of `hh:mm:ss` on `day`. */
function at(hh: number, mm: number, ss = 0, day = D): number {
  return day * MS_PER_DAY + ((hh * 60 + mm) * 60 + ss) * 1000;
}

function five(symbol: string, time: number, open: number, high: number, low: number, close: number, volume = 100): Bar {
  return { type: 'market', symbol, time, open, high, low, close, volume };
}

function size(text: string): BarSize {
  const parsed = parseBarSize(text);
  if (parsed === undefined) throw new Error(`bad size ${text}`);
  return parsed;
}

function aggregator(
  text: string,
  options: Omit<BarAggregatorOptions, 'size' | 'onBar'> = {},
): { agg: BarAggregator; out: Bar[] } {
  const out: Bar[] = [];
  const agg = new BarAggregator({ ...options, size: size(text), onBar: (bar) => out.push(bar) });
  return { agg, out };
}

/**
 * Five-second bars from `from` (inclusive) to `to` (exclusive) for a symbol, each a little above the last: bar i
 * opens at base + i/100, closes 0.01 higher, spans ±0.05, and trades 100 + i shares.
 */
function run(symbol: string, from: number, to: number, base = 100): Bar[] {
  const bars: Bar[] = [];
  for (let t = from, i = 0; t < to; t += 5000, i++) {
    const open = base + i / 100;
    bars.push(five(symbol, t, open, open + 0.05, open - 0.05, open + 0.01, 100 + i));
  }
  return bars;
}

/** The bar the five-second bars make, by hand. */
function expected(bars: readonly Bar[], time: number): Bar {
  return {
    type: 'market',
    symbol: bars[0]!.symbol,
    time,
    open: bars[0]!.open,
    high: Math.max(...bars.map((b) => b.high)),
    low: Math.min(...bars.map((b) => b.low)),
    close: bars[bars.length - 1]!.close,
    volume: bars.reduce((sum, b) => sum + b.volume, 0),
  };
}

function pushAll(agg: BarAggregator, bars: readonly Bar[]): void {
  for (const bar of bars) agg.push(bar);
}

describe('BarAggregator intraday bars', () => {
  it('aligns 5-minute bars to 09:30 and emits one on its 09:34:55 bar', () => {
    const { agg, out } = aggregator('5 mins');
    const bars = run('A', at(9, 30), at(9, 40));
    pushAll(agg, bars.slice(0, 59));
    expect(out).toEqual([]);
    expect(agg.openPeriodStart('A')).toBe(at(9, 30));
    expect(agg.openPeriodEnd('A')).toBe(at(9, 35));
    agg.push(bars[59]!); // 09:34:55
    expect(out).toEqual([expected(bars.slice(0, 60), at(9, 30))]);
    expect(agg.openPeriodStart('A')).toBeNaN();
    pushAll(agg, bars.slice(60));
    expect(out).toEqual([expected(bars.slice(0, 60), at(9, 30)), expected(bars.slice(60), at(9, 35))]);
  });

  it('builds exact 1-minute and 15-minute bars', () => {
    const bars = run('A', at(9, 30), at(10, 0));
    const minutes = aggregator('1 min');
    const quarters = aggregator('15 mins');
    pushAll(minutes.agg, bars);
    pushAll(quarters.agg, bars);
    expect(minutes.out).toHaveLength(30);
    expect(minutes.out[7]).toEqual(expected(bars.slice(7 * 12, 8 * 12), at(9, 37)));
    expect(quarters.out).toEqual([expected(bars.slice(0, 180), at(9, 30)), expected(bars.slice(180), at(9, 45))]);
  });

  it('passes five-second bars through unchanged for 5 secs', () => {
    const { agg, out } = aggregator('5 secs');
    const bars = run('A', at(9, 30), at(9, 31));
    pushAll(agg, bars);
    expect(out).toHaveLength(12);
    expect(out[3]).toBe(bars[3]);
  });

  it('stamps the first hourly bar of the session 09:30 and ignores pre-market bars', () => {
    const { agg, out } = aggregator('1 hour');
    const early = run('A', at(9, 0), at(9, 30));
    const session = run('A', at(9, 30), at(10, 0), 101);
    pushAll(agg, early);
    expect(agg.outsideHoursCount).toBe(360);
    pushAll(agg, session);
    expect(out).toEqual([expected(session, at(9, 30))]);
  });

  it('keeps extended-hours bars, stamped with the period start, when not restricted to regular hours', () => {
    const { agg, out } = aggregator('1 hour', { rthOnly: false });
    const bars = run('A', at(9, 0), at(10, 0));
    pushAll(agg, bars);
    expect(out).toEqual([expected(bars, at(9, 0))]);
    expect(agg.outsideHoursCount).toBe(0);
  });

  it('ends a period that straddles the close at the close', () => {
    const { agg, out } = aggregator('3 hours');
    const bars = run('A', at(15, 0), at(16, 0));
    pushAll(agg, bars);
    expect(out).toEqual([expected(bars, at(15, 0))]);
    agg.push(five('A', at(16, 0), 1, 1, 1, 1));
    expect(out).toHaveLength(1);
  });

  it('completes a period whose last five-second bar never comes with the next period’s first bar', () => {
    const { agg, out } = aggregator('5 mins');
    const bars = run('A', at(9, 30), at(9, 34, 55));
    pushAll(agg, bars);
    expect(out).toEqual([]);
    const next = five('A', at(9, 35), 200, 201, 199, 200.5, 7);
    agg.push(next);
    expect(out).toEqual([expected(bars, at(9, 30))]);
    expect(agg.openPeriodStart('A')).toBe(at(9, 35));
    agg.flush(Number.POSITIVE_INFINITY);
    expect(out[1]).toEqual(expected([next], at(9, 35)));
  });

  it('completes a period on flush once the exchange clock reaches its end, and ignores its late bars', () => {
    const { agg, out } = aggregator('5 mins');
    const bars = run('A', at(9, 30), at(9, 35));
    pushAll(agg, bars.slice(0, 59));
    agg.flush(at(9, 35) - 1);
    expect(out).toEqual([]);
    agg.flush(at(9, 35));
    expect(out).toEqual([expected(bars.slice(0, 59), at(9, 30))]);
    agg.push(bars[59]!);
    expect(out).toHaveLength(1);
    expect(agg.closedPeriodCount).toBe(1);
    expect(agg.openPeriodStart('A')).toBeNaN();
    agg.flush(at(23, 0));
    expect(out).toHaveLength(1);
  });

  it('ignores and counts repeated and out-of-order bars, never counting one twice', () => {
    const { agg, out } = aggregator('1 min');
    const bars = run('A', at(9, 30), at(9, 31));
    pushAll(agg, bars.slice(0, 6));
    agg.push(bars[5]!); // IB repeats a bar
    agg.push({ ...bars[2]!, volume: 1e6 }); // an overlapping backfill
    pushAll(agg, bars.slice(3, 12)); // backfill overlapping what was seen
    expect(agg.duplicateCount).toBe(5);
    expect(out).toEqual([expected(bars, at(9, 30))]);
    expect(agg.coveredUntil('A')).toBe(at(9, 31));
  });

  it('interleaves symbols without mixing them', () => {
    const { agg, out } = aggregator('1 min');
    const a = run('A', at(9, 30), at(9, 32), 100);
    const b = run('B', at(9, 30), at(9, 32), 50);
    for (let i = 0; i < a.length; i++) {
      agg.push(b[i]!);
      agg.push(a[i]!);
      if (i % 5 === 0) agg.push(b[i]!); // a repeat of B between them
    }
    expect(out).toEqual([
      expected(b.slice(0, 12), at(9, 30)),
      expected(a.slice(0, 12), at(9, 30)),
      expected(b.slice(12), at(9, 31)),
      expected(a.slice(12), at(9, 31)),
    ]);
    expect(agg.duplicateCount).toBe(5);
  });

  it('flushes every symbol’s open period that has ended, and only those', () => {
    const { agg, out } = aggregator('1 min');
    agg.push(five('A', at(9, 30), 1, 2, 0.5, 1.5, 10));
    agg.push(five('B', at(9, 31), 3, 4, 2.5, 3.5, 20));
    agg.flush(at(9, 31, 30));
    expect(out).toEqual([five('A', at(9, 30), 1, 2, 0.5, 1.5, 10)]);
    agg.flush(at(9, 32));
    expect(out[1]).toEqual(five('B', at(9, 31), 3, 4, 2.5, 3.5, 20));
  });
});

describe('BarAggregator seed and backfill planning', () => {
  it('skips live bars of periods that history already covers', () => {
    const { agg, out } = aggregator('1 hour');
    expect(agg.coveredUntil('A')).toBeNaN();
    expect(agg.acceptsFrom('A')).toBeNaN();
    agg.seed('A', at(9, 30)); // the first hourly bar, 09:30–10:00, came from history
    expect(agg.acceptsFrom('A')).toBe(at(10, 0));
    const covered = run('A', at(9, 50), at(10, 0));
    const live = run('A', at(10, 0), at(11, 0), 102);
    pushAll(agg, covered);
    expect(agg.closedPeriodCount).toBe(covered.length);
    expect(agg.coveredUntil('A')).toBe(at(10, 0));
    pushAll(agg, live);
    expect(out).toEqual([expected(live, at(10, 0))]);
  });

  it('drops an open period that a later seed shows history has', () => {
    const { agg, out } = aggregator('5 mins');
    pushAll(agg, run('A', at(9, 30), at(9, 32)));
    agg.seed('A', at(9, 30));
    expect(agg.openPeriodStart('A')).toBeNaN();
    const next = run('A', at(9, 35), at(9, 40));
    pushAll(agg, next);
    expect(out).toEqual([expected(next, at(9, 35))]);
    expect(agg.acceptsFrom('A')).toBe(at(9, 40));
  });

  it('skips the whole seeded day for daily bars', () => {
    const { agg, out } = aggregator('1 day');
    agg.seed('A', D * MS_PER_DAY);
    pushAll(agg, run('A', at(15, 0), at(16, 0)));
    expect(out).toEqual([]);
    expect(agg.acceptsFrom('A')).toBe((D + 1) * MS_PER_DAY);
  });
});

describe('BarAggregator daily bars', () => {
  it('emits the session at its 15:59:55 bar, stamped midnight, without extended hours', () => {
    const { agg, out } = aggregator('1 day');
    const pre = run('A', at(8, 0), at(9, 30), 90);
    const session = run('A', at(9, 30), at(16, 0));
    const post = run('A', at(16, 0), at(17, 0), 200);
    pushAll(agg, pre);
    pushAll(agg, session.slice(0, -1));
    expect(out).toEqual([]);
    agg.push(session[session.length - 1]!);
    expect(out).toEqual([expected(session, D * MS_PER_DAY)]);
    pushAll(agg, post);
    expect(out).toHaveLength(1);
    expect(agg.outsideHoursCount).toBe(pre.length + post.length);
  });

  it('closes early when the session does', () => {
    const sessionClose = (day: number): number => (day === D ? at(13, 0, 0, day) : at(16, 0, 0, day));
    const { agg, out } = aggregator('1 day', { sessionClose });
    const session = run('A', at(9, 30), at(13, 0));
    pushAll(agg, session);
    expect(out).toEqual([expected(session, D * MS_PER_DAY)]);
  });

  it('completes a day without its last bar by the next day’s first bar or by flush', () => {
    const first = aggregator('1 day');
    const day1 = run('A', at(9, 30), at(15, 0));
    pushAll(first.agg, day1);
    first.agg.push(five('A', at(9, 30, 0, D + 1), 1, 1, 1, 1)); // a new session, open with it
    expect(first.out).toEqual([expected(day1, D * MS_PER_DAY)]);
    const second = aggregator('1 day');
    pushAll(second.agg, day1);
    second.agg.flush(at(15, 59, 59));
    expect(second.out).toEqual([]);
    second.agg.flush(at(16, 0));
    expect(second.out).toEqual([expected(day1, D * MS_PER_DAY)]);
  });

  it('includes extended hours in the day when not restricted to regular hours', () => {
    const { agg, out } = aggregator('1 day', { rthOnly: false });
    const day = run('A', at(4, 0), at(20, 0));
    pushAll(agg, day);
    expect(out).toEqual([]);
    agg.flush((D + 1) * MS_PER_DAY);
    expect(out).toEqual([expected(day, D * MS_PER_DAY)]);
  });
});

describe('BarAggregator volume', () => {
  it('keeps sums exact for whole and decimal volumes', () => {
    const { agg, out } = aggregator('1 min');
    agg.push(five('A', at(9, 30), 1, 1, 1, 1, 0.1));
    agg.push(five('A', at(9, 30, 5), 1, 1, 1, 1, 0.2));
    agg.push(five('A', at(9, 30, 10), 1, 1, 1, 1, 2 ** 40 + 1));
    agg.flush(at(9, 31));
    expect(out[0]!.volume).toBe(2 ** 40 + 1.3);
  });

  it('leaves quote bars without volume (IB’s −1)', () => {
    const { agg, out } = aggregator('1 min');
    for (const bar of run('A', at(9, 30), at(9, 31))) agg.push({ ...bar, volume: -1 });
    expect(out[0]!.volume).toBe(-1);
  });
});

/** The gateway's name for a bar size. */
function gatewaySize(s: BarSize): GatewayBarSize {
  return s.daily ? { kind: 'day' } : { kind: 'seconds', seconds: s.ms / 1000 };
}

/** Every five-second bar the gateway has for the symbol on its days, in time order, as the live feed delivers them. */
function fiveSecondBars(store: MarketDataStore, symbol: string): Bar[] {
  const bars: Bar[] = [];
  for (const day of store.days(symbol)) {
    const d = store.dayBars(symbol, day)!;
    for (let i = 0; i < d.length; i++) {
      bars.push(five(symbol, d.time[i]!, d.open[i]!, d.high[i]!, d.low[i]!, d.close[i]!, d.volume[i] ?? 0));
    }
  }
  return bars;
}

/**
 * Asserts that aggregating the gateway's five-second bars gives the gateway's historical bars of every size IB
 * offers up to a day; with regular hours only, every bar must come out without a flush.
 */
function expectParity(store: MarketDataStore, symbol: string, rthOnly: boolean, sizes = BAR_SIZE_NAMES): void {
  const days = store.days(symbol);
  const start = days[0]! * MS_PER_DAY;
  const end = (days[days.length - 1]! + 1) * MS_PER_DAY;
  const input = fiveSecondBars(store, symbol);
  for (const text of sizes) {
    const { agg, out } = aggregator(text, { rthOnly });
    pushAll(agg, input);
    if (!rthOnly) agg.flush(end);
    const history = aggregateBars(store, symbol, start, end, gatewaySize(size(text)), rthOnly);
    const want = history.map((b) => ({
      type: 'market',
      symbol,
      time: b.time,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      volume: b.volume,
    }));
    expect(want.length, text).toBeGreaterThan(0);
    expect(out, text).toEqual(want);
  }
}

describe('BarAggregator parity with the embedded gateway’s historical bars', () => {
  it('continues history exactly for every bar size on a daily-source symbol (regular hours)', () => {
    const [series] = generateSampleSeries({ symbols: ['SYNA'], start: '2021-03-01', days: 3, seed: 11 });
    const store = new MarketDataStore([series!], { seed: 11 });
    expectParity(store, 'SYNA', true);
  });

  it('continues history exactly on a minute-source symbol with extended hours, with and without them', () => {
    const builder = new BarSeriesBuilder('MIN', 1200);
    let price = 50;
    for (const day of [D, D + 1]) {
      for (let minute = 8 * 60; minute < 18 * 60; minute++) {
        const open = price;
        price = Math.round((price + ((minute * 13) % 7) / 100 - 0.03) * 100) / 100;
        const t = day * MS_PER_DAY + minute * 60_000;
        builder.push(t, open, Math.max(open, price) + 0.03, Math.min(open, price) - 0.01, price, 500 + minute);
      }
    }
    const store = new MarketDataStore([builder.build()], { seed: 4 });
    expectParity(store, 'MIN', true);
    // The gateway stamps a bar with its first five-second bar, the aggregator with the period start: outside regular
    // hours they differ where the day's data starts inside a period (08:00 in a 3-hour bar from 06:00).
    expectParity(
      store,
      'MIN',
      false,
      BAR_SIZE_NAMES.filter((text) => text !== '3 hours'),
    );
  });
});

describe('BarAggregator properties', () => {
  type Step =
    | { kind: 'bar'; symbol: string; advance: number; prices: number[]; volume: number }
    | { kind: 'repeat'; symbol: string; back: number; volume: number }
    | { kind: 'flush'; advance: number };

  const symbolArb = fc.constantFrom('A', 'B', 'C');
  const advanceArb = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3000 }));
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 10,
      arbitrary: fc.record({
        kind: fc.constant('bar' as const),
        symbol: symbolArb,
        advance: advanceArb,
        prices: fc.array(fc.integer({ min: 9000, max: 11000 }), { minLength: 4, maxLength: 4 }),
        volume: fc.integer({ min: 0, max: 100_000 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('repeat' as const),
        symbol: symbolArb,
        back: fc.nat(5),
        volume: fc.integer({ min: 1, max: 100 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('flush' as const), advance: advanceArb }) },
  );

  /** A naive model: group accepted bars by symbol and period, in arrival order. */
  function model(bars: readonly Bar[], s: BarSize, rthOnly: boolean): Bar[] {
    const last = new Map<string, number>();
    const groups = new Map<string, Bar[]>();
    for (const bar of bars) {
      if (bar.time <= (last.get(bar.symbol) ?? -Infinity)) continue;
      last.set(bar.symbol, bar.time);
      const day = Math.floor(bar.time / MS_PER_DAY);
      const open = day * MS_PER_DAY + 9.5 * 3_600_000;
      const close = day * MS_PER_DAY + 16 * 3_600_000;
      if (rthOnly && (bar.time < open || bar.time >= close)) continue;
      const start = s.daily ? day * MS_PER_DAY : Math.floor(bar.time / s.ms) * s.ms;
      const key = `${bar.symbol}@${start}`;
      const group = groups.get(key) ?? [];
      group.push(bar);
      groups.set(key, group);
    }
    return [...groups.values()].map((group) => {
      const first = group[0]!;
      const day = Math.floor(first.time / MS_PER_DAY);
      const start = s.daily ? day * MS_PER_DAY : Math.floor(first.time / s.ms) * s.ms;
      const stamp = s.daily || !rthOnly ? start : Math.max(start, day * MS_PER_DAY + 9.5 * 3_600_000);
      return expected(group, stamp);
    });
  }

  const byKey = (a: Bar, b: Bar): number => a.symbol.localeCompare(b.symbol) || a.time - b.time;

  it('builds the bars a naive grouping builds: volume conserved, high ≥ open, close ≥ low', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BAR_SIZE_NAMES),
        fc.boolean(),
        fc.array(stepArb, { maxLength: 300 }),
        (text, rthOnly, steps) => {
          const s = size(text);
          const { agg, out } = aggregator(text, { rthOnly });
          const pushed: Bar[] = [];
          const history = new Map<string, Bar[]>();
          let now = at(9, 0);
          for (const step of steps) {
            if (step.kind === 'flush') {
              now += step.advance * 5000;
              // Every later bar starts at or after `now`, as the exchange clock promises.
              agg.flush(now);
              continue;
            }
            let bar: Bar;
            if (step.kind === 'repeat') {
              const seen = history.get(step.symbol) ?? [];
              const old = seen[Math.max(0, seen.length - 1 - step.back)];
              if (old === undefined) continue;
              bar = { ...old, volume: step.volume };
            } else {
              now += step.advance * 5000;
              const [o, h, l, c] = step.prices.map((p) => p / 100) as [number, number, number, number];
              const high = Math.max(o, h, l, c);
              const low = Math.min(o, h, l, c);
              bar = five(step.symbol, now, o, high, low, c, step.volume);
              history.set(step.symbol, [...(history.get(step.symbol) ?? []), bar]);
            }
            pushed.push(bar);
            agg.push(bar);
          }
          agg.flush(Number.POSITIVE_INFINITY);
          const want = model(pushed, s, rthOnly);
          expect([...out].sort(byKey)).toEqual([...want].sort(byKey));
          expect(agg.closedPeriodCount).toBe(0);
          const sum = (bars: readonly Bar[]): number => bars.reduce((acc, b) => acc + b.volume, 0);
          expect(sum(out)).toBe(sum(want));
          for (const bar of out) {
            expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
            expect(Math.min(bar.open, bar.close)).toBeGreaterThanOrEqual(bar.low);
          }
          for (const symbol of ['A', 'B', 'C']) {
            const times = out.filter((b) => b.symbol === symbol).map((b) => b.time);
            for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
