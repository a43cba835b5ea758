import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runBacktestJob } from '../backtest/backtest-job.js';
import { writeSampleData } from '../data/write-sample-data.js';
import { openLogger } from '../logging/logger.js';
import { addConfigOption, resolveConfig } from './config-options.js';
import { printBacktestSummary } from './print-summary.js';

/**
 * The main job as configured. Until the live node runs on the embedded gateway, this is a backtest of the
 * configured strategy on the CSV directory, generating the synthetic sample set first when the directory is empty.
 */
export function registerStartCommand(program: Command): void {
  const command = program.command('start').description('run the main job as configured in config.yaml');
  addConfigOption(command).action(async (flags: { config: string }) => {
    const config = resolveConfig(flags.config, []);
    const opened = await openLogger(config.logging);
    try {
      const dir = config.backtest.csv_directory;
      if (!existsSync(dir) || readdirSync(dir).length === 0) {
        const paths = writeSampleData(dir);
        opened.logger.info({ dir, files: paths.length }, 'generated the synthetic sample data set');
      }
      const job = runBacktestJob(config, opened.logger);
      printBacktestSummary(job, resolve(config.backtest.results_directory));
    } finally {
      await opened.close();
    }
  });
}
