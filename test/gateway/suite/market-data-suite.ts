import { EventName } from '@stoqey/ib';
import { describe, expect, it } from 'vitest';
import { generateSampleSeries } from '../../../src/data/generate-sample-series.js';
import { formatDate } from '../../../src/domain/time.js';
import { DEFAULT_SYNTHETIC_DAYS, DEFAULT_SYNTHETIC_START } from '../../../src/gateway/market/data-source.js';
import { EXCHANGE_TIME_ZONE } from '../../../src/gateway/market/exchange-calendar.js';
import { errorFor, historical, HOUR, listen, settle, stock, useFixture, waitFor } from '../harness.js';

/** The synthetic daily bars the suite's gateway serves (seed 7), generated independently of the gateway. */
function sourceBars(
  symbol: string,
): Map<string, { open: number; high: number; low: number; close: number; volume: number }> {
  const [series] = generateSampleSeries({
    symbols: [symbol],
    seed: 7,
    start: DEFAULT_SYNTHETIC_START,
    days: DEFAULT_SYNTHETIC_DAYS,
  });
  const bars = new Map<string, { open: number; high: number; low: number; close: number; volume: number }>();
  for (let i = 0; i < series!.length; i++) {
    bars.set(formatDate(series!.time[i]!).replaceAll('-', ''), {
      open: series!.open[i]!,
      high: series!.high[i]!,
      low: series!.low[i]!,
      close: series!.close[i]!,
      volume: series!.volume[i]!,
    });
  }
  return bars;
}

