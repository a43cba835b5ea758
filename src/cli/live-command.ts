import type { Command } from 'commander';
import type { ConfigOverride } from '../config/overrides.js';
import { addConfigOption, resolveConfig } from './config-options.js';
import { UsageError } from './exit-codes.js';
import { locatingStrategyErrors } from './strategy-param-origin.js';

interface LiveFlags {
  config: string;
  duration?: string;
  until?: string;
  readOnly?: boolean;
  live?: boolean;
  results?: string;
}

export interface LiveRunOptions {
  /** Wall-clock duration text ("2h"), validated by the run. */
  readonly duration?: string;
  /** End time text (exchange time), validated against the session's clock by the run. */
  readonly until?: string;
  /** `--live`: the first of the two permissions live trading needs (ibkr.allow_live is the second). */
  readonly live: boolean;
}

/**
 * `ets live`: trades the enabled strategy through TWS / IB Gateway, or through the embedded gateway when
 * `ibkr.gateway` is `embedded` (the shipped config). `ets start` is the same session as configured.
 */
export function registerLiveCommand(program: Command): void {
  const command = program
    .command('live')
    .description('trade the enabled strategy live through TWS / IB Gateway (or the embedded gateway)');
  addConfigOption(command)
    .option('--duration <time>', 'stop after this long, e.g. 90s, 30m, 2h, 1d')
    .option('--until <time>', 'stop at this exchange time: HH:MM[:SS] or YYYY-MM-DD HH:MM[:SS] (New York)')
    .option('--read-only', 'never send an order: signals are logged as "would place"')
    .option('--live', 'allow a live-trading port or a real-money account (ibkr.allow_live must be true too)')
    .option('--results <dir>', 'directory for the result files (live.results_directory)')
    .action(async (flags: LiveFlags) => {
      if (flags.duration !== undefined && flags.until !== undefined) {
        throw new UsageError('--duration and --until: give one (the session stops after a time, or at one)');
      }
      const overrides: ConfigOverride[] = [];
      if (flags.readOnly === true) overrides.push({ flag: '--read-only', path: ['ibkr', 'read_only'], value: true });
      if (flags.results !== undefined) {
        overrides.push({ flag: '--results', path: ['live', 'results_directory'], value: flags.results });
      }
      const config = resolveConfig(flags.config, overrides);
      const { runLiveCommand } = await import('./live-run.js');
      await locatingStrategyErrors(flags.config, overrides, () =>
        runLiveCommand(config, {
          ...(flags.duration === undefined ? {} : { duration: flags.duration }),
          ...(flags.until === undefined ? {} : { until: flags.until }),
          live: flags.live === true,
        }),
      );
    });
}
