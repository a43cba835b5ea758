import { describe, expect, it } from 'vitest';
import { BarSeriesBuilder } from '../../../src/data/bar-series-builder.js';
import { generateSampleSeries } from '../../../src/data/generate-sample-series.js';
import { MS_PER_DAY } from '../../../src/domain/time.js';
import { aggregateBars, toQuoteBars } from '../../../src/gateway/market/historical-bars.js';
import { MarketDataStore } from '../../../src/gateway/market/market-data-store.js';

const D1 = Date.UTC(2021, 2, 1) / MS_PER_DAY;

/** One-minute bars from 08:00 to 17:59 on two days: extended hours around the regular session. */
function minuteSeries(): MarketDataStore {
  const builder = new BarSeriesBuilder('MIN', 1200);
  let price = 100;
  for (const day of [D1, D1 + 1]) {
    for (let minute = 8 * 60; minute < 18 * 60; minute++) {
      const open = price;
      price = Math.round((price + ((minute * 7) % 11) / 100 - 0.05) * 100) / 100;
      builder.push(
        day * MS_PER_DAY + minute * 60_000,
        open,
        Math.max(open, price) + 0.02,
        Math.min(open, price) - 0.02,
        price,
        1000 + minute,
      );
    }
  }
  return new MarketDataStore([builder.build()], { seed: 1 });
}

describe('historical bar aggregation', () => {
  it('keeps extended-hours bars of intraday data out of useRTH requests only', () => {
    const store = minuteSeries();
    const start = D1 * MS_PER_DAY;
    const end = start + MS_PER_DAY;
    const hours = { kind: 'seconds', seconds: 3600 } as const;
    const regular = aggregateBars(store, 'MIN', start, end, hours, true);
    const all = aggregateBars(store, 'MIN', start, end, hours, false);
    expect(regular.map((b) => new Date(b.time).toISOString().slice(11, 16))).toEqual([
      '09:30',
      '10:00',
      '11:00',
      '12:00',
      '13:00',
      '14:00',
      '15:00',
    ]);
    expect(all).toHaveLength(10);
    expect(all[0]!.time).toBe(start + 8 * 3_600_000);
    const minutesVolume = (from: number, to: number): number => {
      let sum = 0;
      for (let m = from; m < to; m++) sum += 1000 + m;
      return sum;
    };
    expect(regular.reduce((s, b) => s + b.volume, 0)).toBe(minutesVolume(570, 960));
    expect(all.reduce((s, b) => s + b.volume, 0)).toBe(minutesVolume(480, 1080));
    const dailyRegular = aggregateBars(store, 'MIN', start, end + MS_PER_DAY, { kind: 'day' }, true);
    const dailyAll = aggregateBars(store, 'MIN', start, end + MS_PER_DAY, { kind: 'day' }, false);
    expect(dailyRegular[0]!.volume).toBe(minutesVolume(570, 960));
    expect(dailyAll[0]!.volume).toBe(minutesVolume(480, 1080));
  });

  it('groups daily bars into weeks and months stamped with their first day', () => {
    const [series] = generateSampleSeries({ symbols: ['W'], start: '2021-03-01', days: 30, seed: 3 });
    const store = new MarketDataStore([series!], { seed: 3 });
    const start = D1 * MS_PER_DAY;
    const end = (D1 + 60) * MS_PER_DAY;
    const days = aggregateBars(store, 'W', start, end, { kind: 'day' }, true);
    const weeks = aggregateBars(store, 'W', start, end, { kind: 'week' }, true);
    const months = aggregateBars(store, 'W', start, end, { kind: 'month' }, true);
    expect(days).toHaveLength(30);
    expect(weeks).toHaveLength(6);
    expect(weeks[1]!.time).toBe((D1 + 7) * MS_PER_DAY);
    expect(weeks[0]!.open).toBe(days[0]!.open);
    expect(weeks[0]!.close).toBe(days[4]!.close);
    expect(weeks[0]!.high).toBe(Math.max(...days.slice(0, 5).map((d) => d.high)));
    expect(months.map((m) => new Date(m.time).toISOString().slice(0, 10))).toEqual(['2021-03-01', '2021-04-01']);
    expect(months.reduce((s, m) => s + m.volume, 0)).toBe(days.reduce((s, d) => s + d.volume, 0));
  });

  it('derives quote bars around the trade price without volume', () => {
    const trades = [{ time: 0, open: 100, high: 101, low: 99, close: 100.5, volume: 500, wap: 100, count: 5 }];
    const [bid] = toQuoteBars(trades, 'BID');
    const [ask] = toQuoteBars(trades, 'ASK');
    const [mid] = toQuoteBars(trades, 'MIDPOINT');
    expect([bid!.open, bid!.close, bid!.volume]).toEqual([99.98, 100.48, -1]);
    expect([ask!.open, ask!.close, ask!.count]).toEqual([100.02, 100.52, -1]);
    expect([mid!.open, mid!.high, mid!.wap]).toEqual([100, 101, -1]);
  });
});
