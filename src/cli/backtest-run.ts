import { resolve } from 'node:path';
import { runBacktestJob, type BacktestJobOptions } from '../backtest/backtest-job.js';
import type { Config } from '../config/schema.js';
import { openLogger } from '../logging/logger.js';
import { printBacktestSummary } from './print-summary.js';

/** Runs a backtest job with the configured logging and prints its summary (loaded on demand by the CLI). */
export async function runBacktestCommand(config: Config, options: BacktestJobOptions = {}): Promise<void> {
  const opened = await openLogger(config.logging);
  try {
    const job = runBacktestJob(config, opened.logger, options);
    printBacktestSummary(job, resolve(config.backtest.results_directory));
  } finally {
    await opened.close();
  }
}
