import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktestJob } from '../../src/backtest/backtest-job.js';
import { validateConfig } from '../../src/config/load-config.js';
import { generateMinuteSeries } from '../../src/data/generate-minute-series.js';
import { generateSampleSeries } from '../../src/data/generate-sample-series.js';
import { writeBarCsv } from '../../src/data/write-bar-csv.js';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { silentLogger } from '../../src/logging/logger.js';
import { hasSharedData, SHARED_DAILY_DIR } from '../support/shared-data.js';

/**
 * Golden output: fixed runs whose result files must stay byte for byte what they are. Every file's SHA-256 and size
 * are pinned, so any change in trades, fills, orders, equity rows or metrics — a different number, a different
 * rounding, a reordered row — fails here and has to be a deliberate, documented change. The runs cover the paths a
 * backtest can take: risk sizing with bracket stops and IB commissions on minute bars, the busy fixed-size
 * crossover of the benchmark, several symbols merged by time, daily bars with a benchmark, T+N settlement and
 * portfolio limits, and a real symbol.
 */

const work = mkdtempSync(join(tmpdir(), 'ets-golden-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const FILES = ['trades.csv', 'fills.csv', 'orders.csv', 'equity.csv', 'daily.csv', 'metrics.json'] as const;

function minuteData(name: string, symbols: readonly [string, number][], bars: number): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [symbol, seed] of symbols) {
    writeBarCsv(join(dir, `${symbol}.csv`), generateMinuteSeries({ symbol, bars, seed }));
  }
  return dir;
}

function dailyData(): string {
  const dir = join(work, 'daily');
  mkdirSync(dir, { recursive: true });
  writeSampleData(dir, { seed: 42, days: 1512 });
  return dir;
}

/** SHA-256 and size of each result file of a run of `raw` (a config) over `dataDir`. */
function digests(
  name: string,
  dataDir: string,
  raw: Record<string, unknown>,
  files: readonly string[] = FILES,
): Record<string, string> {
  const out = join(work, `${name}-out`);
  const backtest = (raw.backtest ?? {}) as Record<string, unknown>;
  const config = validateConfig({
    ...raw,
    backtest: { ...backtest, csv_directory: dataDir, results_directory: out },
  });
  runBacktestJob(config, silentLogger());
  const result: Record<string, string> = {};
  for (const file of files) {
    const bytes = readFileSync(join(out, file));
    result[file] = `${bytes.length} ${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}`;
  }
  return result;
}

// No settlement, as the reference loop and backtrader: on a cash account with T+1 the day's sales would not pay
// for the day's purchases.
const busy = {
  account: { initial_capital: 100_000, settlement_days: 0 },
  trading: { sizing: 'fixed:100' },
  benchmarking: { symbol: null },
  backtest: { strategy: 'sma_crossover', commission: 'zero', slippage_bps: 0, stops: false, equity_rows: 'every_bar' },
};

