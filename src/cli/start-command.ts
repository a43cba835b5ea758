import type { Command } from 'commander';
import { addConfigOption, resolveConfig } from './config-options.js';
import { locatingStrategyErrors } from './strategy-param-origin.js';

/**
 * The main job as configured: a live session of the enabled strategy. With the shipped config it trades on the
 * embedded gateway, which replays the last two trading days of the sample data at speed, and ends by itself when
 * the replay runs out of data.
 */
export function registerStartCommand(program: Command): void {
  const command = program
    .command('start')
    .description('run the main job as configured in config.yaml (a live session)');
  addConfigOption(command).action(async (flags: { config: string }) => {
    const config = resolveConfig(flags.config, []);
    const { runLiveCommand } = await import('./live-run.js');
    await locatingStrategyErrors(flags.config, [], () => runLiveCommand(config, { live: false }));
  });
}
