import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './shared-data.js';

/** The built CLI, as `npm test` builds it before running the tests. */
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'ets.mjs');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ets <args>` in a child process, as a user would. */
export function runCli(args: readonly string[], cwd = REPO_ROOT): CliRun {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const child = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

export interface RunningCli {
  readonly child: ChildProcess;
  /** Resolves when the process has exited, with everything it wrote. */
  readonly done: Promise<CliRun>;
}

/**
 * Starts `ets <args>` without blocking this process, for tests whose own event loop must keep serving while the
 * CLI runs (an embedded gateway in the test talking to `ets live`).
 */
export function startCli(args: readonly string[], cwd = REPO_ROOT, timeoutMs = 120_000): RunningCli {
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

export function runCliAsync(args: readonly string[], cwd = REPO_ROOT, timeoutMs = 120_000): Promise<CliRun> {
  return startCli(args, cwd, timeoutMs).done;
}

/** Resolves with the first stdout line of the session that starts with `prefix`. */
export function lineStarting(run: RunningCli, prefix: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      reject(new Error(`no "${prefix}" line in ${timeoutMs} ms; stdout so far: ${text}`));
    }, timeoutMs);
    run.child.stdout!.on('data', (chunk: string) => {
      text += chunk;
      const line = text.split('\n').find((l) => l.startsWith(prefix));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line.slice(prefix.length));
      }
    });
  });
}
