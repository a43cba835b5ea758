import { describe, expect, it } from 'vitest';
import { SeriesFeed } from '../../src/backtest/bar-feed.js';
import { runBacktest } from '../../src/backtest/backtest-runner.js';
import { validateConfig } from '../../src/config/load-config.js';
import type { Bar, BarSeries } from '../../src/domain/bar.js';
import { formatDate } from '../../src/domain/time.js';
import {
  BaseStrategy,
  defineStrategy,
  type SignalDirection,
  type StrategyContext,
  type SymbolData,
} from '../../src/sdk.js';
import { definitionFactory } from '../../src/strategy/load-strategy.js';

const DAY = 86_400_000;

/** [open, high, low, close] per session from 2024-01-01; high − low is 2 on every bar, so ATR(1) is 2 throughout. */
const OHLC: readonly (readonly [number, number, number, number])[] = [
  [100, 101, 99, 100], // 0
  [100, 101, 99, 100], // 1
  [100, 101, 99, 100], // 2
  [100, 101, 99, 100], // 3  SHORT at 100: stop 100 + 1 × 2 = 102, target 100 − 2 × 2 = 96
  [99, 100, 98, 99], // 4  sold short at the open, 99
  [98, 99, 97, 97.5], // 5
  [97.5, 98, 96.5, 97], // 6  EXIT (neither 102 nor 96 reached)
  [97.2, 97.5, 96.8, 97], // 7  covered at the open, 97.2: (99 − 97.2) × 100 = +180
  [97, 98, 96, 97], // 8  SHORT at 97: stop 99, target 93
  [97.5, 98.5, 97, 98], // 9  sold short at 97.5
  [98.5, 100, 98, 99.5], // 10 rises through the buy stop: covered at 99, (97.5 − 99) × 100 = −150
  [99.5, 100.5, 98.5, 100], // 11 SHORT at 100: stop 102, target 96
  [99, 99.5, 95, 95.5], // 12 sold short at 99; falls through the buy limit: covered at 96, (99 − 96) × 100 = +300
  [96.5, 97, 96.2, 96.8], // 13
];

const SHORT_AT = new Set([3, 8, 11]);
const EXIT_AT = new Set([6]);

function series(): BarSeries {
  const column = (k: number) => Float64Array.from(OHLC.map((bar) => bar[k]!));
  return {
    symbol: 'SHRT',
    length: OHLC.length,
    time: Float64Array.from(OHLC.map((_, i) => Date.UTC(2024, 0, 1) + i * DAY)),
    open: column(0),
    high: column(1),
    low: column(2),
    close: column(3),
    volume: Float64Array.from(OHLC.map(() => 1_000_000)),
  };
}

/** Shorts and covers on the bars the scenario names, through the SDK's BaseStrategy. */
class Scripted extends BaseStrategy<null> {
  protected readonly decisionWarmUpBars = 1;

  constructor(context: StrategyContext) {
    super('scripted_short', context);
  }

  protected createState(): null {
    return null;
  }

  protected decide(bar: Bar, data: SymbolData<null>): SignalDirection | null {
    const index = data.history.count - 1;
    return this.shortOnly(bar.symbol, SHORT_AT.has(index), EXIT_AT.has(index));
  }
}

const scripted = definitionFactory(
  defineStrategy({ name: 'scripted_short', description: '', params: {}, create: (_p, c) => new Scripted(c) }),
);

function run(accountType: 'cash' | 'margin') {
  const config = validateConfig({
    account: { type: accountType },
    trading: { sizing: 'fixed:100', atr_period: 1, atr_stop_multiplier: 1, take_profit_r: 2 },
    backtest: { strategy: 'scripted_short', commission: 'zero', slippage_bps: 0 },
  });
  return runBacktest({ config, feed: new SeriesFeed([series()]), benchmark: null, strategy: scripted });
}

describe('short selling in a backtest', () => {
  it('sells short, covers on an exit, a stop above and a target below, with hand-checked P&L', () => {
    const result = run('margin');
    expect(
      result.orders.map((o) => [
        formatDate(o.time),
        o.order.side,
        o.order.type,
        o.order.purpose,
        o.children.map((c) => [c.side, c.type, c.stopPrice ?? c.limitPrice]),
      ]),
    ).toEqual([
      [
        '2024-01-04',
        'SELL',
        'MKT',
        'entry',
        [
          ['BUY', 'STP', 102],
          ['BUY', 'LMT', 96],
        ],
      ],
      ['2024-01-07', 'BUY', 'MKT', 'exit', []],
      [
        '2024-01-09',
        'SELL',
        'MKT',
        'entry',
        [
          ['BUY', 'STP', 99],
          ['BUY', 'LMT', 93],
        ],
      ],
      [
        '2024-01-12',
        'SELL',
        'MKT',
        'entry',
        [
          ['BUY', 'STP', 102],
          ['BUY', 'LMT', 96],
        ],
      ],
    ]);
    expect(result.fills.map((f) => [formatDate(f.time), f.side, f.quantity, f.price, f.purpose])).toEqual([
      ['2024-01-05', 'SELL', 100, 99, 'entry'],
      ['2024-01-08', 'BUY', 100, 97.2, 'exit'],
      ['2024-01-10', 'SELL', 100, 97.5, 'entry'],
      ['2024-01-11', 'BUY', 100, 99, 'stop_loss'],
      ['2024-01-13', 'SELL', 100, 99, 'entry'],
      ['2024-01-13', 'BUY', 100, 96, 'take_profit'],
    ]);
    expect(result.trades.map((t) => [t.entryPrice, t.exitPrice, t.quantity, t.pnl])).toEqual([
      [99, 97.2, -100, expect.closeTo(180, 9)],
      [97.5, 99, -100, -150],
      [99, 96, -100, 300],
    ]);
    expect(result.portfolio.quantity('SHRT')).toBe(0);
    expect(result.portfolio.equity).toBeCloseTo(100_330, 9);
    expect(result.metrics.trades).toBe(3);
  });

  it('refuses every SHORT on a cash account', () => {
    const result = run('cash');
    expect(result.fills).toEqual([]);
    expect(result.rejectedSignals).toBe(3);
  });
});
