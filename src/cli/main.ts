#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerBacktestCommand } from './backtest-command.js';
import { registerDataCommand } from './data-command.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { registerGatewayCommand } from './gateway-command.js';
import { registerLiveCommand } from './live-command.js';
import { registerStartCommand } from './start-command.js';

function buildProgram(): Command {
  const program = new Command('ets')
    .description('Event-driven equity trading system for Interactive Brokers TWS / IB Gateway')
    .showHelpAfterError()
    .exitOverride();
  registerStartCommand(program);
  registerBacktestCommand(program);
  registerLiveCommand(program);
  registerDataCommand(program);
  registerGatewayCommand(program);
  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === undefined ? ExitCode.Ok : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const code = exitCodeFor(error);
    if (code !== undefined) {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      return code;
    }
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.Failure;
  }
}

process.exitCode = await main(process.argv);
