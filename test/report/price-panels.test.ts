import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/domain/bar.js';
import { parseTime } from '../../src/domain/time.js';
import { pricePanel } from '../../src/report/price-panels.js';
import type { FillRow, OrderRow } from '../../src/report/results-files.js';

function series(dates: string[]): BarSeries {
  const n = dates.length;
  const f = (g: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => g(i));
  return {
    symbol: 'AAA',
    length: n,
    time: Float64Array.from(dates.map(parseTime)),
    open: f((i) => 10 + i),
    high: f((i) => 12 + i),
    low: f((i) => 9 + i),
    close: f((i) => 11 + i),
    volume: f(() => 100),
  };
}

// Mon 2024-01-01 .. Fri 2024-01-12: two weeks of sessions.
const dates = ['01', '02', '03', '04', '05', '08', '09', '10', '11', '12'].map((d) => `2024-01-${d}`);
const fill = (time: string, side: string, purpose: string, price: number): FillRow => ({
  time: parseTime(time),
  symbol: 'AAA',
  side,
  quantity: 10,
  price,
  purpose,
});
const fills = [fill('2024-01-03', 'BUY', 'entry', 13), fill('2024-01-09', 'SELL', 'stop_loss', 15)];
const order = (time: string, purpose: string, stop: number | null, limit: number | null): OrderRow => ({
  time: parseTime(time),
  symbol: 'AAA',
  purpose,
  stopPrice: stop,
  limitPrice: limit,
});
const orders = [
  order('2024-01-02', 'entry', null, null),
  order('2024-01-02', 'stop_loss', 8, null),
  order('2024-01-02', 'take_profit', null, 20),
];

describe('pricePanel', () => {
  it('keeps the bars when they fit, with fills and protective levels until the closing fill', () => {
    const panel = pricePanel(series(dates), fills, orders, 100);
    expect(panel.period).toBe('bar');
    expect(panel.close).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(panel.markers).toEqual([
      { index: 2, side: 'BUY', price: 13, purpose: 'entry' },
      { index: 6, side: 'SELL', price: 15, purpose: 'stop_loss' },
    ]);
    expect(panel.levels).toEqual([
      { kind: 'stop_loss', from: 1, to: 6, price: 8 },
      { kind: 'take_profit', from: 1, to: 6, price: 20 },
    ]);
  });

  it('merges into weekly candles (Monday to Friday) when the bars do not fit', () => {
    const panel = pricePanel(series(dates), fills, orders, 5);
    expect(panel.period).toBe('week');
    expect(panel.time).toEqual([parseTime('2024-01-01'), parseTime('2024-01-08')]);
    expect(panel.open).toEqual([10, 15]);
    expect(panel.high).toEqual([16, 21]);
    expect(panel.low).toEqual([9, 14]);
    expect(panel.close).toEqual([15, 20]);
    expect(panel.markers.map((m) => m.index)).toEqual([0, 1]);
    expect(panel.levels[0]).toEqual({ kind: 'stop_loss', from: 0, to: 1, price: 8 });
  });
});
