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

const busy = {
  account: { initial_capital: 100_000 },
  trading: { sizing: 'fixed:100' },
  benchmarking: { symbol: null },
  backtest: { strategy: 'sma_crossover', commission: 'zero', slippage_bps: 0, stops: false, equity_rows: 'every_bar' },
};

describe('golden output of fixed backtests', () => {
  it('minute bars, shipped defaults: risk sizing, bracket stops, IB fixed commissions, slippage', () => {
    const dir = minuteData('minute', [['BENCH', 7]], 40_000);
    const raw = { benchmarking: { symbol: null }, backtest: { equity_rows: 'every_bar' } };
    expect(digests('defaults', dir, raw)).toEqual({
      'trades.csv': '9206 beb29066e37523f0633453858766884c',
      'fills.csv': '14028 9876d7f53dceeb556bff17c074a39ee5',
      'orders.csv': '27616 e08ef4adb8cd033885b1f2c10d2b9353',
      'equity.csv': '2635296 1861fcbdf3a9e4918fbb850f72dc8107',
      'daily.csv': '6784 d31a0e2cbe0c633fb717019398b31169',
      'metrics.json': '768 892ba4900beba58239a9c91a10741302',
    });
  });

  it('minute bars, the busy benchmark run: SMA 10/30, 100 shares, no costs', () => {
    const dir = minuteData('minute', [['BENCH', 7]], 40_000);
    expect(digests('busy', dir, busy)).toEqual({
      'trades.csv': '56763 6acbf447181327ca2d2a3bb82e4ad3f2',
      'fills.csv': '94405 7d8a6588ce4948fb44ad7d35955b7fd7',
      'orders.csv': '103147 04f85e50b8ef509785568551a07b0177',
      'equity.csv': '2128950 8c5a5e4ae314b195a849abf6d854bc38',
      'daily.csv': '5558 38862f5cb68f1e97dc2e5c8b30d50dc0',
      'metrics.json': '766 2f1dd288343f398a90530b391594744a',
    });
  });

  it('minute bars, equity rows by default: the same files but equity.csv, whose rows are the changes and days', () => {
    const dir = minuteData('minute', [['BENCH', 7]], 40_000);
    const changes = { ...busy, backtest: { ...busy.backtest, equity_rows: 'changes' } };
    const everyBar = digests('busy', dir, busy);
    expect(digests('changes', dir, changes)).toEqual({
      ...everyBar,
      'equity.csv': '90041 36ed35367dc0ed2cfe469a21fd170c85',
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
      'trades.csv': '1541 40624aae1112657a49db6e07e483ef4d',
      'fills.csv': '2387 ae38e5c4fc45314ebb485a7a27b3e07c',
      'orders.csv': '4390 a7368076375e88eb87258b81bc5217be',
      'equity.csv': '794477 49df52fd5c7f206fb74085a119e038ad',
      'daily.csv': '2082 453bbd4ac870d62d8c94b91b98da4cde',
      'metrics.json': '765 8307a10744c40bd3e5fb00ee418292e8',
    });
  });

  it('daily sample universe with the SYNX benchmark (alpha, beta) and portfolio limits', () => {
    const raw = {
      trading: { max_active_positions: 3, max_daily_loss_pct: 1 },
      benchmarking: { symbol: 'SYNX' },
      backtest: { strategy: 'sma_crossover' },
    };
    expect(digests('universe', dailyData(), raw)).toEqual({
      'trades.csv': '6545 04dbb1c2636e296dc9eb19c4bf433781',
      'fills.csv': '10594 b534ab62e99ed4dbac4685ebe49a207e',
      'orders.csv': '22281 ed7f23a87650ca01fcabab6eddd31588',
      'equity.csv': '91398 4bb5388620ea9597384b796b087ee0d7',
      'daily.csv': '91398 4bb5388620ea9597384b796b087ee0d7',
      'metrics.json': '930 032769bf55728bca927d4a378033b069',
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
      'trades.csv': '7956 41efb2ff0db9889d0eaa5ff70de246e7',
      'fills.csv': '12881 f5f8220c8d08871ea7564cdfe17d0611',
      'orders.csv': '26734 c08af59ee8b720deab14f63495f1e3d5',
      'equity.csv': '45665 f72de4e86324a22c64970e7443eb6be6',
      'daily.csv': '45665 f72de4e86324a22c64970e7443eb6be6',
      'metrics.json': '886 8321e78350dfb702acbe286957d746c9',
      'risk_events.csv': '93189 4e6646cc24d9b4e9cbd1ef26d2f5daac',
    });
  });

  it.skipIf(!hasSharedData)('real daily bars: ORCL, SMA 10/30, 100 shares, no costs', () => {
    const raw = { ...busy, backtest: { ...busy.backtest, symbols: ['ORCL'] } };
    expect(digests('orcl', SHARED_DAILY_DIR, raw)).toEqual({
      'trades.csv': '5253 a66b01a8220eba0aaed38fce3f1543c3',
      'fills.csv': '9826 d664ab7a2945b8a4497726a3ec17aa70',
      'orders.csv': '11491 774087fd742acac1a79c9d1ddb41b981',
      'equity.csv': '251314 c3c156fbab8f96cf8de21456a0c4ff39',
      'daily.csv': '251314 c3c156fbab8f96cf8de21456a0c4ff39',
      'metrics.json': '768 2d81960aa068834b60011155ab8b9e12',
    });
  });
});
