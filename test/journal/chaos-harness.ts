import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { GatewayStateFile } from '../../src/gateway/broker/state-store.js';
import { CLI } from '../support/run-cli.js';

/** A process of the built CLI, with what it wrote and how it ended. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCli(args: readonly string[], cwd: string, env: Record<string, string> = {}): CliProcess {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal });
    });
  });
  return { child, output: () => output, exited };
}

/** Kills a process by its PID and waits for it to be gone. */
export async function kill(cli: CliProcess, signal: NodeJS.Signals): Promise<void> {
  if (cli.child.exitCode === null && cli.child.signalCode === null) process.kill(cli.child.pid!, signal);
  await cli.exited;
}

export interface GatewayProcess {
  readonly cli: CliProcess;
  readonly port: number;
}

/** `ets gateway` as its own process with a state file; resolves once it listens. */
export async function startGatewayProcess(args: readonly string[], cwd: string): Promise<GatewayProcess> {
  const cli = spawnCli(['gateway', ...args], cwd);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const match = /listening on 127\.0\.0\.1:(\d+)/.exec(cli.output());
    if (match !== null) return { cli, port: Number(match[1]) };
    if (cli.child.exitCode !== null || Date.now() > deadline) {
      cli.child.kill('SIGKILL');
      throw new Error(`the gateway did not start: ${cli.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How many times each order id of the client reached the gateway, from its debug log. */
export function placements(gatewayLog: string, clientId: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const line of gatewayLog.split('\n')) {
    if (!line.includes('placeOrder received')) continue;
    const client = /clientId[":\s]+(\d+)/.exec(line);
    const order = /orderId[":\s]+(\d+)/.exec(line);
    if (client === null || order === null || Number(client[1]) !== clientId) continue;
    const id = Number(order[1]);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export function readState(path: string): GatewayStateFile {
  return JSON.parse(readFileSync(path, 'utf8')) as GatewayStateFile;
}

/** What the journal holds at the end: executions, the book and the order events' error codes. */
export function readJournal(path: string): {
  execIds: string[];
  positions: Map<string, number>;
  cash: number;
  duplicateIdErrors: number;
  recovered: number;
  statuses: Map<string, number>;
} {
  const db = new Database(path, { readonly: true });
  try {
    const execIds = (db.prepare('SELECT exec_id FROM executions ORDER BY seq').all() as { exec_id: string }[]).map(
      (r) => r.exec_id,
    );
    const rows = db
      .prepare('SELECT symbol, quantity FROM positions WHERE id IN (SELECT max(id) FROM positions GROUP BY symbol)')
      .all() as { symbol: string; quantity: number }[];
    const cash = (db.prepare('SELECT cash FROM cash ORDER BY id DESC LIMIT 1').get() as { cash: number }).cash;
    const duplicateIdErrors = (
      db.prepare('SELECT count(*) AS n FROM order_events WHERE code = 103').get() as { n: number }
    ).n;
    const recovered = (db.prepare('SELECT count(*) AS n FROM executions WHERE recovered = 1').get() as { n: number }).n;
    const statuses = new Map(
      (
        db.prepare('SELECT status, count(*) AS n FROM orders GROUP BY status').all() as { status: string; n: number }[]
      ).map((r) => [r.status, r.n]),
    );
    return {
      execIds,
      positions: new Map(rows.filter((r) => r.quantity !== 0).map((r) => [r.symbol, r.quantity])),
      cash,
      duplicateIdErrors,
      recovered,
      statuses,
    };
  } finally {
    db.close();
  }
}

export function journalFile(results: string): string {
  return join(results, 'journal-DU1___567.sqlite');
}
