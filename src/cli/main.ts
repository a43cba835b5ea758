#!/usr/bin/env node
// First: it changes how the process allocates memory from here on (see the module).
import './keep-freed-memory.js';
import { Command, CommanderError } from 'commander';
import { excerpt } from '../config/bounded-text.js';
import { programVersion } from '../journal/session-identity.js';
import { registerBacktestCommand } from './backtest-command.js';
import { registerDataCommand } from './data-command.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { registerGatewayCommand } from './gateway-command.js';
import { registerHaltCommand } from './halt-command.js';
import { registerResumeCommand } from './resume-command.js';
import { registerJournalCommand } from './journal-command.js';
import { registerLiveCommand } from './live-command.js';
import { registerOptimizeCommands } from './optimize-command.js';
import { registerReportCommand } from './report-command.js';
import { registerStartCommand } from './start-command.js';
import { registerWorkerCommand } from './worker-command.js';

/** Longest error line printed: a message that quotes more than this has a bug of its own. */
const MAX_ERROR_LENGTH = 2000;

/**
 * An error message as the one line the README promises (`error: …`), whatever produced it: line breaks become "; ",
 * other control characters are escaped and an overlong middle is cut.
 */
function errorLine(message: string): string {
  return `error: ${excerpt(message.trim().replace(/\s*[\r\n]+\s*/g, '; '), MAX_ERROR_LENGTH)}\n`;
}

function buildProgram(): Command {
  const program = new Command('ets')
    .description('Event-driven equity trading system for Interactive Brokers TWS / IB Gateway')
    .version(programVersion(), '-V, --version', 'print the version and exit')
    // Commander's own errors (unknown option, missing argument) are printed by main() as one line pointing at the
    // help, rather than followed by the whole help. Set before the commands are added, so that they inherit it.
    .configureOutput({ outputError: () => undefined })
    .exitOverride();
  registerStartCommand(program);
  registerBacktestCommand(program);
  registerLiveCommand(program);
  registerDataCommand(program);
  registerGatewayCommand(program);
  registerOptimizeCommands(program);
  registerWorkerCommand(program);
  registerReportCommand(program);
  registerHaltCommand(program);
  registerResumeCommand(program);
  registerJournalCommand(program);
  return program;
}

/** `ets backtest`, `ets data sample`: the command the arguments name, for pointing at its help. */
function commandName(program: Command, args: readonly string[]): string {
  const names = ['ets'];
  let command = program;
  for (const arg of args) {
    const sub = command.commands.find((c) => c.name() === arg);
    if (sub === undefined) break;
    names.push(arg);
    command = sub;
  }
  return names.join(' ');
}

async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? ExitCode.Ok : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return ExitCode.Ok;
      // `ets` or `ets data` without a command: commander has printed the help, which is the message.
      if (error.code === 'commander.help') return ExitCode.Usage;
      const message = error.message.replace(/^error: /, '');
      process.stderr.write(errorLine(`${message} (see ${commandName(program, argv.slice(2))} --help)`));
      return ExitCode.Usage;
    }
    const code = exitCodeFor(error);
    if (code !== undefined) {
      process.stderr.write(errorLine((error as Error).message));
      return code;
    }
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.Failure;
  }
}

// A reader that stops early (`ets journal orders | head`) closes the pipe: what is left is not wanted, which is no
// error, and the command goes on to its end (a live session must not stop because its output is no longer read).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

/** Resolves once what was written to `stream` before has gone out (at once where its writes are synchronous). */
function written(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    stream.write('', () => {
      resolve();
    });
  });
}

// No top-level await: `ets backtest` runs this module as CommonJS (see scripts/bundle.mjs).
void main(process.argv).then(async (code) => {
  process.exitCode = code;
  // Every command awaits all of its own work, so once it is done and its output is out the process ends at once:
  // left to end by itself, Node first takes down the heap of each thread, some 20–40 ms after a large backtest.
  await Promise.all([written(process.stdout), written(process.stderr)]);
  process.exit(code);
});
