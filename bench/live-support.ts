/**
 * What the live benchmarks share: generated daily data for a universe of symbols, `ets gateway` and `ets live` as
 * child processes of the built CLI, and killing them by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { generateSampleSeries } from '../src/data/generate-sample-series.js';
import { writeBarCsv } from '../src/data/write-bar-csv.js';

const distRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The bundled CLI, as `npm run ets` runs it. */
export const cli = join(distRoot, 'cli', 'ets.mjs');

/** L00 … L49: made-up tickers for the synthetic universe. */
export function benchSymbols(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `L${String(i).padStart(2, '0')}`);
}

/**
 * The project's synthetic daily bars for `symbols` (weekdays from 2022-01-03 on), one `SYMBOL.csv` each. 600
 * sessions end in April 2024, so a replay starting in mid-2023 has more than a year of history behind it.
 */
export function writeBenchData(dir: string, symbols: readonly string[], days = 600): void {
  mkdirSync(dir, { recursive: true });
  for (const series of generateSampleSeries({ symbols, days, seed: 5, start: '2022-01-03' })) {
    writeBarCsv(join(dir, `${series.symbol}.csv`), series);
  }
}

export function writeYaml(path: string, value: unknown): string {
  writeFileSync(path, stringify(value));
  return path;
}

/** A child process of ours whose output is collected; `exited` settles when it is gone. */
export interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

export function startChild(args: readonly string[], nodeArgs: readonly string[] = []): Child {
  const child = spawn(process.execPath, [...nodeArgs, cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
    child.once('error', () => {
      resolve(null);
    });
  });
  return { process: child, exited, stdout: () => out, stderr: () => err };
}

/**
 * Ends a child of ours by its PID: SIGTERM (the CLI stops gracefully on it), SIGKILL if it is still there after
 * `graceMs`. Does nothing for a child that has exited already.
 */
export async function stopChild(child: Child | undefined, graceMs = 5000): Promise<void> {
  if (child === undefined) return;
  const { pid, exitCode, signalCode } = child.process;
  if (pid === undefined || exitCode !== null || signalCode !== null) return;
  process.kill(pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.process.exitCode === null && child.process.signalCode === null) process.kill(pid, 'SIGKILL');
  }, graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** `ets gateway` on a free port, once it prints where it listens. */
export async function startGateway(args: readonly string[]): Promise<{ child: Child; port: number }> {
  const child = startChild(['gateway', '--port', '0', ...args]);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const listening = /listening on [\d.]+:(\d+)/.exec(child.stdout());
    if (listening) return { child, port: Number(listening[1]) };
    if (child.process.exitCode !== null || Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`ets gateway did not start:\n${child.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function verdict(ok: boolean): string {
  return ok ? 'ok' : 'MISSED';
}
