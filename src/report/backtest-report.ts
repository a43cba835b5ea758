import type { BacktestJob } from '../backtest/backtest-job.js';
import type { Config } from '../config/schema.js';
import { symbolsText } from '../domain/symbol.js';
import { decimalValue } from '../performance/decimal-format.js';
import type { PerformanceMetrics } from '../performance/metrics.js';
import { RISK_EVENTS_HEADER, riskEventRow } from '../performance/risk-events-csv.js';
import { splitLine, type CsvTable } from './csv-table.js';
import { reportOptions } from './report-options.js';
import type { DailyRows, ResultsFiles } from './results-files.js';
import type { ReportCollector } from './report-collector.js';
import type { PageWriter } from './report-page.js';
import { benchmarkOverRun, reportHtml, sequentialBarReader } from './write-report-html.js';

/** The first risk events as risk_events.csv's rows, the table a report reads from that file. */
function riskEventsTable(file: string, collected: ReportCollector): CsvTable {
  const rows = collected.riskEvents.map((event, i) => splitLine(riskEventRow(event), file, i + 2));
  return {
    file,
    header: RISK_EVENTS_HEADER.split(','),
    rows,
    lines: rows.map((_, i) => i + 2),
    rowCount: collected.riskEventCount,
  };
}

/**
 * What the result files of a finished backtest hold for its report, from the run itself rather than read back:
 * metrics.json's values (through JSON, as the file has them), daily.csv's equity as written, the first risk events.
 */
function backtestResults(job: BacktestJob): ResultsFiles {
  const { result, files } = job;
  const metrics = JSON.parse(
    JSON.stringify({ ...result.metrics, risk_events: result.riskCounts }),
  ) as PerformanceMetrics;
  const { daily } = result;
  const rows: DailyRows = { time: [], equity: [] };
  for (let i = 0; i < daily.length; i++) {
    rows.time.push(daily.time[i]!);
    rows.equity.push(decimalValue(daily.cash[i]! + daily.positionsValue[i]!));
  }
  return {
    metrics,
    daily: rows,
    riskEvents: riskEventsTable(files.riskEvents, job.report),
    walkForward: null,
  };
}

/** report.html of a finished backtest, from what the run gathered while it went on, to `write`. */
export function backtestReportPage(config: Config, job: BacktestJob, write: PageWriter): void {
  const { result } = job;
  const params = Object.entries(result.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const title = `Backtest ${result.strategy}${params ? ` (${params})` : ''} on ${symbolsText(job.symbols)}`;
  const options = reportOptions(config, title, config.backtest.csv_directory);
  const results = backtestResults(job);
  const benchmark =
    options.benchmark === null || job.benchmark === null ? null : benchmarkOverRun(job.benchmark, results.daily);
  const reload = sequentialBarReader(config.backtest.csv_directory, results.daily, options.skipBadRows);
  reportHtml({ results, records: job.report, benchmark, reload }, options, write);
}
