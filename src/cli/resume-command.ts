import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeResumeRequest } from '../live/kill-switch.js';
import { addConfigOption, resolveConfig } from './config-options.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { requestWaitingAt, sendSessionRequest, waitSeconds, withdrawRequest } from './session-request.js';

interface ResumeFlags {
  config: string;
  reason?: string;
  wait: string;
}

/**
 * `ets resume`: the manual reset of a running live session, the counterpart of `ets halt` through the same file.
 * The session lifts the halts that wait for a person (drawdown, rapid loss, the kill switch) and trades again. A
 * request nobody takes is removed, so that it never lifts a later session's halt; a halt request waiting in the
 * file, before this one or written over it meanwhile, is left alone (deleting that file cancels a pending halt).
 */
export function registerResumeCommand(program: Command): void {
  const command = program
    .command('resume')
    .description('manual reset of a running live session: lift a drawdown, rapid-loss or kill-switch halt');
  addConfigOption(command)
    .option('--reason <text>', 'why, for the log and risk_events.csv', 'ets resume')
    .option('--wait <seconds>', 'how long to wait for the session to take the request', '10')
    .action(async (flags: ResumeFlags) => {
      const wait = waitSeconds(flags.wait);
      const config = resolveConfig(flags.config, []);
      const path = resolve(config.trading.kill_switch_file);
      if (requestWaitingAt(path) !== null) {
        throw new UsageError(
          `trading.kill_switch_file: a request no session has taken is waiting at ${path}; delete it to cancel that halt`,
        );
      }
      let written = '';
      const fate = await sendSessionRequest(path, wait, () => {
        written = writeResumeRequest(path, { source: 'ets resume', reason: flags.reason ?? 'ets resume' });
        return written;
      });
      if (fate !== 'taken') {
        // Only this request is withdrawn: a halt written over it stays for the session.
        if (fate === 'waiting') withdrawRequest(path, written);
        process.stderr.write(
          fate === 'waiting'
            ? `error: no running session took the resume request within ${wait} s; it was removed\n`
            : `error: a halt request replaced the resume request at ${path} before any session took it; the halt stays\n`,
        );
        process.exitCode = ExitCode.Failure;
        return;
      }
      process.stdout.write(`resume taken by the running session (${path})\n`);
    });
}
