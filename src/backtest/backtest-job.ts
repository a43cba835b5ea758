import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config } from '../config/schema.js';
import type { TradingKernel } from '../core/trading-kernel.js';
import type { BarSeries } from '../domain/bar.js';
import { symbolsText } from '../domain/symbol.js';
import { CsvDataError, type SkippedRow } from '../data/csv-data-error.js';
import { resolveBarFiles, timeRange, type TimeRangeOptions } from '../data/bar-files.js';
import { loadBarDirectory } from '../data/load-bar-directory.js';
import type { Logger } from '../logging/logger.js';
import { EquityCsvWriter } from '../performance/equity-csv-writer.js';
import { RecordCsvWriter } from '../performance/record-csv-writer.js';
import { makeResultDirectory } from '../performance/result-directory.js';
import { writeRiskEventsCsv } from '../performance/risk-events-csv.js';
import {
  reportFiles,
  writeEquityCsv,
  writeFillsCsv,
  writeMetricsJson,
  writeOrdersCsv,
  writeTradesCsv,
  type ReportFiles,
} from '../performance/report-writer.js';
import { createStrategy } from '../strategy/create-strategy.js';
import type { StrategyFactory } from '../strategy/load-strategy.js';
import { trialContext } from '../strategy/strategy-plan.js';
import { attributeByStrategy, writeStrategiesCsv } from '../performance/strategy-attribution.js';
import { loadVolatilitySeries } from '../risk/load-volatility-series.js';
import { openBacktestJournal } from './backtest-journal-setup.js';
import type { BarThread } from './bar-threads.js';
import { openFileFeed } from './open-file-feed.js';
import { backtestAssignments } from './strategy-assignments.js';
import { barRange, benchmarkOf, tradedSymbols } from './traded-files.js';
import { runBacktest, runStrategyName, type BacktestResult } from './backtest-runner.js';
import { ProgressFeed, type BacktestProgress } from './progress-feed.js';
import { lastRowTime } from '../data/last-row-time.js';
import { MS_PER_DAY, parseTime } from '../domain/time.js';
import { CandleReloadThread } from '../report/candle-reload-thread.js';
import { clearEarlierResults } from '../report/result-file-names.js';
import { ReportCollector } from '../report/report-collector.js';
import type { PageWriter } from '../report/report-page.js';
import { candleTap, collectKept, recordTap } from '../report/run-report-tap.js';
import { writePageFile } from '../report/write-report-html.js';

export interface BacktestJobOptions {
  /** The benchmark was asked for explicitly: a missing file is an error rather than a warning. */
  readonly benchmarkRequired?: boolean;
  /** The strategy when it is not the built-in one `backtest.strategy` names (see loadStrategyFactory). */
  readonly strategy?: StrategyFactory;
  /** The factories of `backtest.strategies` by name, when several strategies run at once. */
  readonly strategies?: ReadonlyMap<string, StrategyFactory>;
  /** Told how far the run has come (a progress bar on a terminal, log lines elsewhere). */
  readonly progress?: BacktestProgress;
  /** Write the run to this journal file too (the live journal's schema). */
  readonly journal?: string;
  /** Called when the run has succeeded, just before its files take their names (the CLI holds Ctrl+C back then). */
  readonly onPublish?: () => void;
  /** Draws report.html of the finished run, written with its other files (under a temporary name until all are). */
  readonly page?: (job: BacktestJob, write: PageWriter) => void;
  /**
   * Read the CSV files on a second thread as the run goes on: `true` starts one when the files are worth it, or
   * this thread (see openFileFeed).
   */
  readonly barThread?: boolean | BarThread;
  /**
   * On more than BARS_AT_END_SYMBOLS symbols with a page to draw, read the traded symbols' files into the page's
   * candles on a second thread as the run goes on (see CandleReloadThread) instead of after it.
   */
  readonly candlesAhead?: boolean;
}

/** The files a run streams into while it goes on; each takes its final name only when the run has succeeded. */
function partialFiles(files: ReportFiles) {
  return {
    trades: `${files.trades}.partial`,
    fills: `${files.fills}.partial`,
    orders: `${files.orders}.partial`,
    riskEvents: `${files.riskEvents}.partial`,
    equity: `${files.equity}.partial`,
  };
}

/** Above this many symbols the report reads the traded symbols' bars again instead of gathering every symbol's. */
const BARS_AT_END_SYMBOLS = 20;

/** Names of the files a run writes besides the report's, to check the output directory for. */
export const PARTIAL_FILE_NAMES = Object.values(partialFiles(reportFiles('.'))).map((path) => basename(path));

