import { describe, expect, it } from 'vitest';
import { formatDate } from '../../src/domain/time.js';
import { backtestExample, indexAt, useSampleData } from './example-backtest.js';

const data = useSampleData();

describe('examples/strategies/donchian-breakout.ts on the sample data', () => {
  it('enters on closes above the 20-bar high and exits on closes below the 10-bar low, at the next open', async () => {
    const report = await backtestExample('donchian-breakout.ts', data.dir(), ['SYNA', 'SYNB']);
    expect(report.strategy).toBe('donchian_breakout');
    expect(report.params).toEqual({ entry: 20, exit: 10 });
    expect(report.trades).toHaveLength(24);
    expect(
      report.trades
        .slice(0, 3)
        .map((t) => [t.symbol, formatDate(t.entryTime), t.entryPrice, formatDate(t.exitTime), t.exitPrice]),
    ).toEqual([
      ['SYNA', '2019-04-22', 172.61, '2019-06-12', 168.96],
      ['SYNB', '2019-03-22', 162.57, '2019-07-05', 165.01],
      ['SYNA', '2019-07-25', 191.12, '2019-08-01', 166.31],
    ]);
    for (const trade of report.trades) {
      const s = data.series(trade.symbol);
      const entry = indexAt(s, trade.entryTime);
      const exit = indexAt(s, trade.exitTime);
      // The signal bar is the one before the fill; market orders fill at the next bar's open.
      const highs = Array.from(s.high.subarray(entry - 21, entry - 1));
      const lows = Array.from(s.low.subarray(exit - 11, exit - 1));
      expect(s.close[entry - 1]!).toBeGreaterThan(Math.max(...highs));
      expect(s.close[exit - 1]!).toBeLessThan(Math.min(...lows));
      expect([trade.entryPrice, trade.exitPrice, trade.quantity]).toEqual([s.open[entry], s.open[exit], 100]);
      expect(trade.pnl).toBeCloseTo((trade.exitPrice - trade.entryPrice) * 100, 9);
    }
    // No costs: the closed trades earned exactly the price differences.
    const pnl = report.trades.reduce((sum, t) => sum + t.pnl, 0);
    expect(pnl).toBeCloseTo(2989, 6);
  });
});
