import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config } from '../config/schema.js';
import type { TradingKernel } from '../core/trading-kernel.js';
import type { BarSeries } from '../domain/bar.js';
import { CsvDataError, type SkippedRow } from '../data/csv-data-error.js';
import { resolveBarFiles } from '../data/bar-files.js';
import { loadBarDirectory } from '../data/load-bar-directory.js';
import { openBarStreams } from '../data/open-bar-streams.js';
import type { Logger } from '../logging/logger.js';
import { EquityCsvWriter } from '../performance/equity-csv-writer.js';
import { reportFiles, writeReport, type ReportFiles } from '../performance/report-writer.js';
import { createStrategy } from '../strategy/create-strategy.js';
import type { StrategyFactory } from '../strategy/load-strategy.js';
import { attributeByStrategy, writeStrategiesCsv } from '../performance/strategy-attribution.js';
import { openBacktestJournal } from './backtest-journal-setup.js';
import { StreamFeed } from './bar-feed.js';
import { backtestAssignments, strategiesSymbols } from './strategy-assignments.js';
import { runBacktest, type BacktestResult } from './backtest-runner.js';

export interface BacktestJobOptions {
  /** The benchmark was asked for explicitly: a missing file is an error rather than a warning. */
  readonly benchmarkRequired?: boolean;
  /** The strategy when it is not the built-in one `backtest.strategy` names (see loadStrategyFactory). */
  readonly strategy?: StrategyFactory;
  /** The factories of `backtest.strategies` by name, when several strategies run at once. */
  readonly strategies?: ReadonlyMap<string, StrategyFactory>;
  /** Write the run to this journal file too (the live journal's schema). */
  readonly journal?: string;
}

export interface BacktestJob {
  readonly result: BacktestResult;
  readonly files: ReportFiles;
  readonly symbols: readonly string[];
  readonly skipped: readonly SkippedRow[];
  /** Reading and parsing the CSV files. */
  readonly loadSeconds: number;
  /** Formatting and writing the result files. */
  readonly reportSeconds: number;
}

/**
 * `ets backtest` as a job: stream the CSV bars the config names through the backtest and write the result files.
 * Bars are read as the run consumes them, so memory does not grow with the data; a bad row found late fails the run
 * then. The equity rows go to a temporary file while the run goes on and take the place of equity.csv only when the
 * run has succeeded, so a failed run leaves earlier results as they were.
 */
export function runBacktestJob(config: Config, logger: Logger, options: BacktestJobOptions = {}): BacktestJob {
  // Bad strategy parameters should fail before any data is read, not after.
  const strategy = config.backtest.strategy;
  const params = config.strategies[strategy]?.params ?? {};
  const context = {
    positions: { quantity: () => 0 },
    atrPeriod: config.trading.atr_period,
    atrMultiplier: config.trading.atr_stop_multiplier,
  };
  if (options.strategy === undefined) createStrategy(strategy, params, context);
  else options.strategy.create(params, context);
  const dir = config.backtest.csv_directory;
  const range = {
    ...(config.backtest.start_date !== null && { start: config.backtest.start_date }),
    ...(config.backtest.end_date !== null && { end: config.backtest.end_date }),
    skipBadRows: config.backtest.skip_bad_rows,
  };
  const loadStarted = performance.now();
  const benchmarkSymbol = config.benchmarking.calculate_alpha_beta ? config.benchmarking.symbol : null;
  // The traded symbols: `backtest.symbols`, else every CSV in the directory except the benchmark's.
  const symbols =
    config.backtest.symbols ??
    strategiesSymbols(config) ??
    resolveBarFiles(dir)
      .map((file) => file.symbol)
      .filter((symbol) => symbol !== benchmarkSymbol);
  if (symbols.length === 0) throw new CsvDataError(dir, null, 'no CSV files of symbols to trade');
  const assignments = options.strategies && backtestAssignments(config, symbols, options.strategies);
  const feed = new StreamFeed(openBarStreams(dir, { ...range, symbols }));
  let benchmark: BarSeries | null = null;
  const skipped: SkippedRow[] = [];
  if (benchmarkSymbol !== null) {
    if (existsSync(join(dir, `${benchmarkSymbol}.csv`)) || options.benchmarkRequired === true) {
      const loaded = loadBarDirectory(dir, { ...range, symbols: [benchmarkSymbol] });
      benchmark = loaded.series[0] ?? null;
      skipped.push(...loaded.skipped);
    } else {
      logger.warn({ symbol: benchmarkSymbol, dir }, 'benchmark file not found: alpha and beta are left empty');
    }
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;

  const out = config.backtest.results_directory;
  mkdirSync(out, { recursive: true });
  const files = reportFiles(out);
  const partialEquity = `${files.equity}.partial`;
  // Opened before the equity file, so that a journal refused leaves nothing behind.
  const journal = options.journal === undefined ? undefined : openBacktestJournal(options.journal, config);
  const equityCsv = new EquityCsvWriter(partialEquity);
  let result: BacktestResult;
  try {
    result = runBacktest({
      config,
      feed,
      benchmark,
      logger,
      equitySink: equityCsv,
      ...(options.strategy === undefined ? {} : { strategy: options.strategy }),
      ...(assignments === undefined ? {} : { strategies: assignments }),
      ...(journal === undefined
        ? {}
        : {
            onKernel: (kernel: TradingKernel) => {
              journal.observe(kernel);
            },
          }),
    });
    equityCsv.close();
    if (result.bars === 0) {
      const { start_date: start, end_date: end } = config.backtest;
      throw new CsvDataError(
        dir,
        null,
        `no bars of ${symbols.join(', ')} from ${start ?? 'the start'} to ${end ?? 'the end'}`,
      );
    }
  } catch (error) {
    equityCsv.close();
    rmSync(partialEquity, { force: true });
    journal?.abort();
    throw error;
  }
  skipped.push(...feed.skipped());
  for (const row of skipped.slice(0, 20)) logger.warn(`skipped ${row.file}:${row.line}: ${row.reason}`);
  if (skipped.length > 20) logger.warn(`... and ${skipped.length - 20} more skipped rows`);
  logger.info(
    { symbols: symbols.length, bars: result.bars, fills: result.fills.length, seconds: +result.loopSeconds.toFixed(3) },
    'backtest finished',
  );

  const reportStarted = performance.now();
  writeReport(out, {
    daily: result.daily,
    trades: result.trades,
    fills: result.fills,
    orders: result.orders,
    metrics: result.metrics,
  });
  const sharesFile = join(out, 'strategies.csv');
  if (assignments === undefined) rmSync(sharesFile, { force: true });
  else
    writeStrategiesCsv(
      sharesFile,
      attributeByStrategy(result.members, result.fills, result.trades, (symbol) =>
        result.portfolio.positionValue(symbol),
      ),
    );
  renameSync(partialEquity, files.equity);
  journal?.finish('the backtest finished');
  const reportSeconds = (performance.now() - reportStarted) / 1000 + equityCsv.busySeconds;
  return {
    result,
    files,
    symbols,
    skipped,
    loadSeconds: loadSeconds + result.loadSeconds,
    reportSeconds,
  };
}
