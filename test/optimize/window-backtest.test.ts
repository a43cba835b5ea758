import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { OrderSide } from '../../src/domain/order.js';
import { roundToTickAdverse } from '../../src/execution/fill-model.js';
import { runWindowBacktest } from '../../src/optimize/window-backtest.js';
import { plainConfig, waveSeries } from '../walk-forward/wfa-fixture.js';

describe('a window backtest', () => {
  const series = waveSeries('AAA', 400, [40], 400);
  const base = plainConfig('/nonexistent', ['AAA']);
  const config = validateConfig({ ...base, backtest: { ...base.backtest, slippage_bps: 10 } });

  it('closes what is still held after its last bar as a market order fills: slipped, on the tick', () => {
    let closedAtEnd = 0;
    // Window ends across a whole wave period: some end in a held position, some flat.
    for (let last = 300; last < 340; last++) {
      const window = { warmupFrom: series.time[0]!, from: series.time[50]!, to: series.time[last]! };
      const { trades } = runWindowBacktest(config, [series], { fast: 5, slow: 15 }, window);
      for (const trade of trades) expect(Math.round(trade.exitPrice * 100) / 100).toBe(trade.exitPrice);
      const closing = roundToTickAdverse(series.close[last]! * (1 - 10 / 10_000), OrderSide.Sell);
      closedAtEnd += trades.filter((t) => t.exitTime === series.time[last]! && t.exitPrice === closing).length;
    }
    expect(closedAtEnd).toBeGreaterThan(0);
  });
});
