import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBarDirectory } from '../data/load-bar-directory.js';
import type { BarSeries } from '../domain/bar.js';
import { histogram, performanceSeries, periodReturns, tradeReturn } from './performance-series.js';
import { pricePanel, type PricePanel } from './price-panels.js';
import type { ReportData } from './report-data.js';
import { chartLibrarySource, deltaSeconds, reportPage } from './report-page.js';
import { readResultsFiles, type ResultsFiles } from './results-files.js';
import { inSamplePaths } from './walk-forward-series.js';

export interface ReportOptions {
  readonly title: string;
  /** Directory of the traded symbols' `SYMBOL.csv` bars, for the price charts; null or missing files: no chart. */
  readonly dataDirectory: string | null;
  /** Benchmark symbol, read from the same directory. */
  readonly benchmark: string | null;
  readonly riskFreeRate: number;
  readonly periodsPerYear: number;
}

/** All the candles of a report together: about 1 MB of page for any run length and any number of symbols. */
const CANDLE_BUDGET = 24_000;

/**
 * The bars of `symbols` over the run's dates, in that order, leaving out symbols without a file (or without bars then).
 * One directory listing serves them all: a run of hundreds of symbols trades in many of them.
 */
function loadSeries(options: ReportOptions, symbols: readonly string[], results: ResultsFiles): BarSeries[] {
  const dir = options.dataDirectory;
  const { time } = results.daily;
  if (dir === null || time.length === 0) return [];
  const present = symbols.filter((symbol) => existsSync(join(dir, `${symbol}.csv`)));
  if (present.length === 0) return [];
  const loaded = loadBarDirectory(dir, {
    symbols: present,
    start: time[0]!,
    end: time[time.length - 1]!,
    skipBadRows: true,
  });
  return loaded.series.filter((series) => series.length > 0);
}

function tradedSymbols(results: ResultsFiles): string[] {
  return [...new Set([...results.fills.map((f) => f.symbol), ...results.trades.map((t) => t.symbol)])].sort();
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

/** The report page of a results directory, as text. */
export function buildReportHtml(directory: string, options: ReportOptions): string {
  const results = readResultsFiles(directory, options);
  const benchmark = options.benchmark === null ? null : (loadSeries(options, [options.benchmark], results)[0] ?? null);
  const series = performanceSeries(results.daily, {
    initialEquity: results.metrics.initial_equity,
    riskFreeRate: options.riskFreeRate,
    periodsPerYear: options.periodsPerYear,
    benchmark,
  });
  const loaded = loadSeries(options, tradedSymbols(results), results);
  const perSymbol = Math.max(250, Math.floor(CANDLE_BUDGET / Math.max(1, loaded.length)));
  const prices: PricePanel[] = loaded.map((s) => pricePanel(s, results.fills, results.orders, perSymbol));
  const bins = histogram(results.trades.map(tradeReturn));
  return reportPage({
    title: options.title,
    results,
    series,
    periods: periodReturns(results.metrics.initial_equity, results.daily),
    tradeReturns: bins.map((b) => [b.from * 100, b.to * 100, b.count]),
    prices,
    walkForward: walkForward(results),
    library: chartLibrarySource(),
  });
}

/**
 * Writes `report.html` into a results directory from the files there. The page is written beside and renamed over,
 * so a failed rendering leaves no file that looks like a report (and an earlier report is removed first).
 */
export function writeReportHtml(directory: string, options: ReportOptions): string {
  const path = join(directory, 'report.html');
  const partial = `${path}.partial`;
  // A page of earlier results must not stay beside files it does not show.
  rmSync(path, { force: true });
  const html = buildReportHtml(directory, options);
  try {
    writeFileSync(partial, html);
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  return path;
}
