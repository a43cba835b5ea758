import type { Config } from '../config/schema.js';
import { symbolsText } from '../domain/symbol.js';
import type { LiveSummary } from '../live/live-summary.js';
import type { Logger } from '../logging/logger.js';
import { reportOptions } from './report-options.js';
import { writeReportHtml } from './write-report-html.js';

/**
 * report.html of a live session that has ended, in its results directory. The session's results are complete without it, so a page that
 * cannot be drawn is a warning, not a failed session.
 */
export function writeLiveReport(
  config: Config,
  resultsDirectory: string,
  summary: LiveSummary,
  dataDirectory: string | null,
  logger: Logger,
): void {
  const { strategy } = summary;
  const params = Object.entries(strategy.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const title = `Live session ${strategy.name}${params ? ` (${params})` : ''} on ${symbolsText(summary.symbols)}`;
  try {
    writeReportHtml(resultsDirectory, reportOptions(config, title, dataDirectory));
  } catch (error) {
    logger.warn({ error: (error as Error).message }, 'report.html could not be written');
  }
}