export interface BacktestJob {
  readonly result: BacktestResult;
  readonly files: ReportFiles;
  readonly symbols: readonly string[];
  readonly skipped: readonly SkippedRow[];
  /** Reading and parsing the CSV files (on the run's thread: with a read-ahead thread, waiting for it). */
  readonly loadSeconds: number;
  /** Files a read-ahead thread parsed (see CsvReadAhead). */
  readonly filesParsedAhead: number;
  /** Formatting and writing the result files. */
  readonly reportSeconds: number;
  /** What report.html draws of the run's bars and records, gathered while it ran. */
  readonly report: ReportCollector;
  /** The benchmark's bars, for its curve in report.html; null without one. */
  readonly benchmark: BarSeries | null;
}

/**
 * `ets backtest` as a job: stream the CSV bars the config names through the backtest and write the result files.
 * Bars are read as the run consumes them, so memory does not grow with the data; a bad row found late fails the run
 * then. The equity rows go to a temporary file while the run goes on and take the place of equity.csv only when the
 * run has succeeded, so a failed run leaves earlier results as they were. Orders, fills and trades are streamed to
 * their files the same way, so memory does not grow with them either.
 */
export function runBacktestJob(config: Config, logger: Logger, options: BacktestJobOptions = {}): BacktestJob {
  // Bad strategy parameters should fail before any data is read, not after.
  const strategy = config.backtest.strategy;
  const params = config.strategies[strategy]?.params ?? {};
  const context = trialContext(config);
  if (options.strategy === undefined) createStrategy(strategy, params, context);
  else options.strategy.create(params, context);
  const dir = config.backtest.csv_directory;
  const range = barRange(config);
  const loadStarted = performance.now();
  const benchmarkSymbol = benchmarkOf(config);
  const volatility = loadVolatilitySeries(config, logger);
  const symbols = tradedSymbols(config);
  // Several strategies are checked first: when none lists its symbols, that is what to say, not that none were found.
  const assignments = options.strategies && backtestAssignments(config, symbols, options.strategies);
  if (symbols.length === 0) throw new CsvDataError(dir, null, 'no CSV files of symbols to trade');
  // Bad bounds fail before the directory is read, as in loadBarDirectory.
  timeRange(range);
  const feed = openFileFeed(resolveBarFiles(dir, symbols), range, options.barThread ?? false);
  const progress = options.progress;
  const skipped: SkippedRow[] = [];
  let benchmark: BarSeries | null;
  try {
    benchmark = loadBenchmark(config, dir, benchmarkSymbol, range, options, logger, skipped);
  } catch (error) {
    // the streams' open files are let go: an in-process caller may go on
    feed.close();
    throw error;
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;

  const out = config.backtest.results_directory;
  const undoDirectory = makeResultDirectory(out);
  const files = reportFiles(out);
  const partial = partialFiles(files);
  // Opened before the result files, so that a journal refused leaves nothing behind.
  let journal: ReturnType<typeof openBacktestJournal> | undefined;
  try {
    const name = runStrategyName(config, options.strategy, assignments);
    journal = options.journal === undefined ? undefined : openBacktestJournal(options.journal, config, name);
  } catch (error) {
    feed.close();
    undoDirectory();
    throw error;
  }
  const equityCsv = new EquityCsvWriter(partial.equity);
  // Gathering every symbol's candles as the bars pass costs about as much as reading the bars again; with many
  // symbols (most of which never trade) the report reads again only the traded symbols' bars once the run is done.
  const barsAtEnd = symbols.length > BARS_AT_END_SYMBOLS;
  // With `candlesAhead` a second thread does that reading as the run goes on, each symbol as it first trades: the
  // merging thread of many files in its idle time, else a thread of its own.
  const wanted = barsAtEnd && options.page !== undefined && options.candlesAhead === true;
  const ahead = wanted ? (feed.candlesAhead?.() ?? CandleReloadThread.start(feed.files(), range)) : null;
  const report = new ReportCollector({ barsAtEnd, ...(ahead !== null && { ahead }) });
  let records: RecordCsvWriter | null = null;
  let result: BacktestResult;
  try {
    // Several strategies at once keep their records for strategies.csv; one strategy streams them to its files.
    if (assignments === undefined) records = new RecordCsvWriter(partial);
    const runFeed = progress === undefined ? feed : new ProgressFeed(feed, progress, () => dataEnd(config, symbols));
    try {
      result = runBacktest({
        config,
        feed: runFeed,
        benchmark,
        logger,
        equitySink: equityCsv,
        equityRows: config.backtest.equity_rows,
        volatility,
        ...(!barsAtEnd && { onSlice: candleTap(report) }),
        ...(records === null ? {} : { records: recordTap(report, records) }),
        ...(options.strategy === undefined ? {} : { strategy: options.strategy }),
        ...(assignments === undefined ? {} : { strategies: assignments }),
        ...(journal !== undefined && {
          onKernel: (kernel: TradingKernel) => {
            journal.observe(kernel);
          },
        }),
      });
    } finally {
      progress?.stop();
    }
    equityCsv.close();
    records?.close();
    if (result.bars === 0) {
      const { start_date: start, end_date: end } = config.backtest;
      throw new CsvDataError(
        dir,
        null,
        `no bars of ${symbolsText(symbols)} from ${start ?? 'the start'} to ${end ?? 'the end'}`,
      );
    }
  } catch (error) {
    ahead?.close();
    equityCsv.close();
    records?.close();
    for (const path of Object.values(partial)) rmSync(path, { force: true });
    journal?.abort();
    undoDirectory();
    throw error;
  } finally {
    feed.close();
  }
  skipped.push(...feed.skipped());
  const idle = feed.symbolsWithoutBars();
  if (idle.length > 0) {
    const { start_date: start, end_date: end } = config.backtest;
    logger.warn(
      `no bars of ${symbolsText(idle)} from ${start ?? 'the start'} to ${end ?? 'the end'}: not traded in this run`,
    );
  }
  for (const row of skipped.slice(0, 20)) logger.warn(`skipped ${row.file}:${row.line}: ${row.reason}`);
  if (skipped.length > 20) logger.warn(`... and ${skipped.length - 20} more skipped rows`);
  logger.info(
    { symbols: symbols.length, bars: result.bars, fills: result.fillCount, seconds: +result.loopSeconds.toFixed(3) },
    'backtest finished',
  );

  const job: BacktestJob = {
    result,
    files,
    symbols,
    skipped,
    loadSeconds: loadSeconds + result.loadSeconds,
    filesParsedAhead: feed.filesParsedAhead(),
    reportSeconds: 0,
    report,
    benchmark,
  };
  const reportStarted = performance.now();
  // The files not streamed yet go under temporary names too, the page last: a run that fails now (a full disk, a
  // page that cannot be drawn) leaves the earlier results as they were, and no file that looks finished.
  const staged: string[] = [];
  const stage = (path: string, write: (to: string) => void): void => {
    staged.push(path);
    write(`${path}.partial`);
  };
  try {
    if (records !== null) staged.push(files.trades, files.fills, files.orders, files.riskEvents);
    else {
      stage(files.riskEvents, (to) => {
        writeRiskEventsCsv(to, result.riskEvents);
      });
      stage(files.trades, (to) => {
        writeTradesCsv(to, result.trades);
      });
      stage(files.fills, (to) => {
        writeFillsCsv(to, result.fills);
      });
      stage(files.orders, (to) => {
        writeOrdersCsv(to, result.orders);
      });
      collectKept(report, result);
      const shares = attributeByStrategy(result.members, result.fills, result.trades, (symbol) =>
        result.portfolio.positionValue(symbol),
      );
      stage(join(out, 'strategies.csv'), (to) => {
        writeStrategiesCsv(to, shares);
      });
    }
    staged.push(files.equity);
    stage(files.daily, (to) => {
      writeEquityCsv(to, result.daily);
    });
    // metrics.json and report.html, last, are what mark a finished run.
    stage(files.metrics, (to) => {
      writeMetricsJson(to, result.metrics, result.riskCounts);
    });
    const page = options.page;
    if (page !== undefined) {
      stage(join(out, 'report.html'), (to) => {
        writePageFile(to, (write) => {
          page(job, write);
        });
      });
    }
  } catch (error) {
    for (const path of staged) rmSync(`${path}.partial`, { force: true });
    for (const path of Object.values(partial)) rmSync(path, { force: true });
    journal?.abort();
    undoDirectory();
    throw error;
  } finally {
    ahead?.close();
  }
  options.onPublish?.();
  clearEarlierResults(out);
  for (const path of staged) renameSync(`${path}.partial`, path);
  journal?.finish('the backtest finished');
  return { ...job, reportSeconds: (performance.now() - reportStarted) / 1000 + equityCsv.busySeconds };
}

/** The last bar time the run can reach, for progress: the latest last row of the files, within the end date. */
function dataEnd(config: Config, symbols: readonly string[]): number {
  const dir = config.backtest.csv_directory;
  const last = Math.max(...resolveBarFiles(dir, symbols).map((file) => lastRowTime(file.path)));
  const end =
    config.backtest.end_date === null ? Number.POSITIVE_INFINITY : parseTime(config.backtest.end_date) + MS_PER_DAY;
  return Math.min(last, end);
}

function loadBenchmark(
  config: Config,
  dir: string,
  benchmarkSymbol: string | null,
  range: TimeRangeOptions & { skipBadRows: boolean },
  options: BacktestJobOptions,
  logger: Logger,
  skipped: SkippedRow[],
): BarSeries | null {
  if (benchmarkSymbol === null) return null;
  if (existsSync(join(dir, `${benchmarkSymbol}.csv`)) || options.benchmarkRequired === true) {
    const loaded = loadBarDirectory(dir, { ...range, symbols: [benchmarkSymbol] });
    skipped.push(...loaded.skipped);
    return loaded.series[0] ?? null;
  }
  logger.warn({ symbol: benchmarkSymbol, dir }, 'benchmark file not found: alpha and beta are left empty');
  return null;
}