export function marketDataSuite(maxVersion: number | undefined): void {
  describe('historical data', () => {
    const f = useFixture(maxVersion);

    it('returns finished daily bars exactly as the source has them', async () => {
      const bars = await historical(f.client, 21, stock('AAPL'), '', '30 D', '1 day', 'TRADES', 1, 1);
      const source = sourceBars('AAPL');
      expect(bars).toHaveLength(30);
      // The session of the replay day has not begun (09:30:00): the last bar is the previous Friday.
      expect(bars[29]!.date).toBe('20210226');
      expect(bars[0]!.date).toBe('20210118');
      for (const bar of bars) {
        const expected = source.get(bar.date)!;
        expect([bar.open, bar.high, bar.low, bar.close, bar.volume]).toEqual([
          expected.open,
          expected.high,
          expected.low,
          expected.close,
          expected.volume,
        ]);
      }
    });

    it('builds intraday bars from five-second bars consistent with the day (formatDate 1 and 2)', async () => {
      f.gateway.advance(6.5 * HOUR); // to the close of 2021-03-01
      const source = sourceBars('AAPL').get('20210301')!;
      const epoch = await historical(f.client, 22, stock('AAPL'), '', '1 D', '5 mins', 'TRADES', 1, 2);
      expect(epoch).toHaveLength(78);
      expect(Number(epoch[0]!.date)).toBe(Date.UTC(2021, 2, 1, 14, 30) / 1000);
      expect(Number(epoch[1]!.date) - Number(epoch[0]!.date)).toBe(300);
      expect(epoch[0]!.open).toBe(source.open);
      expect(epoch[77]!.close).toBe(source.close);
      expect(Math.max(...epoch.map((b) => b.high))).toBe(source.high);
      expect(Math.min(...epoch.map((b) => b.low))).toBe(source.low);
      expect(epoch.reduce((sum, b) => sum + b.volume, 0)).toBe(source.volume);
      const text = await historical(f.client, 23, stock('AAPL'), '', '1 D', '1 hour', 'TRADES', 1, 1);
      expect(text.map((b) => b.date)).toEqual([
        '20210301 09:30:00 US/Eastern',
        '20210301 10:00:00 US/Eastern',
        '20210301 11:00:00 US/Eastern',
        '20210301 12:00:00 US/Eastern',
        '20210301 13:00:00 US/Eastern',
        '20210301 14:00:00 US/Eastern',
        '20210301 15:00:00 US/Eastern',
      ]);
      expect(text.reduce((sum, b) => sum + b.volume, 0)).toBe(source.volume);
      expect(text[0]!.high).toBe(Math.max(...epoch.slice(0, 6).map((b) => b.high)));
    });

    it('serves five-second bars, an explicit end time and quote data', async () => {
      f.gateway.advance(HOUR);
      const fine = await historical(
        f.client,
        24,
        stock('MSFT'),
        '20210301 10:00:00 US/Eastern',
        '60 S',
        '5 secs',
        'TRADES',
        1,
        2,
      );
      expect(fine).toHaveLength(12);
      expect(Number(fine[11]!.date)).toBe(Date.UTC(2021, 2, 1, 14, 59, 55) / 1000);
      const mid = await historical(
        f.client,
        25,
        stock('MSFT'),
        '20210301 10:00:00 US/Eastern',
        '60 S',
        '5 secs',
        'MIDPOINT',
        1,
        2,
      );
      expect(mid.map((b) => b.close)).toEqual(fine.map((b) => b.close));
      expect(mid.every((b) => b.volume === -1 && b.count === -1)).toBe(true);
      const bid = await historical(
        f.client,
        26,
        stock('MSFT'),
        '20210301 10:00:00 US/Eastern',
        '60 S',
        '5 secs',
        'BID',
        1,
        2,
      );
      for (let i = 0; i < 12; i++) expect(bid[i]!.close).toBeLessThan(fine[i]!.close);
      const utc = await historical(f.client, 27, stock('MSFT'), '20210301-15:00:00', '60 S', '5 secs', 'TRADES', 1, 2);
      expect(utc).toEqual(fine);
    });

    it('returns the same regular-hours data with useRTH 0 (the data has no extended hours)', async () => {
      f.gateway.advance(2 * HOUR);
      const rth = await historical(f.client, 28, stock('SPY'), '', '2 D', '30 mins', 'TRADES', 1, 2);
      const all = await historical(f.client, 29, stock('SPY'), '', '2 D', '30 mins', 'TRADES', 0, 2);
      expect(all).toEqual(rth);
      // A whole Friday session (13 half hours) and the two hours of Monday so far.
      expect(rth).toHaveLength(13 + 4);
    });

    it('keeps a request up to date and stops after cancelHistoricalData', async () => {
      f.gateway.advance(HOUR);
      const updates: [number, string, number, number, number, number, number][] = [];
      f.client.api.on(
        EventName.historicalDataUpdate,
        (...args: [number, string, number, number, number, number, number]) => {
          updates.push(args);
        },
      );
      const initial = await historical(f.client, 30, stock('AAPL'), '', '1800 S', '1 min', 'TRADES', 1, 2, true);
      expect(initial).toHaveLength(30);
      f.gateway.advance(65_000);
      await settle(150);
      expect(updates).toHaveLength(13);
      const last = updates[updates.length - 1]!;
      expect(last[0]).toBe(30);
      // 10:31:00–10:31:05 starts a new minute bar (epoch seconds of 15:31 UTC).
      expect(Number(last[1])).toBe(Date.UTC(2021, 2, 1, 15, 31) / 1000);
      f.client.api.cancelHistoricalData(30);
      await settle(100);
      f.gateway.advance(30_000);
      await settle(100);
      expect(updates).toHaveLength(13);
    });

    it('reports the head timestamp', async () => {
      const head = waitFor<[number, string]>(f.client.api, EventName.headTimestamp);
      f.client.api.reqHeadTimestamp(31, stock('AAPL'), 'TRADES', true, 2);
      const [id, stamp] = await head;
      expect(id).toBe(31);
      expect(Number(stamp)).toBe(EXCHANGE_TIME_ZONE.toEpoch(Date.UTC(2019, 0, 2, 9, 30)) / 1000);
    });

    it('answers 200 for an unknown contract and 321 for an invalid bar size', async () => {
      const unknown = await errorFor(f.client, 32, () => {
        f.client.api.reqHistoricalData(32, stock('NOPE'), '', '1 D', '1 min' as never, 'TRADES', 1, 1, false);
      });
      expect(unknown.code).toBe(200);
      const invalid = await errorFor(f.client, 33, () => {
        f.client.api.reqHistoricalData(33, stock('AAPL'), '', '1 D', '7 mins' as never, 'TRADES', 1, 1, false);
      });
      expect(invalid.code).toBe(321);
    });
  });

  describe('market data ticks', () => {
    const f = useFixture(maxVersion);

    it('streams last, bid, ask, high, low and volume from the replay; sizes in shares from version 159', async () => {
      f.gateway.advance(HOUR);
      const prices = new Map<number, number>();
      const sizes = new Map<number, number>();
      f.client.api.on(EventName.tickPrice, (id: number, type: number, price: number) => {
        if (id === 91) prices.set(type, price);
      });
      listen(f.client.api, EventName.tickSize, (id: number, type: number, size: number) => {
        if (id === 91) sizes.set(type, size);
      });
      const params = waitFor<[number, number, string]>(f.client.api, EventName.tickReqParams);
      f.client.api.reqMktData(91, stock('AAPL'), '', false, false);
      expect((await params)[2]).toBe('SMART');
      await settle(100);
      const day = f.gateway.store.dayBars('AAPL', Date.UTC(2021, 2, 1) / 86_400_000)!;
      const done = day.countBefore(Date.UTC(2021, 2, 1, 10, 30) - 4999);
      const volume = Array.from(day.volume.subarray(0, done)).reduce((s, v) => s + v, 0);
      const inShares = f.version >= 159;
      expect(prices.get(4)).toBe(day.close[done - 1]);
      expect(prices.get(6)).toBe(Math.max(...day.high.subarray(0, done)));
      expect(prices.get(14)).toBe(day.open[0]);
      expect(prices.get(9)).toBe(sourceBars('AAPL').get('20210226')!.close);
      expect(prices.get(1)).toBeLessThan(prices.get(2)!);
      expect(sizes.get(8)).toBe(inShares ? volume : Math.round(volume / 100));
      f.gateway.advance(5_000);
      await settle(100);
      expect(prices.get(4)).toBe(day.close[done]);
      expect(sizes.get(8)).toBe(inShares ? volume + day.volume[done]! : Math.round((volume + day.volume[done]!) / 100));
      f.client.api.cancelMktData(91);
      await settle(50);
      prices.clear();
      f.gateway.advance(10_000);
      await settle(100);
      expect(prices.size).toBe(0);
    });

    it('answers a snapshot of the VIX index with price ticks and tickSnapshotEnd', async () => {
      f.gateway.advance(HOUR);
      const types: number[] = [];
      f.client.api.on(EventName.tickPrice, (id: number, type: number) => {
        if (id === 92) types.push(type);
      });
      const end = waitFor<[number]>(f.client.api, EventName.tickSnapshotEnd);
      f.client.api.reqMktData(
        92,
        { symbol: 'VIX', secType: 'IND' as never, exchange: 'CBOE', currency: 'USD' },
        '',
        true,
        false,
      );
      expect((await end)[0]).toBe(92);
      expect(types).toEqual([4, 6, 7, 9, 14]);
    });
  });

  describe('real-time bars', () => {
    const f = useFixture(maxVersion);

    it('streams five-second bars as the replay completes them, until cancelled', async () => {
      f.gateway.advance(HOUR);
      const bars: number[][] = [];
      f.client.api.on(EventName.realtimeBar, (...args: number[]) => bars.push(args));
      f.client.api.reqRealTimeBars(41, stock('AAPL'), 5, 'TRADES', true);
      await settle(100);
      f.gateway.advance(30_000);
      await settle(100);
      expect(bars).toHaveLength(6);
      const start = Date.UTC(2021, 2, 1, 15, 30) / 1000;
      expect(bars.map((b) => b[1])).toEqual([0, 5, 10, 15, 20, 25].map((s) => start + s));
      const source = f.gateway.store.dayBars('AAPL', Date.UTC(2021, 2, 1) / 86_400_000)!;
      const first = source.indexAt(Date.UTC(2021, 2, 1, 10, 30));
      expect(bars[0]!.slice(2, 7)).toEqual([
        source.open[first],
        source.high[first],
        source.low[first],
        source.close[first],
        source.volume[first],
      ]);
      for (let i = 1; i < 6; i++) expect(bars[i]![2]).toBe(bars[i - 1]![5]);
      f.client.api.cancelRealTimeBars(41);
      await settle(100);
      f.gateway.advance(30_000);
      await settle(100);
      expect(bars).toHaveLength(6);
    });

    it('streams midpoint bars of the VIX index only as TRADES, and refuses other bar sizes', async () => {
      f.gateway.advance(HOUR);
      const bars: number[][] = [];
      f.client.api.on(EventName.realtimeBar, (...args: number[]) => bars.push(args));
      f.client.api.reqRealTimeBars(
        42,
        { symbol: 'VIX', secType: 'IND' as never, exchange: 'CBOE', currency: 'USD' },
        5,
        'TRADES',
        true,
      );
      f.client.api.reqRealTimeBars(43, stock('MSFT'), 5, 'MIDPOINT', true);
      const refused = await errorFor(f.client, 44, () => {
        f.client.api.reqRealTimeBars(44, stock('MSFT'), 30, 'TRADES', true);
      });
      expect(refused.code).toBe(321);
      f.gateway.advance(10_000);
      await settle(100);
      expect(bars.filter((b) => b[0] === 42)).toHaveLength(2);
      const mid = bars.filter((b) => b[0] === 43);
      expect(mid).toHaveLength(2);
      expect(mid[0]![6]).toBe(-1);
    });
  });
}
