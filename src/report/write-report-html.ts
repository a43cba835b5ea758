import { closeSync, existsSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { loadBarDirectory } from '../data/load-bar-directory.js';
import { resolveBarFiles } from '../data/bar-files.js';
import { BarWindow } from '../data/bar-window.js';
import { CsvBarStream, DEFAULT_CHUNK_BYTES } from '../data/csv-bar-stream.js';
import { MS_PER_DAY } from '../domain/time.js';
import { downsampleSeries } from './curve-downsample.js';
import { feedRecords } from './feed-records.js';
import { histogram, performanceSeries, periodReturns } from './performance-series.js';
import { ReportCollector, type BarReader, type SymbolBar } from './report-collector.js';
import type { ReportData } from './report-data.js';
import { chartLibraryBytes, deltaSeconds, reportPage, type PageWriter } from './report-page.js';
import {
  readResultsFiles,
  streamFills,
  streamOrders,
  streamTrades,
  type DailyRows,
  type RecordSource,
  type ResultsFiles,
} from './results-files.js';
import { inSamplePaths } from './walk-forward-series.js';

export interface ReportOptions {
  readonly title: string;
  /** Directory of the traded symbols' `SYMBOL.csv` bars, for the price charts; null or missing files: no chart. */
  readonly dataDirectory: string | null;
  /** Benchmark symbol, read from the same directory. */
  readonly benchmark: string | null;
  /**
   * Bad bar rows are skipped (`backtest.skip_bad_rows`, `--skip-bad-rows`) rather than failing the page: the bars are
   * read by the backtest's rules, so a page draws only data a backtest would have traded on.
   */
  readonly skipBadRows: boolean;
  readonly riskFreeRate: number;
  readonly periodsPerYear: number;
}

/** A benchmark's closes, oldest first. */
export interface BenchmarkCloses {
  readonly time: ArrayLike<number>;
  readonly close: ArrayLike<number>;
}

/** Everything a page is drawn from. */
export interface ReportSource {
  readonly results: ResultsFiles;
  /** The run's candles, marks and trades (see ReportCollector). */
  readonly records: ReportCollector;
  /** The benchmark's bars over the run's dates, or null. */
  readonly benchmark: BenchmarkCloses | null;
  /** Reads a symbol's bars again, for a chart whose candles the collector only counted. */
  readonly reload?: BarReader;
}

/** The run's dates as bounds on bar time: from the start of its first date to its last snapshot. */
export function runRange(daily: DailyRows): { start: number; end: number } | null {
  const { time } = daily;
  if (time.length === 0) return null;
  return { start: Math.floor(time[0]! / MS_PER_DAY) * MS_PER_DAY, end: time[time.length - 1]! };
}

/** The bars of a benchmark kept in memory, cut to the run's dates (see runRange). */
export function benchmarkOverRun(
  bars: BenchmarkCloses & { readonly length: number },
  daily: DailyRows,
): BenchmarkCloses | null {
  const range = runRange(daily);
  if (range === null) return null;
  let from = 0;
  while (from < bars.length && bars.time[from]! < range.start) from++;
  let to = from;
  while (to < bars.length && bars.time[to]! <= range.end) to++;
  if (to === from) return null;
  const time: number[] = [];
  const close: number[] = [];
  for (let i = from; i < to; i++) {
    time.push(bars.time[i]!);
    close.push(bars.close[i]!);
  }
  return { time, close };
}

function walkForward(results: ResultsFiles): ReportData['walkForward'] {
  const wf = results.walkForward;
  if (wf === null) return null;
  const oos = wf.oosEquity;
  const paths = oos === null || wf.windows === null ? [] : inSamplePaths(wf.windows, oos);
  return {
    oos: oos === null ? null : { t: deltaSeconds(oos.time), equity: oos.equity },
    inSample: paths.map((p) => ({ t: deltaSeconds(p.time), equity: p.equity.map((e) => Math.round(e * 100) / 100) })),
  };
}

/** The report page, to `write`. */
export function reportHtml(source: ReportSource, options: ReportOptions, write: PageWriter): void {
  const { results, records } = source;
  const series = performanceSeries(results.daily, {
    initialEquity: results.metrics.initial_equity,
    riskFreeRate: options.riskFreeRate,
    periodsPerYear: options.periodsPerYear,
    benchmark: source.benchmark,
  });
  const bins = histogram(records.tradeReturns());
  reportPage(
    {
      title: options.title,
      results,
      trades: { shown: records.trades, total: records.tradeCount },
      series: downsampleSeries(series),
      periods: periodReturns(results.metrics.initial_equity, results.daily),
      tradeReturns: bins.map((b) => [b.from * 100, b.to * 100, b.count]),
      prices: records.panels(source.reload),
      walkForward: walkForward(results),
      library: chartLibraryBytes(),
    },
    write,
  );
}

/**
 * Reads symbols' bars over the run's dates, one symbol at a time and each oldest first, as a report asks for them:
 * the directory is listed once and every file goes through the same read buffer and window, where a stream apiece
 * would list it again and make a buffer and a window of fresh memory for each of hundreds of symbols. A bad row fails
 * as it fails a backtest (a CsvDataError naming the file and line), unless `skipBadRows`: a chart drawn around a
 * malformed row would show a price the data does not hold. A missing file (or directory) only leaves charts out.
 */
export function sequentialBarReader(
  dir: string,
  daily: DailyRows,
  skipBadRows: boolean,
): (symbol: string, each: (bar: SymbolBar) => void) => void {
  const range = runRange(daily);
  let files: Map<string, string> | undefined;
  let shared: { readonly readBuffer: Buffer; readonly window: BarWindow } | undefined;
  return (symbol, each) => {
    if (range === null) return;
    files ??= new Map(existsSync(dir) ? resolveBarFiles(dir).map((file) => [file.symbol, file.path]) : []);
    const path = files.get(symbol);
    if (path === undefined) return;
    shared ??= { readBuffer: Buffer.allocUnsafe(DEFAULT_CHUNK_BYTES), window: new BarWindow(0) };
    const stream = new CsvBarStream(path, symbol, { ...range, skipBadRows, ...shared });
    try {
      while (!stream.done) {
        each(stream);
        stream.advance();
      }
    } finally {
      stream.release();
    }
  };
}

/** The candles of the traded symbols with a file in the data directory. */
function collectCandles(collector: ReportCollector, options: ReportOptions, daily: DailyRows): void {
  if (options.dataDirectory === null) return;
  const read = sequentialBarReader(options.dataDirectory, daily, options.skipBadRows);
  for (const symbol of collector.tradedSymbols()) {
    read(symbol, (bar) => {
      collector.slice(bar.time);
      collector.bar(bar);
    });
  }
}

/**
 * The trades, fills and orders of a results directory into a collector, a row at a time, and the traded symbols'
 * candles from the data directory: the traded symbols first (they decide each chart's share of the candles), then
 * the bars, then the marks, which are merged by the candles' periods as they come in.
 */
function collectFromFiles(records: RecordSource, options: ReportOptions, daily: DailyRows): ReportCollector {
  const collector = new ReportCollector();
  if (records.kind === 'trades') {
    for (const trade of records.trades) collector.trade(trade);
    collectCandles(collector, options, daily);
    return collector;
  }
  for (const trade of streamTrades(records.trades)) collector.trade(trade);
  for (const fill of streamFills(records.fills)) collector.markTraded(fill.symbol);
  collectCandles(collector, options, daily);
  feedRecords(collector, streamOrders(records.orders), streamFills(records.fills));
  return collector;
}

/**
 * The benchmark's bars over the run's dates, read by the backtest's rules (see streamBars): a bad row silently
 * filled by the close before it would bend the benchmark's curve. Without its file, no curve.
 */
function loadBenchmark(options: ReportOptions, daily: DailyRows): BenchmarkCloses | null {
  const dir = options.dataDirectory;
  const range = runRange(daily);
  const symbol = options.benchmark;
  if (dir === null || range === null || symbol === null || !existsSync(join(dir, `${symbol}.csv`))) return null;
  const { skipBadRows } = options;
  const series = loadBarDirectory(dir, { symbols: [symbol], ...range, skipBadRows }).series[0];
  return series === undefined || series.length === 0 ? null : series;
}

/** The report page of a results directory, to `write`. */
export function buildReportHtml(directory: string, options: ReportOptions, write: PageWriter): void {
  const { results, records } = readResultsFiles(directory, options);
  const collector = collectFromFiles(records, options, results.daily);
  reportHtml({ results, records: collector, benchmark: loadBenchmark(options, results.daily) }, options, write);
}

/** Writes the page `render` draws into the file at `path`, part by part as it comes. */
export function writePageFile(path: string, render: (write: PageWriter) => void): void {
  const fd = openSync(path, 'w');
  try {
    render((part) => {
      // One call per overload of writeSync: text, and bytes (the chart library's file).
      if (typeof part === 'string') writeSync(fd, part);
      else writeSync(fd, part);
    });
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `report.html` into a results directory, the page `render` draws. The page is written beside and renamed
 * over, so a failed rendering leaves no file that looks like a report (and an earlier report is removed first).
 */
export function writeReportPage(directory: string, render: (write: PageWriter) => void): string {
  const path = join(directory, 'report.html');
  const partial = `${path}.partial`;
  // A page of earlier results must not stay beside files it does not show.
  rmSync(path, { force: true });
  try {
    writePageFile(partial, render);
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  return path;
}

/** Writes `report.html` into a results directory from the files there (see writeReportPage). */
export function writeReportHtml(directory: string, options: ReportOptions): string {
  return writeReportPage(directory, (write) => {
    buildReportHtml(directory, options, write);
  });
}
