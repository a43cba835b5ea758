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
      'trades.csv': '9196 a9dee65f61cb83a1857d636f2fd9cf0e',
      'fills.csv': '14023 88483d83ab850e357f109686dd5ada25',
      'orders.csv': '27616 e29be5a1b1e8410ff664614399d06c94',
      'equity.csv': '2589773 bcd98092aed865efecb476246568e7c8',
      'daily.csv': '6662 f42ff0995beb985ddb9fad1bf7c71b50',
      'metrics.json': '769 6c046e3674df80a4ff78be778a79bfe8',
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
      'trades.csv': '1786 0f76044fe31ed8d77262538049c0888a',
      'fills.csv': '2775 8fbd35bd6eea02f44e8e619127f6e972',
      'orders.csv': '5089 3fb8002980943ae34c2451e8db07863b',
      'equity.csv': '786589 62199c271b20ce62fb1660e711dc5467',
      'daily.csv': '2061 931597dc40e5ca9e4bb0fe7b256bd2d8',
      'metrics.json': '751 c0150fe841f344632041d9c20bdec9df',
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
      'trades.csv': '7956 51f411bcdf3b84e3c4359644afe20dd6',
      'fills.csv': '12882 5ec74cb58ca28e12102902edf3e6dfaf',
      'orders.csv': '26734 e01cacb382be71235313900a8e168cc8',
      'equity.csv': '45650 682d312a25cfb3232f5df602be35f74a',
      'daily.csv': '45650 682d312a25cfb3232f5df602be35f74a',
      'metrics.json': '886 e3d1a2eafdbcb74b21e485dbb4f3c109',
      'risk_events.csv': '100661 d2844fc0f27e67338dd06d968bde6da6',
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
