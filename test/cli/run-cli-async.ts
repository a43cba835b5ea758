import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CLI, type CliRun } from '../support/run-cli.js';
import { REPO_ROOT } from '../support/shared-data.js';

export interface RunningCli {
  readonly child: ChildProcess;
  /** Settles when the process has exited, with what it wrote. */
  readonly done: Promise<CliRun>;
}

/**
 * Starts `ets <args>` in a child process without blocking this one: a test can keep serving it from an in-process
 * gateway (runCli's spawnSync would freeze the gateway's event loop) or kill it half-way.
 */
export function startCli(args: readonly string[], cwd = REPO_ROOT, timeoutMs = 60_000): RunningCli {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliRun>((resolve) => {
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
  return { child, done };
}

export function runCliAsync(args: readonly string[], cwd = REPO_ROOT): Promise<CliRun> {
  return startCli(args, cwd).done;
}
