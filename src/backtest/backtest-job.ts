import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config } from '../config/schema.js';
import type { BarSeries } from '../domain/bar.js';
import { loadBarDirectory } from '../data/load-bar-directory.js';
import { CsvDataError, type SkippedRow } from '../data/csv-data-error.js';
import type { Logger } from '../logging/logger.js';
import { writeReport, type ReportFiles } from '../performance/report-writer.js';
import { runBacktest, type BacktestResult } from './backtest-runner.js';

export interface BacktestJobOptions {
  /** The benchmark was asked for explicitly: a missing file is an error rather than a warning. */
  readonly benchmarkRequired?: boolean;
}

export interface BacktestJob {
  readonly result: BacktestResult;
  readonly files: ReportFiles;
  readonly symbols: readonly string[];
  readonly skipped: readonly SkippedRow[];
  readonly loadSeconds: number;
  readonly reportSeconds: number;
}

/**
 * `ets backtest` as a job: load the CSV bars the config names, run the backtest, write the report files. Used by the
 * CLI and by anything else that wants a whole run (the walk-forward and the benchmark run the CLI itself).
 */
export function runBacktestJob(config: Config, logger: Logger, options: BacktestJobOptions = {}): BacktestJob {
  const dir = config.backtest.csv_directory;
  const range = {
    ...(config.backtest.start_date !== null && { start: config.backtest.start_date }),
    ...(config.backtest.end_date !== null && { end: config.backtest.end_date }),
    skipBadRows: config.backtest.skip_bad_rows,
  };
  const loadStarted = performance.now();
  // The traded symbols: `backtest.symbols`, else every CSV in the directory except the benchmark's.
  const requested = config.backtest.symbols ?? undefined;
  const loaded = loadBarDirectory(dir, { ...range, ...(requested && { symbols: requested }) });
  const benchmarkSymbol = config.benchmarking.calculate_alpha_beta ? config.benchmarking.symbol : null;
  let benchmark: BarSeries | null = loaded.series.find((s) => s.symbol === benchmarkSymbol) ?? null;
  const series = requested ? loaded.series : loaded.series.filter((s) => s.symbol !== benchmarkSymbol);
  const skipped = [...loaded.skipped];
  if (benchmarkSymbol !== null && benchmark === null) {
    if (existsSync(join(dir, `${benchmarkSymbol}.csv`)) || options.benchmarkRequired === true) {
      const extra = loadBarDirectory(dir, { ...range, symbols: [benchmarkSymbol] });
      benchmark = extra.series[0] ?? null;
      skipped.push(...extra.skipped);
    } else {
      logger.warn({ symbol: benchmarkSymbol, dir }, 'benchmark file not found: alpha and beta are left empty');
    }
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  if (series.length === 0) throw new CsvDataError(dir, null, 'no CSV files of symbols to trade');
  for (const row of skipped.slice(0, 20)) logger.warn(`skipped ${row.file}:${row.line}: ${row.reason}`);
  if (skipped.length > 20) logger.warn(`... and ${skipped.length - 20} more skipped rows`);
  logger.info(
    { symbols: series.length, bars: series.reduce((n, s) => n + s.length, 0), seconds: +loadSeconds.toFixed(3) },
    'bars loaded',
  );

  const result = runBacktest({ config, series, benchmark, logger });
  logger.info(
    { bars: result.bars, seconds: +result.loopSeconds.toFixed(3), fills: result.fills.length },
    'backtest finished',
  );

  const reportStarted = performance.now();
  const files = writeReport(config.backtest.results_directory, {
    curve: result.curve,
    trades: result.trades,
    fills: result.fills,
    metrics: result.metrics,
  });
  const reportSeconds = (performance.now() - reportStarted) / 1000;
  return { result, files, symbols: series.map((s) => s.symbol), skipped, loadSeconds, reportSeconds };
}
