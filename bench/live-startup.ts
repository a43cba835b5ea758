/**
 * Startup of the live node for 50 symbols, as a user starts it against a running gateway: `ets gateway` as its own
 * process (a fresh one per run, so no run inherits another's pacing history), then `ets live --duration 1s`, whose
 * session ends right after startup. Startup is what the node reports on its summary line `Timing  startup X s`:
 * connect, qualify the 50 contracts, sync account, positions, open orders and executions, load one year of daily
 * history per symbol (`ibkr.historical_duration: 1 Y`, `ibkr.max_concurrent_historical_requests` as shipped) and
 * warm the strategy up on it, then subscribe the real-time bars. Pacing errors (162) are counted in the node's
 * JSON-lines log. The figure is the median of three runs.
 *
 * Run: node dist/bench/live-startup.js [--symbols 50] [--runs 3]
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load-config.js';
import {
  benchSymbols,
  median,
  startChild,
  startGateway,
  stopChild,
  verdict,
  writeBenchData,
  writeYaml,
  type Child,
} from './live-support.js';

export interface StartupOptions {
  readonly symbols: number;
  readonly runs: number;
}

export interface StartupRun {
  readonly startupSeconds: number;
  /** Seconds of each startup step, from the node's log: connect (the rest), qualify, sync, history + warm-up. */
  readonly phases: readonly (readonly [string, number])[];
  /** Error 162 answers in the node's log (pacing violations and refused history requests). */
  readonly errors162: number;
  readonly reconnections: number;
}

export interface StartupResult {
  readonly symbols: number;
  readonly maxConcurrentHistory: number;
  readonly runs: readonly StartupRun[];
  readonly medianSeconds: number;
}

const shippedConfig = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'config.yaml');

/** The startup milestones the node logs, in order, and the name of the step each one ends. */
const MILESTONES: readonly (readonly [RegExp, string])[] = [
  [/^connected$/, 'connect'],
  [/^contracts qualified$/, 'qualify'],
  [/^account synchronised$/, 'account sync'],
  [/^(orders synchronised|reconciled with TWS)/, 'orders sync'],
  [/^strategy warmed up$/, 'history+warm-up'],
  [/^trading$/, 'subscribe'],
];

/**
 * Seconds of each startup step, between the first log lines of consecutive milestones; a step whose milestone is
 * not in the log is merged into the next one. What startup took before the connection is the connect step.
 */
function phasesOf(logDir: string, startupSeconds: number): [string, number][] {
  const at = new Map<number, number>();
  for (const file of readdirSync(logDir)) {
    for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
      const entry = /"time":(\d+).*"msg":"([^"]*)"/.exec(line);
      if (!entry) continue;
      const index = MILESTONES.findIndex(([pattern]) => pattern.test(entry[2]!));
      if (index >= 0 && !at.has(index)) at.set(index, Number(entry[1]));
    }
  }
  const phases: [string, number][] = [];
  let previous: number | undefined;
  let pending: string[] = [];
  let measured = 0;
  MILESTONES.forEach(([, name], index) => {
    const time = at.get(index);
    if (index === 0 || time === undefined) {
      if (index > 0) pending.push(name);
      previous ??= time;
      return;
    }
    if (previous !== undefined) {
      const seconds = (time - previous) / 1000;
      phases.push([[...pending, name].join('+'), seconds]);
      measured += seconds;
    }
    pending = [];
    previous = time;
  });
  phases.unshift(['connect', Math.max(0, startupSeconds - measured)]);
  return phases;
}

/** Log lines about error 162: a pacing retry ("historical request paced: … pacing violation") or a failed request. */
function count162(logDir: string): number {
  let count = 0;
  for (const file of readdirSync(logDir)) {
    for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
      if (/"code":162\b|\(162\)|pacing violation|request paced/i.test(line)) count++;
    }
  }
  return count;
}

async function runOnce(
  work: string,
  run: number,
  data: string,
  symbols: readonly string[],
  maxConcurrent: number,
): Promise<StartupRun> {
  let gateway: Child | undefined;
  let node: Child | undefined;
  try {
    // Real time, as TWS: the replay clock barely moves during startup.
    const started = await startGateway(['--data-dir', data, '--speed', '1', '--start', '2023-06-01 10:00']);
    gateway = started.child;
    const logs = join(work, `logs-${run}`);
    const config = writeYaml(join(work, `startup-${run}.yaml`), {
      ibkr: {
        gateway: 'external',
        host: '127.0.0.1',
        port: started.port,
        client_id: 9,
        historical_duration: '1 Y',
        max_concurrent_historical_requests: maxConcurrent,
      },
      trading: { symbols },
      strategies: { sma_crossover: { enabled: true, params: { fast: 10, slow: 30 }, bar_size: '1 day' } },
      logging: { directory: logs, console: false },
      live: { results_directory: join(work, `results-${run}`) },
      benchmarking: { symbol: null },
    });
    node = startChild(['live', '--config', config, '--duration', '1s']);
    const code = await node.exited;
    const out = node.stdout();
    const timing = /Timing\s+startup ([\d.]+) s/.exec(out);
    if (code !== 0 || !timing) {
      throw new Error(`ets live failed (exit ${code}):\n${out}\n${node.stderr()}\n${gateway.stderr()}`);
    }
    return {
      startupSeconds: Number(timing[1]),
      phases: phasesOf(logs, Number(timing[1])),
      errors162: count162(logs),
      reconnections: Number(/Reconnections\s+(\d+)/.exec(out)?.[1] ?? 0),
    };
  } finally {
    await stopChild(node);
    await stopChild(gateway);
  }
}

export async function runLiveStartup(options: StartupOptions): Promise<StartupResult> {
  const work = mkdtempSync(join(tmpdir(), 'ets-bench-startup-'));
  try {
    const symbols = benchSymbols(options.symbols);
    const data = join(work, 'data');
    writeBenchData(data, symbols);
    const maxConcurrent = loadConfig(shippedConfig).ibkr.max_concurrent_historical_requests;
    const runs: StartupRun[] = [];
    for (let run = 0; run < options.runs; run++) runs.push(await runOnce(work, run, data, symbols, maxConcurrent));
    return {
      symbols: options.symbols,
      maxConcurrentHistory: maxConcurrent,
      runs,
      medianSeconds: median(runs.map((r) => r.startupSeconds)),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runLiveStartup({ symbols: flag('symbols', 50), runs: flag('runs', 3) });
  const errors = result.runs.reduce((sum, r) => sum + r.errors162, 0);
  const reconnections = result.runs.reduce((sum, r) => sum + r.reconnections, 0);
  const typical = [...result.runs].sort((a, b) => a.startupSeconds - b.startupSeconds)[result.runs.length >> 1]!;
  const phases = typical.phases.map(([name, seconds]) => `${name} ${seconds.toFixed(2)}`).join(', ');
  process.stdout.write(
    `live startup, ${result.symbols} symbols (qualify, account sync, 1 Y daily history with ` +
      `${result.maxConcurrentHistory} requests in flight, warm-up) against ets gateway: ` +
      `${result.medianSeconds.toFixed(2)} s (median of ${result.runs.length}: ` +
      `${result.runs.map((r) => r.startupSeconds.toFixed(2)).join(', ')} s; median run: ${phases} s)\n` +
      `  targets: startup <= 5 s [${verdict(result.medianSeconds <= 5)}], no 162 errors ` +
      `[${verdict(errors === 0)}] (${errors} in ${result.runs.length} runs)` +
      `${reconnections > 0 ? `; the node reconnected ${reconnections} times` : ''}\n`,
  );
}
