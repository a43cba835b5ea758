import type { BacktestJob } from '../backtest/backtest-job.js';
import type { Config } from '../config/schema.js';
import { reportOptions } from './report-options.js';
import { writeReportHtml } from './write-report-html.js';

/** report.html of a finished backtest, from the files it has just written. */
export function writeBacktestReport(config: Config, job: BacktestJob): string {
  const { result } = job;
  const params = Object.entries(result.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const title = `Backtest ${result.strategy}${params ? ` (${params})` : ''} on ${job.symbols.join(', ')}`;
  return writeReportHtml(
    config.backtest.results_directory,
    reportOptions(config, title, config.backtest.csv_directory),
  );
}
