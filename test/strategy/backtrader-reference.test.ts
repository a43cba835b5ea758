import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBarFile } from '../../src/data/load-bar-file.js';
import { barAt, type BarSeries } from '../../src/domain/bar.js';
import { SignalDirection } from '../../src/domain/signal.js';
import { createStrategy } from '../../src/strategy/create-strategy.js';
import { HAS_SHARED_DATA, SHARED_DAILY_DIR, sharedDataTitle } from '../data/shared-data.js';

interface Outcome {
  readonly closedTrades: number;
  readonly openShares: number;
  readonly finalValue: number;
}

/**
 * The reference's broker, reduced to what the decision logic needs: 100 shares per entry, market orders filled at
 * the next bar's open (before the strategy sees that bar), no costs, an open position marked at the last close.
 */
function replay(name: string, series: BarSeries): Outcome {
  let cash = 100_000;
  let shares = 0;
  let closedTrades = 0;
  let pending: SignalDirection | null = null;
  const strategy = createStrategy(name, {}, { positions: { quantity: () => shares }, atrPeriod: 14, atrMultiplier: 2 });
  for (let i = 0; i < series.length; i++) {
    const open = series.open[i]!;
    if (pending === SignalDirection.Long) {
      shares += 100;
      cash -= 100 * open;
    } else if (pending === SignalDirection.Exit) {
      cash += shares * open;
      shares = 0;
      closedTrades++;
    }
    pending = strategy.onBar(barAt(series, i))?.direction ?? null;
  }
  return { closedTrades, openShares: shares, finalValue: cash + shares * series.close[series.length - 1]! };
}

describe.skipIf(!HAS_SHARED_DATA)(sharedDataTitle('strategies reproduce the backtrader reference runs'), () => {
  const cases = [
    ['ORCL', 'sma_crossover', 97, 100, 102646.07],
    ['ORCL', 'rsi_mean_reversion', 14, 0, 100350.15],
    ['NVDA', 'sma_crossover', 73, 0, 103370.88],
    ['NVDA', 'rsi_mean_reversion', 16, 0, 100632.9],
  ] as const;

  it.each(cases)('%s %s: %i closed trades, %i shares open, final value %d', (symbol, name, trades, open, value) => {
    const { series } = loadBarFile(join(SHARED_DAILY_DIR, `${symbol}.csv`), symbol);
    const outcome = replay(name, series);
    expect(outcome.closedTrades).toBe(trades);
    expect(outcome.openShares).toBe(open);
    expect(Math.round(outcome.finalValue * 100) / 100).toBe(value);
  });
});
