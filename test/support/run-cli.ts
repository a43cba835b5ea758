import { spawnSync } from 'node:child_process';
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
