import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeriesFeed } from '../../src/backtest/bar-feed.js';
import { runBacktest } from '../../src/backtest/backtest-runner.js';
import { validateConfig } from '../../src/config/load-config.js';
import { loadBarFile } from '../../src/data/load-bar-file.js';
import { formatDate } from '../../src/domain/time.js';
import { hasSharedData, SHARED_DAILY_DIR } from '../support/shared-data.js';

/**
 * The engine against backtrader 1.9.78 on real data (figures in ../shared/data/README.md): 100 shares, no
 * commission or slippage, market orders at the next bar's open, long only, the last open position marked at the
 * last close. The trade lists are checked against a deliberately naive re-implementation below (plain arrays and
 * loops, nothing shared with the engine) to the dates and 1e-6 in prices.
 */

interface Row {
  date: string;
  open: number;
  close: number;
}

interface NaiveTrade {
  entryDate: string;
  entryPrice: number;
  exitDate: string;
  exitPrice: number;
}

function readRows(symbol: string): Row[] {
  const lines = readFileSync(join(SHARED_DAILY_DIR, `${symbol}.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return lines.map((line) => {
    const [date, open, , , close] = line.split(',');
    return { date: date!, open: Number(open), close: Number(close) };
  });
}

function sma(values: number[], end: number, period: number): number {
  let sum = 0;
  for (let i = end - period + 1; i <= end; i++) sum += values[i]!;
  return sum / period;
}

function rsiSeries(closes: number[], period: number): number[] {
  const out = closes.map(() => Number.NaN);
  let gain = 0;
  let loss = 0;
  for (let i = 1; i < closes.length; i++) {
    const change = closes[i]! - closes[i - 1]!;
    const up = Math.max(change, 0);
    const down = Math.max(-change, 0);
    if (i <= period) {
      gain += up / period;
      loss += down / period;
    } else {
      gain = (gain * (period - 1) + up) / period;
      loss = (loss * (period - 1) + down) / period;
    }
    if (i >= period) out[i] = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
  }
  return out;
}

/** Decisions at each close, executed at the next open; returns closed trades and the final value. */
function naiveBacktest(rows: Row[], wantsIn: (i: number, holding: boolean) => boolean | null) {
  let cash = 100_000;
  let shares = 0;
  let entry: { date: string; price: number } | null = null;
  let pending: 'buy' | 'sell' | null = null;
  const trades: NaiveTrade[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (pending === 'buy') {
      shares = 100;
      cash -= 100 * row.open;
      entry = { date: row.date, price: row.open };
    } else if (pending === 'sell' && entry) {
      cash += 100 * row.open;
      shares = 0;
      trades.push({ entryDate: entry.date, entryPrice: entry.price, exitDate: row.date, exitPrice: row.open });
      entry = null;
    }
    pending = null;
    const decision = wantsIn(i, shares > 0);
    if (decision === true && shares === 0) pending = 'buy';
    if (decision === false && shares > 0) pending = 'sell';
  }
  return { trades, finalValue: cash + shares * rows.at(-1)!.close, open: shares > 0 ? 1 : 0 };
}

function naiveSmaCrossover(rows: Row[], fast: number, slow: number) {
  const closes = rows.map((r) => r.close);
  let lastNonZero = 0;
  return naiveBacktest(rows, (i) => {
    if (i < slow - 1) return null;
    const diff = sma(closes, i, fast) - sma(closes, i, slow);
    const previous = lastNonZero;
    if (diff !== 0) lastNonZero = diff;
    if (i < slow) return null;
    if (previous < 0 && diff > 0) return true;
    if (previous > 0 && diff < 0) return false;
    return null;
  });
}

function naiveRsi(rows: Row[]) {
  const rsi = rsiSeries(
    rows.map((r) => r.close),
    14,
  );
  return naiveBacktest(rows, (i, holding) => {
    const value = rsi[i]!;
    if (!holding && value < 30) return true;
    if (holding && value > 70) return false;
    return null;
  });
}

function engineRun(symbol: string, strategy: string) {
  const config = validateConfig({
    account: { initial_capital: 100_000 },
    trading: { sizing: 'fixed:100' },
    backtest: { strategy, commission: 'zero', slippage_bps: 0, stops: false },
  });
  const { series } = loadBarFile(join(SHARED_DAILY_DIR, `${symbol}.csv`), symbol);
  return runBacktest({ config, feed: new SeriesFeed([series]), benchmark: null });
}

const cases = [
  { symbol: 'ORCL', strategy: 'sma_crossover', trades: 97, open: 1, finalValue: 102646.07 },
  { symbol: 'ORCL', strategy: 'rsi_mean_reversion', trades: 14, open: 0, finalValue: 100350.15 },
  { symbol: 'NVDA', strategy: 'sma_crossover', trades: 73, open: 0, finalValue: 103370.88 },
  { symbol: 'NVDA', strategy: 'rsi_mean_reversion', trades: 16, open: 0, finalValue: 100632.9 },
] as const;

describe.skipIf(!hasSharedData)('backtrader reference figures on real daily bars', () => {
  it.each(cases)('$symbol $strategy: $trades closed trades, final value $finalValue', (c) => {
    const result = engineRun(c.symbol, c.strategy);
    const rows = readRows(c.symbol);
    const naive = c.strategy === 'sma_crossover' ? naiveSmaCrossover(rows, 10, 30) : naiveRsi(rows);

    expect(result.trades).toHaveLength(c.trades);
    expect(result.metrics.open_positions).toBe(c.open);
    expect(result.metrics.final_equity.toFixed(2)).toBe(c.finalValue.toFixed(2));
    expect(naive.trades).toHaveLength(c.trades);
    expect(naive.finalValue.toFixed(2)).toBe(c.finalValue.toFixed(2));

    result.trades.forEach((trade, i) => {
      const reference = naive.trades[i]!;
      expect(formatDate(trade.entryTime)).toBe(reference.entryDate);
      expect(formatDate(trade.exitTime)).toBe(reference.exitDate);
      expect(trade.entryPrice).toBeCloseTo(reference.entryPrice, 6);
      expect(trade.exitPrice).toBeCloseTo(reference.exitPrice, 6);
      expect(trade.quantity).toBe(100);
      expect(trade.commission).toBe(0);
      expect(trade.pnl).toBeCloseTo((reference.exitPrice - reference.entryPrice) * 100, 6);
    });
  });
});
