import { resolve } from 'node:path';
import { PARTIAL_FILE_NAMES, runBacktestJob, type BacktestJobOptions } from '../backtest/backtest-job.js';
import type { BarThread } from '../backtest/bar-threads.js';
import type { Config } from '../config/schema.js';
import { openLogger } from '../logging/logger.js';
import { reportFiles } from '../performance/report-writer.js';
import { loadStrategyFactory, strategySpec } from '../strategy/load-strategy.js';
import { loadStrategyFactories } from '../strategy/strategy-plan.js';
import { holdInterrupts } from './interrupts.js';
import { checkOutputs, journalDirectory, reportFileNames } from './output-locations.js';
import { holdingResultsDirectory } from '../performance/results-lock.js';
import { printBacktestSummary } from './print-summary.js';
import { backtestProgress } from './backtest-progress-bar.js';
import { backtestReportPage } from '../report/backtest-report.js';

/** The result files and the equity file written while the run goes on. */
const RESULT_FILES = [
  ...reportFileNames(reportFiles('.')),
  ...PARTIAL_FILE_NAMES,
  'strategies.csv',
  'report.html',
  'report.html.partial',
];

/**
 * Runs a backtest job with the configured logging and prints its summary (loaded on demand by the CLI). `barThread`:
 * the thread started for the bar files (earlyBarThread), closed here whatever happens.
 */
export async function runBacktestCommand(
  config: Config,
  options: BacktestJobOptions = {},
  barThread: BarThread | null = null,
): Promise<void> {
  try {
    const results = { label: 'backtest.results_directory (--out)', path: config.backtest.results_directory };
    const journal = options.journal === undefined ? [] : [journalDirectory('--journal', options.journal)];
    checkOutputs(config, [{ ...results, files: RESULT_FILES }, ...journal], { embeddedGateway: false });
    const spec = strategySpec(config, config.backtest.strategy);
    const strategy = spec.module === null ? undefined : await loadStrategyFactory(spec);
    const names = config.backtest.strategies;
    const strategies = names === null ? undefined : await loadStrategyFactories(config, names);
    await holdingResultsDirectory(config.backtest.results_directory, async () => {
      const opened = await openLogger(config.logging);
      let release: (() => void) | undefined;
      try {
        const job = runBacktestJob(config, opened.logger, {
          ...options,
          barThread: barThread ?? true,
          candlesAhead: true,
          progress: backtestProgress(opened.logger),
          ...(strategy && { strategy }),
          ...(strategies && { strategies }),
          page: (done, write) => {
            backtestReportPage(config, done, write);
          },
          onPublish: () => {
            release = holdInterrupts();
          },
        });
        release?.();
        printBacktestSummary(job, resolve(config.backtest.results_directory));
      } finally {
        release?.();
        await opened.close();
      }
    });
  } finally {
    barThread?.close();
  }
}
