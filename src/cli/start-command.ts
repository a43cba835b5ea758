import type { Command } from 'commander';
import { addConfigOption, resolveConfig } from './config-options.js';

/**
 * The main job as configured. Until the live node runs on the embedded gateway, this is a backtest of the
 * configured strategy on the CSV directory, generating the synthetic sample set first when the directory is empty.
 */
export function registerStartCommand(program: Command): void {
  const command = program.command('start').description('run the main job as configured in config.yaml');
  addConfigOption(command).action(async (flags: { config: string }) => {
    const config = resolveConfig(flags.config, []);
    const { ensureSampleData } = await import('../data/ensure-sample-data.js');
    ensureSampleData(config.backtest.csv_directory);
    const { runBacktestCommand } = await import('./backtest-run.js');
    await runBacktestCommand(config);
  });
}
