import type { Command } from 'commander';
import { addConfigOption, resolveConfig } from './config-options.js';
import { UsageError } from './exit-codes.js';

interface WorkerFlags {
  config: string;
  queue: string;
  lockSeconds: string;
}

export function registerWorkerCommand(program: Command): void {
  addConfigOption(
    program
      .command('worker')
      .description('run the backtests of distributed `ets optimize --queue` / `ets walk-forward --queue` runs')
      .requiredOption('--queue <url>', 'the BullMQ queue, redis://HOST:PORT')
      .option('--lock-seconds <n>', 'a job of a worker that dies goes to another after about this long', '30'),
  ).action(async (flags: WorkerFlags) => {
    if (!/^[1-9]\d{0,4}$/.test(flags.lockSeconds)) {
      throw new UsageError(`--lock-seconds ${flags.lockSeconds}: expected a whole number of seconds ≥ 1`);
    }
    const config = resolveConfig(flags.config, []);
    const { runWorkerCommand } = await import('./worker-run.js');
    await runWorkerCommand(config, flags.queue, Number(flags.lockSeconds));
  });
}
