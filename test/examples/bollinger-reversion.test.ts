import { describe, expect, it } from 'vitest';
import { formatDate } from '../../src/domain/time.js';
import { backtestExample, indexAt, useSampleData } from './example-backtest.js';

const data = useSampleData();

/** Mean and population standard deviation of `values`. */
function band(values: readonly number[]): { mean: number; deviation: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, deviation: Math.sqrt(variance) };
}

describe('examples/strategies/bollinger-reversion.ts on the sample data', () => {
  it('enters below the lower band and exits above the mean, at the next open', async () => {
    const report = await backtestExample('bollinger-reversion.ts', data.dir(), ['SYNA', 'SYNB']);
    expect(report.strategy).toBe('bollinger_reversion');
    expect(report.params).toEqual({ period: 20, width: 2 });
    expect(report.trades).toHaveLength(50);
    expect(
      report.trades
        .slice(0, 3)
        .map((t) => [t.symbol, formatDate(t.entryTime), t.entryPrice, formatDate(t.exitTime), t.exitPrice]),
    ).toEqual([
      ['SYNA', '2019-01-30', 169.73, '2019-02-15', 172.45],
      ['SYNB', '2019-02-26', 148.78, '2019-03-12', 158.28],
      ['SYNA', '2019-03-12', 161.24, '2019-03-28', 164.5],
    ]);
    for (const trade of report.trades) {
      const s = data.series(trade.symbol);
      const entry = indexAt(s, trade.entryTime) - 1;
      const exit = indexAt(s, trade.exitTime) - 1;
      const atEntry = band(Array.from(s.close.subarray(entry - 19, entry + 1)));
      const atExit = band(Array.from(s.close.subarray(exit - 19, exit + 1)));
      expect(s.close[entry]!).toBeLessThan(atEntry.mean - 2 * atEntry.deviation);
      expect(s.close[exit]!).toBeGreaterThan(atExit.mean);
      expect([trade.entryPrice, trade.exitPrice]).toEqual([s.open[entry + 1], s.open[exit + 1]]);
    }
    expect(report.trades.reduce((sum, t) => sum + t.pnl, 0)).toBeCloseTo(5602, 6);
  });

  it('refuses parameters outside the declared ranges, naming them', async () => {
    await expect(backtestExample('bollinger-reversion.ts', data.dir(), ['SYNA'], { width: 9 })).rejects.toThrow(
      'strategy bollinger_reversion: width = 9 is invalid: expected a number from 0.5 to 4',
    );
  });
});
