import type { Command } from 'commander';
import { addConfigOption, resolveConfig, secondsFlag } from './config-options.js';

interface WorkerFlags {
  config: string;
  queue: string;
  lockSeconds: string;
  redisWaitSeconds?: string;
}

export function registerWorkerCommand(program: Command): void {
  addConfigOption(
    program
      .command('worker')
      .description('run the backtests of distributed `ets optimize --queue` / `ets walk-forward --queue` runs')
      .requiredOption('--queue <url>', 'the BullMQ queue, redis://HOST:PORT')
      .option('--lock-seconds <n>', 'a job of a worker that dies goes to another after about this long', '30')
      .option(
        '--redis-wait-seconds <n>',
        'exit with code 1 once Redis has been away this long (default: wait for it to come back)',
      ),
  ).action(async (flags: WorkerFlags) => {
    const lockSeconds = secondsFlag('--lock-seconds', flags.lockSeconds);
    const waitSeconds =
      flags.redisWaitSeconds === undefined ? null : secondsFlag('--redis-wait-seconds', flags.redisWaitSeconds);
    const config = resolveConfig(flags.config, []);
    const { runWorkerCommand } = await import('./worker-run.js');
    await runWorkerCommand(config, flags.queue, lockSeconds, waitSeconds);
  });
}