describe('golden output of fixed backtests', () => {
  it('minute bars, shipped defaults: risk sizing, bracket stops, IB fixed commissions, slippage', () => {
    const dir = minuteData('minute', [['BENCH', 7]], 40_000);
    const raw = { benchmarking: { symbol: null }, backtest: { equity_rows: 'every_bar' } };
    expect(digests('defaults', dir, raw)).toEqual({
      'trades.csv': '9212 ee7fc7ae0e1ab976859f17e68891eb5b',
      'fills.csv': '14018 dcd56e6a177bd6c8f73d455df6574a1b',
      'orders.csv': '27617 b758e4b2d4bc5c2bce3ca7a8c24a3939',
      'equity.csv': '2635839 84c753ca11d88b99f7f7c2f58f443c47',
      'daily.csv': '6779 1f26da03bc63cecee595b74a5bd74c2b',
      'metrics.json': '797 8e7db75763c2c9d87e72bef52cf7aad0',
    });
  });

  it('minute bars, the busy benchmark run: SMA 10/30, 100 shares, no costs', () => {
    const dir = minuteData('minute', [['BENCH', 7]], 40_000);
    expect(digests('busy', dir, busy)).toEqual({
      'trades.csv': '56763 6acbf447181327ca2d2a3bb82e4ad3f2',
      'fills.csv': '94405 7d8a6588ce4948fb44ad7d35955b7fd7',
      'orders.csv': '103147 04f85e50b8ef509785568551a07b0177',
      'equity.csv': '2142286 9e5d12eaceef6ffc27b1d78ec381b714',
      'daily.csv': '5583 c3f9645d4c493ff8faab993e1e858a11',
      'metrics.json': '766 014755d336c0f42e9d285231f3d7a22f',
    });
  });

  it('minute bars, equity rows by default: the same files but equity.csv, whose rows are the changes and days', () => {
    const dir = minuteData('minute', [['BENCH', 7]], 40_000);
    const changes = { ...busy, backtest: { ...busy.backtest, equity_rows: 'changes' } };
    const everyBar = digests('busy', dir, busy);
    expect(digests('changes', dir, changes)).toEqual({
      ...everyBar,
      'equity.csv': '85222 f8f4b20f80eec8845938fc55e0d2a42a',
    });
    const rows = (name: string, file: string) => readFileSync(join(work, `${name}-out`, file), 'utf8').split('\n');
    const all = rows('busy', 'equity.csv');
    const kept = rows('changes', 'equity.csv');
    // a subsequence of every bar's rows that holds every daily row and every row where cash moved
    const cash = (row: string) => row.split(',')[2];
    const expected = all.filter((row, i) => i <= 1 || row === '' || cash(row) !== cash(all[i - 1]!));
    const daily = new Set(rows('busy', 'daily.csv'));
    const subsequence = all.filter((row) => kept.includes(row));
    expect(subsequence).toEqual(kept);
    for (const row of daily) expect(kept).toContain(row);
    for (const row of expected) expect(kept).toContain(row);
    expect(kept.length).toBeLessThan(all.length / 5);
  });

  it('three minute series merged by time, RSI, IB tiered commissions, T+2, position limit', () => {
    const dir = minuteData(
      'three',
      [
        ['AAA', 1],
        ['BBB', 2],
        ['CCC', 3],
      ],
      12_000,
    );
    const raw = {
      account: { settlement_days: 2 },
      trading: { max_active_positions: 2 },
      benchmarking: { symbol: null },
      backtest: { strategy: 'rsi_mean_reversion', commission: 'ib-tiered', slippage_bps: 2, equity_rows: 'every_bar' },
    };
    expect(digests('three', dir, raw)).toEqual({
      'trades.csv': '1785 d0aada66b852f9dcf32dcf44b4e32b19',
      'fills.csv': '2780 0b848c8cda0014e4b8828f2aa0eaf65d',
      'orders.csv': '5086 7fabc270348d14166b75709b7b072b29',
      'equity.csv': '797621 6ae778528781db8029a2cd37f77f656e',
      'daily.csv': '2091 10cd0cedfa098a5014b72c2cd319f1c7',
      'metrics.json': '788 ee4eaf1782955e1a60b7e9e901c4bd24',
    });
  });

  it('daily sample universe with the SYNX benchmark (alpha, beta) and portfolio limits', () => {
    const raw = {
      trading: { max_active_positions: 3, max_daily_loss_pct: 1 },
      benchmarking: { symbol: 'SYNX' },
      backtest: { strategy: 'sma_crossover' },
    };
    expect(digests('universe', dailyData(), raw)).toEqual({
      'trades.csv': '6539 88e885ade80d632be4ce6c4af2e82a11',
      'fills.csv': '10595 e526e2eb32f0aa862f49f27d24035dea',
      'orders.csv': '22279 c2c775bc716d0f59288195efa1b1e260',
      'equity.csv': '91469 4e2f2bb60993aad1966c3c62381ed041',
      'daily.csv': '91469 4e2f2bb60993aad1966c3c62381ed041',
      'metrics.json': '933 6f263f4ed5a9abe6e3bb0535562399fd',
    });
  });

  it('60 daily symbols merged by date with the portfolio limits on: refusals and a halt in risk_events.csv', () => {
    const dir = join(work, 'many');
    mkdirSync(dir, { recursive: true });
    const symbols = Array.from({ length: 60 }, (_, i) => `S${String(i).padStart(2, '0')}`);
    for (const series of generateSampleSeries({ symbols, days: 756, seed: 11 })) {
      writeBarCsv(join(dir, `${series.symbol}.csv`), series);
    }
    const raw = { benchmarking: { symbol: null }, backtest: { strategy: 'sma_crossover' } };
    expect(digests('many', dir, raw, [...FILES, 'risk_events.csv'])).toEqual({
      'trades.csv': '7946 81aa10c754f1e3eb51249752609f880c',
      'fills.csv': '12886 7c5d5fe47e16ef6d42f01de136030a1a',
      'orders.csv': '26738 e511f94f381841cf4cafa6cb5f56f982',
      'equity.csv': '45565 84306aa6af60ed01e4ad6d308652824e',
      'daily.csv': '45565 84306aa6af60ed01e4ad6d308652824e',
      'metrics.json': '881 e522e0b338d836833c422869bb5d73e9',
      'risk_events.csv': '93189 7ce34db03989242c34a4a8bb29a5b261',
    });
  });

  it.skipIf(!hasSharedData)('real daily bars: ORCL, SMA 10/30, 100 shares, no costs', () => {
    const raw = { ...busy, backtest: { ...busy.backtest, symbols: ['ORCL'] } };
    expect(digests('orcl', SHARED_DAILY_DIR, raw)).toEqual({
      'trades.csv': '5253 a66b01a8220eba0aaed38fce3f1543c3',
      'fills.csv': '9826 d664ab7a2945b8a4497726a3ec17aa70',
      'orders.csv': '11491 774087fd742acac1a79c9d1ddb41b981',
      'equity.csv': '251375 aba7a2a05a9d75e7bd13a1b98af4d384',
      'daily.csv': '251375 aba7a2a05a9d75e7bd13a1b98af4d384',
      'metrics.json': '768 2d81960aa068834b60011155ab8b9e12',
    });
  });
});
