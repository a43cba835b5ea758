import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { Gateway } from '../../src/gateway/gateway.js';
import type { GatewayOptions } from '../../src/gateway/gateway-options.js';
import type { ExecutionRecord } from '../../src/gateway/broker/broker-records.js';
import { startCli, type CliRun, type RunningCli } from '../support/run-cli.js';

/** A work directory with the project's sample data, removed by `cleanup`. */
export interface LiveWork {
  readonly dir: string;
  readonly sample: string;
  readonly results: string;
  readonly logs: string;
  cleanup(): void;
}

export function liveWork(): LiveWork {
  const dir = mkdtempSync(join(tmpdir(), 'ets-live-'));
  const sample = join(dir, 'sample');
  writeSampleData(sample);
  return {
    dir,
    sample,
    results: join(dir, 'results'),
    logs: join(dir, 'logs'),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The embedded gateway in this process, replaying in real time at speed (the CLI connects to it as to TWS). */
export function startTestGateway(work: LiveWork, options: GatewayOptions = {}): Promise<Gateway> {
  return Gateway.start({
    port: 0,
    dataDir: work.sample,
    speed: 2000,
    start: { sessionsBeforeEnd: 0 },
    ...options,
  });
}

/** Everything a live session's config needs for a test, over the shipped defaults. */
export function liveConfig(work: LiveWork, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    ibkr: {
      gateway: 'external',
      port: 7497,
      client_id: 11,
      connect_timeout_seconds: 3,
      historical_duration: '5 D',
      reconnect: { initial_delay_seconds: 0.2, max_delay_seconds: 1 },
      embedded: { data_directory: work.sample, speed: 5000 },
    },
    trading: { symbols: ['SYNA', 'SYNB', 'SYNC', 'SYND', 'SYNE'] },
    strategies: {
      sma_crossover: { enabled: true, params: { fast: 10, slow: 30 }, bar_size: '5 mins' },
    },
    logging: { directory: work.logs, console: false, level: 'debug' },
    live: { results_directory: work.results },
    monitoring: { connection_check_interval_seconds: 2 },
    benchmarking: { symbol: null },
  };
  return merge(base, overrides);
}

function merge(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] = isRecord(current) && isRecord(value) && key !== 'strategies' ? merge(current, value) : value;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function writeConfig(work: LiveWork, config: Record<string, unknown>, name = 'config.yaml'): string {
  const path = join(work.dir, name);
  writeFileSync(path, stringify(config));
  return path;
}

/** `ets live --config <file> <args>` in a child process, while this process keeps serving the gateway. */
export function startLive(work: LiveWork, config: Record<string, unknown>, args: readonly string[] = []): RunningCli {
  return startCli(['live', '--config', writeConfig(work, config), ...args], work.dir);
}

export function runLive(
  work: LiveWork,
  config: Record<string, unknown>,
  args: readonly string[] = [],
): Promise<CliRun> {
  return startLive(work, config, args).done;
}

/** A result file's rows as records keyed by the header's column names. */
export function readCsv(path: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const names = header!.split(',');
  return rows.map((row) => {
    const cells = row.split(',');
    return Object.fromEntries(names.map((name, i) => [name, cells[i] ?? '']));
  });
}

/** The gateway's executions for a client, as the results' fills.csv should list them. */
export function executionsOf(gateway: Gateway, clientId: number): ExecutionRecord[] {
  return gateway.broker.snapshot().executions.filter((e) => e.clientId === clientId);
}
