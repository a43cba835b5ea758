import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/data/seeded-random.js';
import { tradeRow } from '../../src/performance/report-rows.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import { liveConfig, liveWork, readCsv, writeConfig, type LiveWork } from '../live/live-fixture.js';
import {
  journalFile,
  kill,
  placements,
  readJournal,
  readState,
  spawnCli,
  startGatewayProcess,
  type CliProcess,
  type GatewayProcess,
} from './chaos-harness.js';

const CLIENT_ID = 11;
/** The sample data's last two days, replayed fast enough for a dozen sessions to trade in them. */
const REPLAY_START = '2024-10-16 09:30';
const REPLAY_END = '2024-10-17 16:00:00';
/** Kills at moments a random kill almost never hits; then random ones. */
const CRASH_POINTS = ['reserved', 'sent', 'partial-fill'] as const;
const RANDOM_KILLS = 8;

function cents(x: number): number {
  return Math.round(x * 100) / 100;
}

describe('kill -9 of the trading process: the journal and the gateway agree afterwards', () => {
  let work: LiveWork;
  let gateway: GatewayProcess | undefined;
  const processes: CliProcess[] = [];
  let gatewayLog = '';

  beforeEach(() => {
    work = liveWork();
    gatewayLog = '';
  });
  afterEach(async () => {
    for (const p of processes.splice(0)) await kill(p, 'SIGKILL');
    work.cleanup();
  });

  const state = () => join(work.dir, 'gateway-state.json');

  /** The first start replays from REPLAY_START; a restart continues from the time its state file saved. */
  async function startGateway(port = 0): Promise<void> {
    gateway = await startGatewayProcess(
      [
        '--port',
        String(port),
        '--state',
        state(),
        '--data-dir',
        work.sample,
        ...(port === 0 ? ['--start', REPLAY_START] : []),
        '--speed',
        '800',
        // Orders larger than 2% of a five-second bar's volume fill in parts, so partial fills happen.
        '--participation',
        '0.02',
        '--log-level',
        'debug',
      ],
      work.dir,
    );
    processes.push(gateway.cli);
  }

  /** Stops the gateway as Ctrl+C does (it saves its state file), keeping its log. */
  async function stopGateway(): Promise<void> {
    await kill(gateway!.cli, 'SIGTERM');
    gatewayLog += gateway!.cli.output();
  }

  function live(env: Record<string, string> = {}): CliProcess {
    const config = liveConfig(work, {
      ibkr: { port: gateway!.port, client_id: CLIENT_ID },
      strategies: { sma_crossover: { enabled: true, params: { fast: 3, slow: 8 }, bar_size: '1 min' } },
    });
    const cli = spawnCli(['live', '--config', writeConfig(work, config), '--until', REPLAY_END], work.dir, env);
    processes.push(cli);
    return cli;
  }

  async function crashes(random: SeededRandom, between: () => Promise<void>): Promise<string[]> {
    const notes: string[] = [];
    for (const point of CRASH_POINTS) {
      const cli = live({ ETS_CRASH_AT: point });
      const timer = setTimeout(() => cli.child.kill('SIGKILL'), 60_000);
      const end = await cli.exited;
      clearTimeout(timer);
      // The process killed itself at the point (a timeout's kill would leave the point unproven: see the output).
      expect(end.signal, `${point}: ${cli.output()}`).toBe('SIGKILL');
      expect(cli.output()).not.toMatch(/error/i);
      notes.push(point);
      await between();
    }
    for (let i = 0; i < RANDOM_KILLS; i++) {
      const cli = live();
      const delay = 300 + random.next() * 2500;
      await new Promise((resolve) => setTimeout(resolve, delay));
      expect(cli.child.exitCode, cli.output()).toBeNull();
      await kill(cli, 'SIGKILL');
      notes.push(`random after ${Math.round(delay)} ms`);
      await between();
    }
    return notes;
  }

  async function finishAndCheck(): Promise<void> {
    const last = live();
    const end = await last.exited;
    expect(last.output()).not.toMatch(/^error/m);
    expect(end.code).toBe(0);
    await stopGateway();

    const broker = readState(state()).broker;
    // No order id reached the gateway twice, and the gateway refused none as a duplicate.
    const sent = placements(gatewayLog, CLIENT_ID);
    expect(sent.size).toBeGreaterThan(0);
    expect([...sent].filter(([, n]) => n > 1)).toEqual([]);
    const journal = readJournal(journalFile(work.results));
    expect(journal.duplicateIdErrors).toBe(0);

    // Every execution at the gateway is in the journal exactly once, and nothing else is.
    const executions = broker.executions.filter((e) => e.clientId === CLIENT_ID).map((e) => e.execId);
    expect(executions.length).toBeGreaterThan(0);
    expect(new Set(journal.execIds).size).toBe(journal.execIds.length);
    expect([...journal.execIds].sort()).toEqual([...executions].sort());

    // Positions and cash are the gateway's.
    const positions = new Map(
      broker.account.positions.filter((p) => p.quantity !== 0).map((p) => [p.symbol, p.quantity]),
    );
    expect(journal.positions).toEqual(positions);
    expect(cents(journal.cash)).toBe(cents(broker.account.cash));

    // The results' fills are the gateway's executions, once each.
    const fills = readCsv(join(work.results, 'fills.csv')).map((f) => f.exec_id!);
    expect([...fills].sort()).toEqual([...executions].sort());
    // The results' trades are the gateway's executions traded through one portfolio, as if no process had died: a
    // position held across a restart keeps its entry time and its entry commission.
    const replay = new Portfolio({ initialCash: 100_000, settlementDays: 0 });
    replay.startSession(0);
    const trades = broker.executions
      .filter((e) => e.clientId === CLIENT_ID)
      .flatMap((e) =>
        replay.applyFill({
          orderId: e.orderId,
          execId: e.execId,
          symbol: e.symbol,
          side: e.side === 'BOT' ? 'BUY' : 'SELL',
          quantity: e.shares,
          price: e.price,
          commission: e.commission,
          time: e.time,
          purpose: 'entry',
        }),
      );
    expect(trades.length).toBeGreaterThan(0);
    const tradeLines = readFileSync(join(work.results, 'trades.csv'), 'utf8').trim().split('\n').slice(1);
    expect(tradeLines).toEqual(trades.map(tradeRow));
    const log = readFileSync(join(work.logs, 'ets.log'), 'utf8');
    expect(log).not.toContain('"level":60');
  }

  it('kills at 11 moments (reservation, placeOrder, partial fill, random), then finishes with nothing lost or doubled', async () => {
    const random = new SeededRandom(9);
    await startGateway();
    const notes = await crashes(random, () => Promise.resolve());
    expect(notes.length).toBeGreaterThanOrEqual(10);
    await finishAndCheck();
  }, 600_000);

  it('also restarts the gateway from its state file while the trading process is down', async () => {
    const random = new SeededRandom(10);
    await startGateway();
    const notes = await crashes(random, async () => {
      const port = gateway!.port;
      await stopGateway();
      await startGateway(port);
    });
    expect(notes.length).toBeGreaterThanOrEqual(10);
    await finishAndCheck();
  }, 600_000);
});
