import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { writeBarCsv } from '../../src/data/write-bar-csv.js';
import type { BarSeries } from '../../src/domain/bar.js';
import { MS_PER_DAY, utcTime } from '../../src/domain/time.js';
import type { ProgressSink } from '../../src/optimize/evaluator.js';
import type { StudyOptions } from '../../src/optimize/run-context.js';

/** Prices with two decimals, so that the CSV files hold them exactly. */
const cents = (x: number): number => Math.round(x * 100) / 100;

/**
 * A daily series (weekends included, for simple dates) of a sine wave whose period changes from `periods[k]` to
 * `periods[k+1]` every `segment` bars, on a slight upward drift: different windows favour different SMA lengths.
 */
export function waveSeries(symbol: string, length: number, periods: readonly number[], segment: number, phase = 0) {
  const close = Array.from({ length }, (_, i) => {
    const period = periods[Math.min(periods.length - 1, Math.floor(i / segment))]!;
    return cents(100 + 10 * Math.sin((2 * Math.PI * i) / period + phase) + 0.02 * i);
  });
  const open = close.map((c, i) => cents(i === 0 ? c : close[i - 1]! + 0.1));
  const series: BarSeries = {
    symbol,
    length,
    time: Float64Array.from({ length }, (_, i) => utcTime(2010, 0, 4) + i * MS_PER_DAY),
    open: Float64Array.from(open),
    high: Float64Array.from(close.map((c, i) => cents(Math.max(c, open[i]!) + 0.5))),
    low: Float64Array.from(close.map((c, i) => cents(Math.min(c, open[i]!) - 0.5))),
    close: Float64Array.from(close),
    volume: new Float64Array(length).fill(1_000_000),
  };
  return series;
}

export function writeSeries(series: readonly BarSeries[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ets-wfa-'));
  for (const s of series) writeBarCsv(join(dir, 'data', `${s.symbol}.csv`), s);
  return dir;
}

/** Zero costs, 10 shares an entry, no protective stops: a run whose every number can be followed by hand. */
export function plainConfig(dir: string, symbols: readonly string[], out = 'out'): Config {
  return validateConfig({
    account: { initial_capital: 100_000 },
    trading: { sizing: 'fixed:10' },
    benchmarking: { calculate_alpha_beta: false },
    logging: { level: 'silent' },
    backtest: {
      csv_directory: join(dir, 'data'),
      symbols,
      commission: 'zero',
      slippage_bps: 0,
      stops: false,
      results_directory: join(dir, out),
    },
  });
}

export const quietProgress = (): ProgressSink => ({
  start: () => undefined,
  done: () => undefined,
  stop: () => undefined,
});

export function studyOptions(grid: Record<string, number[]>, overrides: Partial<StudyOptions> = {}): StudyOptions {
  return {
    grid,
    objective: 'total_return',
    minTrades: 0,
    pboPartitions: 4,
    workers: 0,
    cacheFile: null,
    progress: quietProgress(),
    ...overrides,
  };
}
