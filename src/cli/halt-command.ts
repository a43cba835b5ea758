import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isResume, parseRequest, writeHaltRequest } from '../live/kill-switch.js';
import { addConfigOption, resolveConfig } from './config-options.js';
import { ExitCode } from './exit-codes.js';
import { sendSessionRequest, waitSeconds } from './session-request.js';

interface HaltFlags {
  config: string;
  flatten?: boolean;
  reason?: string;
  wait: string;
}

/**
 * `ets halt [--flatten]`: the kill switch of a running live session. Writes the request to
 * `trading.kill_switch_file` and waits for the session to take it. A request nobody takes stays, so that the next
 * session to start halts at once: a kill switch that was pulled stays pulled until a person removes the file.
 */
export function registerHaltCommand(program: Command): void {
  const command = program
    .command('halt')
    .description('halt a running live session: cancel working entries, optionally flatten, stop trading');
  addConfigOption(command)
    .option('--flatten', 'also close every position at market')
    .option('--reason <text>', 'why, for the log and risk_events.csv', 'ets halt')
    .option('--wait <seconds>', 'how long to wait for the session to take the request', '10')
    .action(async (flags: HaltFlags) => {
      const wait = waitSeconds(flags.wait);
      const config = resolveConfig(flags.config, []);
      const path = resolve(config.trading.kill_switch_file);
      const flatten = flags.flatten === true;
      const fate = await sendSessionRequest(
        path,
        wait,
        () => writeHaltRequest(path, { flatten, source: 'ets halt', reason: flags.reason ?? 'ets halt' }),
        // Another halt written over this one keeps its flatten (see writeHaltRequest): the same request still.
        (text) => {
          const request = parseRequest(text, path);
          return request !== null && !isResume(request);
        },
      );
      if (fate !== 'taken') {
        process.stderr.write(
          fate === 'waiting'
            ? `error: no running session took the halt request within ${wait} s; it stays at ${path} and halts the next session that starts (delete it to cancel)\n`
            : `error: a resume request replaced the halt request at ${path} before any session took it\n`,
        );
        process.exitCode = ExitCode.Failure;
        return;
      }
      process.stdout.write(`halt${flatten ? ' and flatten' : ''} taken by the running session (${path})\n`);
    });
}
