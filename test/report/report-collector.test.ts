import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MS_PER_DAY, parseTime } from '../../src/domain/time.js';
import { PeriodKeys } from '../../src/report/candle-buckets.js';
import type { CandlesAhead } from '../../src/report/candle-reload-thread.js';
import type { PricePanel } from '../../src/report/price-panels.js';
import { ReportCollector, type BarReader } from '../../src/report/report-collector.js';
import type { FillRow, OrderRow } from '../../src/report/results-files.js';
import { SymbolCandles } from '../../src/report/symbol-candles.js';

/** A symbol's bars, in the columns of a panel's candles. */
type Bars = Pick<PricePanel, 'symbol' | 'time' | 'open' | 'high' | 'low' | 'close'>;

function barOf(bars: Bars, i: number) {
  return {
    symbol: bars.symbol,
    time: bars.time[i]!,
    open: bars.open[i]!,
    high: bars.high[i]!,
    low: bars.low[i]!,
    close: bars.close[i]!,
  };
}

type Period = PricePanel['period'];

/** The report's candles as a plain pass over all the bars would make them: the reference the streamed ones must equal. */
function bucket(period: Period, time: number, index: number): number {
  const day = Math.floor(time / MS_PER_DAY);
  if (period === 'bar') return index;
  if (period === 'day') return day;
  if (period === 'week') return Math.floor((day + 3) / 7);
  const d = new Date(time);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

function referenceCandles(bars: Bars, maxCandles: number) {
  for (const period of ['bar', 'day', 'week', 'month'] as const) {
    const c = {
      time: [] as number[],
      open: [] as number[],
      high: [] as number[],
      low: [] as number[],
      close: [] as number[],
    };
    let last = Number.NaN;
    bars.time.forEach((t, i) => {
      const key = bucket(period, t, i);
      if (key !== last) {
        c.time.push(t);
        c.open.push(bars.open[i]!);
        c.high.push(bars.high[i]!);
        c.low.push(bars.low[i]!);
        c.close.push(bars.close[i]!);
        last = key;
        return;
      }
      const k = c.time.length - 1;
      c.high[k] = Math.max(c.high[k]!, bars.high[i]!);
      c.low[k] = Math.min(c.low[k]!, bars.low[i]!);
      c.close[k] = bars.close[i]!;
    });
    if (c.time.length <= maxCandles || period === 'month') return { period, ...c };
  }
  throw new Error('unreachable');
}

function indexAt(times: readonly number[], time: number): number {
  let i = 0;
  while (i + 1 < times.length && times[i + 1]! <= time) i++;
  return i;
}

/** What the chart draws of the marks: the set of arrows per candle, and each kind's level line over the candles. */
function drawn(time: readonly number[], markers: PricePanel['markers'], levels: PricePanel['levels']) {
  const arrows = [...new Set(markers.map((m) => `${m.index} ${m.side} ${m.purpose}`))].sort();
  const lines = (['stop_loss', 'take_profit'] as const).map((kind) => {
    const line: (number | null)[] = time.map(() => null);
    for (const l of levels) if (l.kind === kind) for (let i = l.from; i <= l.to; i++) line[i] = l.price;
    return line;
  });
  return { arrows, lines };
}

/** The reference's marks: every fill an arrow; a level from its order to the first closing fill at or after it. */
function referenceMarks(time: readonly number[], fills: readonly FillRow[], orders: readonly OrderRow[]) {
  const markers = fills.map((f) => ({
    index: indexAt(time, f.time),
    side: f.side as 'BUY' | 'SELL',
    price: f.price,
    purpose: f.purpose,
  }));
  const closing = fills.filter((f) => f.purpose !== 'entry').map((f) => f.time);
  const levels = orders.flatMap((o) => {
    const price = o.purpose === 'stop_loss' ? o.stopPrice : o.purpose === 'take_profit' ? o.limitPrice : null;
    if (price === null) return [];
    const end = closing.find((t) => t >= o.time);
    return [
      {
        kind: o.purpose as 'stop_loss' | 'take_profit',
        from: indexAt(time, o.time),
        to: end === undefined ? time.length - 1 : indexAt(time, end),
        price,
      },
    ];
  });
  return drawn(time, markers, levels);
}

/** Bars at random gaps (minutes to weeks), so that every period has something to merge. */
const barsArbitrary = fc
  .array(
    fc.record({
      gap: fc.oneof(
        fc.integer({ min: 1, max: 600 }).map((m) => m * 60_000),
        fc.integer({ min: 1, max: 9 }).map((d) => d * MS_PER_DAY),
      ),
      open: fc.integer({ min: 1000, max: 2000 }),
      up: fc.integer({ min: 0, max: 50 }),
      down: fc.integer({ min: 0, max: 50 }),
      close: fc.integer({ min: 1000, max: 2000 }),
    }),
    { minLength: 1, maxLength: 400 },
  )
  .map((rows): Bars => {
    let t = parseTime('2020-01-01 09:30:00');
    const bars: Bars = { symbol: 'AAA', time: [], open: [], high: [], low: [], close: [] };
    for (const r of rows) {
      t += r.gap;
      bars.time.push(t);
      bars.open.push(r.open / 10);
      bars.close.push(r.close / 10);
      bars.high.push(Math.max(r.open, r.close) / 10 + r.up);
      bars.low.push(Math.min(r.open, r.close) / 10 - r.down);
    }
    return bars;
  });

/** Fills at some of the bars' times with the orders of a bracket before each entry. */
function recordsAt(bars: Bars, picks: readonly number[]): { fills: FillRow[]; orders: OrderRow[] } {
  const fills: FillRow[] = [];
  const orders: OrderRow[] = [];
  const times = [...new Set(picks.map((p) => bars.time[p % bars.time.length]!))].sort((a, b) => a - b);
  times.forEach((time, i) => {
    const entry = i % 2 === 0;
    const price = 100 + i;
    if (entry) {
      orders.push({ time, symbol: 'AAA', purpose: 'entry', limitPrice: null, stopPrice: null });
      orders.push({ time, symbol: 'AAA', purpose: 'stop_loss', limitPrice: null, stopPrice: price - 5 });
      orders.push({ time, symbol: 'AAA', purpose: 'take_profit', limitPrice: price + 5, stopPrice: null });
    }
    const purpose = entry ? 'entry' : i % 4 === 1 ? 'stop_loss' : 'exit';
    fills.push({ time, symbol: 'AAA', side: entry ? 'BUY' : 'SELL', quantity: 10, price, purpose });
    // a second arrow of the same kind at once: drawn on the same spot
    if (i % 3 === 0) fills.push({ time, symbol: 'AAA', side: entry ? 'BUY' : 'SELL', quantity: 5, price, purpose });
  });
  return { fills, orders };
}

/**
 * Feeds a collector as a run does: bars and records interleaved in time order, records after their slice's bars
 * (records alone with `barsAtEnd`: the bars come again through `panels`).
 */
function collect(
  bars: Bars,
  fills: readonly FillRow[],
  orders: readonly OrderRow[],
  options: ConstructorParameters<typeof ReportCollector>[0],
) {
  const collector = new ReportCollector(options);
  let f = 0;
  let o = 0;
  bars.time.forEach((t, i) => {
    if (options?.barsAtEnd !== true) {
      collector.slice(t);
      collector.bar(barOf(bars, i));
    }
    for (; o < orders.length && orders[o]!.time <= t; o++) {
      const r = orders[o]!;
      collector.order(r.time, r.symbol, r.purpose, r.limitPrice, r.stopPrice);
    }
    for (; f < fills.length && fills[f]!.time <= t; f++) {
      const r = fills[f]!;
      collector.fill(r.time, r.symbol, r.side, r.price, r.purpose);
    }
  });
  // drawn even without fills; a symbol that trades only now has let its fine candles go under a small budget
  collector.markTraded('AAA');
  return collector;
}

const reload =
  (bars: Bars): BarReader =>
  (_symbol, each) => {
    bars.time.forEach((_, i) => {
      each(barOf(bars, i));
    });
  };

/**
 * Candles gathered away from the collector as the candle thread gathers them — all of a symbol's bars into its
 * SymbolCandles, with a cap `extra` above the one asked for — handed over as plain data.
 */
function gatheredAhead(bars: Bars, extra: number): CandlesAhead {
  const caps = new Map<string, number>();
  return {
    request(symbol, cap) {
      caps.set(symbol, cap);
    },
    take(symbol) {
      const cap = caps.get(symbol);
      if (cap === undefined) return null;
      const chart = new SymbolCandles(symbol);
      const keys = new PeriodKeys();
      bars.time.forEach((t, i) => {
        keys.set(t);
        chart.add(keys, barOf(bars, i), cap + extra);
      });
      return structuredClone(chart.state());
    },
  };
}

describe('ReportCollector', () => {
  it('draws the candles a pass over all the bars would, in the finest period that fits, with the same arrows and levels', () => {
    fc.assert(
      fc.property(
        barsArbitrary,
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        fc.constantFrom(0, 5, 100_000),
        fc.boolean(),
        (bars, maxCandles, picks, fineBudget, barsAtEnd) => {
          const { fills, orders } = recordsAt(bars, picks);
          const options = { candlesPerSymbol: maxCandles, fineBudget, barsAtEnd };
          const panel = collect(bars, fills, orders, options).panels(reload(bars))[0]!;
          const expected = referenceCandles(bars, maxCandles);
          expect(panel.period).toBe(expected.period);
          expect({ t: panel.time, o: panel.open, h: panel.high, l: panel.low, c: panel.close }).toEqual({
            t: expected.time,
            o: expected.open,
            h: expected.high,
            l: expected.low,
            c: expected.close,
          });
          if (fills.length > 0) {
            expect(drawn(panel.time, panel.markers, panel.levels)).toEqual(
              referenceMarks(expected.time, fills, orders),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('draws the same from candles gathered ahead with a higher cap, without reading the bars again', () => {
    fc.assert(
      fc.property(
        barsArbitrary,
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500 })),
        (bars, maxCandles, picks, extra) => {
          const { fills, orders } = recordsAt(bars, picks);
          const reference = collect(bars, fills, orders, { candlesPerSymbol: maxCandles, barsAtEnd: true });
          const expected = reference.panels(reload(bars))[0]!;
          const ahead = gatheredAhead(bars, extra);
          const collector = collect(bars, fills, orders, { candlesPerSymbol: maxCandles, barsAtEnd: true, ahead });
          const notRead: BarReader = () => {
            throw new Error('the bars were read again');
          };
          expect(collector.panels(notRead)[0]).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps a long minute series in bounded candles whose extremes are the data's", () => {
    // 100 days of 390 one-minute bars: too many bars for one chart, so days; the highest high and lowest low survive
    const bars: Bars = { symbol: 'AAA', time: [], open: [], high: [], low: [], close: [] };
    const open = parseTime('2021-03-01 09:30:00');
    for (let d = 0; d < 100; d++) {
      for (let m = 0; m < 390; m++) {
        const i = d * 390 + m;
        const price = 100 + 20 * Math.sin(i / 3000) + (i === 21_000 ? 30 : 0) - (i === 33_333 ? 40 : 0);
        bars.time.push(open + d * MS_PER_DAY + m * 60_000);
        bars.open.push(price);
        bars.close.push(price + 0.01);
        bars.high.push(price + 0.05);
        bars.low.push(price - 0.05);
      }
    }
    const collector = collect(bars, [], [], {});
    const panel = collector.panels()[0]!;
    expect(panel.period).toBe('day');
    expect(panel.time.length).toBe(100);
    expect(Math.max(...panel.high)).toBe(Math.max(...bars.high));
    expect(Math.min(...panel.low)).toBe(Math.min(...bars.low));
    expect(panel.high.indexOf(Math.max(...panel.high))).toBe(Math.floor(21_000 / 390));
    expect(panel.low.indexOf(Math.min(...panel.low))).toBe(Math.floor(33_333 / 390));
  });

  it('keeps the arrows of one week in two months apart, for monthly candles', () => {
    // daily bars of 2023; 20 candles a chart: weeks are still possible at the end of January, months are drawn
    const bars: Bars = { symbol: 'AAA', time: [], open: [], high: [], low: [], close: [] };
    for (let i = 0; i < 365; i++) {
      bars.time.push(parseTime('2023-01-01') + i * MS_PER_DAY);
      for (const column of [bars.open, bars.high, bars.low, bars.close]) column.push(100);
    }
    const fill = (date: string): FillRow => ({
      time: parseTime(date),
      symbol: 'AAA',
      side: 'BUY',
      quantity: 1,
      price: 100,
      purpose: 'entry',
    });
    const panel = collect(bars, [fill('2023-01-31'), fill('2023-02-01')], [], { candlesPerSymbol: 20 }).panels()[0]!;
    expect(panel.period).toBe('month');
    expect(panel.markers.map((m) => m.index)).toEqual([0, 1]);
  });

  it('shares the candles out over the symbols that trade, and reads a symbol again only for candles it let go', () => {
    const days = (n: number, symbol: string): Bars => ({
      symbol,
      time: Array.from({ length: n }, (_, i) => parseTime('2015-01-01') + i * MS_PER_DAY),
      open: Array.from({ length: n }, (_, i) => 50 + (i % 7)),
      high: Array.from({ length: n }, (_, i) => 52 + (i % 7)),
      low: Array.from({ length: n }, (_, i) => 49 + (i % 7)),
      close: Array.from({ length: n }, (_, i) => 51 + (i % 7)),
    });
    const a = days(600, 'AAA');
    const b = days(600, 'BBB');
    // 600 bars of two symbols, a budget of 100 untraded candles: BBB lets its days go before it trades at the end
    const collector = new ReportCollector({ fineBudget: 100 });
    a.time.forEach((t, i) => {
      collector.slice(t);
      collector.bar(barOf(a, i));
      collector.bar(barOf(b, i));
      if (i === 10) collector.fill(t, 'AAA', 'BUY', 50, 'entry');
    });
    collector.fill(a.time[599]!, 'BBB', 'BUY', 50, 'entry');
    const reads: string[] = [];
    const panels = collector.panels((symbol, each) => {
      reads.push(symbol);
      reload(symbol === 'AAA' ? a : b)(symbol, each);
    });
    expect(panels.map((p) => [p.symbol, p.period, p.time.length])).toEqual([
      ['AAA', 'bar', 600],
      ['BBB', 'bar', 600],
    ]);
    expect(panels[1]!.close).toEqual(b.close);
    expect(reads).toEqual(['BBB']);
  });
});
