import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTime, MS_PER_DAY, parseTime } from '../../src/domain/time.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { journaledTrades } from '../../src/journal/journal-queries.js';
import { tradeRow } from '../../src/performance/report-rows.js';
import { hasSharedData, SHARED_DAILY_DIR } from '../support/shared-data.js';
import {
  executionsOf,
  liveConfig,
  liveWork,
  readCsv,
  runLive,
  startTestGateway,
  type LiveWork,
} from './live-fixture.js';

/** "YYYY-MM-DD 16:00:00" of the data's last day: the replay's end. */
function dataEnd(gateway: Gateway): string {
  return formatTime(gateway.calendar.dayAt(gateway.calendar.size - 1)! * MS_PER_DAY + 16 * 3_600_000);
}

function cents(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The project's sample data, and the real daily bars beside the repository when they are there. */
const DATA_SETS = [
  { name: 'the project’s sample data', dataDir: undefined, symbols: ['SYNA', 'SYNB', 'SYNC', 'SYND', 'SYNE'] },
  ...(hasSharedData
    ? [{ name: 'real ORCL and NVDA daily bars', dataDir: SHARED_DAILY_DIR, symbols: ['ORCL', 'NVDA'] }]
    : []),
];

describe.each(DATA_SETS)(
  'ets live on the embedded gateway replaying $name, over a real socket',
  ({ dataDir, symbols }) => {
    let work: LiveWork;
    let gateway: Gateway;
    beforeEach(async () => {
      work = liveWork();
      gateway = await startTestGateway(work, dataDir === undefined ? {} : { dataDir });
    });
    afterEach(async () => {
      await gateway.stop();
      work.cleanup();
    });

    it('trades bracket orders through a session and writes results equal to the gateway’s own records', async () => {
      const config = liveConfig(work, { ibkr: { port: gateway.port }, trading: { symbols } });
      const run = await runLive(work, config, ['--until', dataEnd(gateway)]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(`^Live session: sma_crossover \\(fast=10 slow=30\\) on 5 mins bars of ${symbols.join(', ')}\n`),
      );
      expect(run.stdout).toContain(`Ended                passed the end time ${dataEnd(gateway)}`);

      const state = gateway.broker.snapshot();
      const ours = state.orders.filter((o) => o.clientId === 11);
      // Every order id reached the gateway once.
      expect(new Set(ours.map((o) => o.orderId)).size).toBe(ours.length);
      const orders = readCsv(join(work.results, 'orders.csv'));
      expect(orders.length).toBeGreaterThan(0);
      expect(orders.map((o) => Number(o.order_id)).sort((a, b) => a - b)).toEqual(
        ours.map((o) => o.orderId).sort((a, b) => a - b),
      );
      for (const row of orders) {
        const order = ours.find((o) => o.orderId === Number(row.order_id))!;
        expect([order.symbol, order.request.side, order.request.type]).toEqual([row.symbol, row.side, row.type]);
        // A bracket child is smaller at the gateway when the other one executed in part (OCA type 2 reduces it).
        if (order.request.ocaGroup === undefined) expect(order.request.quantity).toBe(Number(row.quantity));
        else expect(order.request.quantity).toBeLessThanOrEqual(Number(row.quantity));
      }
      // Brackets: every entry went with a stop-loss and a take-profit child.
      const entries = orders.filter((o) => o.purpose === 'entry');
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        const children = orders.filter((o) => o.parent_id === entry.order_id).map((o) => `${o.purpose} ${o.type}`);
        expect(children).toEqual(['stop_loss STP', 'take_profit LMT']);
      }

      // The fills are the gateway's executions, one for one.
      const executions = executionsOf(gateway, 11);
      const fills = readCsv(join(work.results, 'fills.csv'));
      expect(fills.length).toBe(executions.length);
      expect(fills.length).toBeGreaterThan(entries.length);
      for (const fill of fills) {
        const execution = executions.find((e) => e.execId === fill.exec_id)!;
        expect(execution).toBeDefined();
        expect([
          execution.symbol,
          execution.side === 'BOT' ? 'BUY' : 'SELL',
          execution.shares,
          execution.price,
        ]).toEqual([fill.symbol, fill.side, Number(fill.quantity), Number(fill.price)]);
        expect(Number(fill.commission)).toBeCloseTo(execution.commission, 8);
        expect(Number(fill.order_id)).toBe(execution.orderId);
      }

      // Positions and cash: what the results hold is what the gateway's account holds.
      const held = new Map<string, number>();
      for (const fill of fills) {
        held.set(fill.symbol!, (held.get(fill.symbol!) ?? 0) + (fill.side === 'BUY' ? 1 : -1) * Number(fill.quantity));
      }
      for (const position of state.account.positions) expect(held.get(position.symbol) ?? 0).toBe(position.quantity);
      const equity = readCsv(join(work.results, 'equity.csv'));
      expect(cents(Number(equity.at(-1)!.cash))).toBe(cents(state.account.cash));
      const metrics = JSON.parse(readFileSync(join(work.results, 'metrics.json'), 'utf8')) as Record<string, unknown>;
      expect(metrics.initial_equity).toBe(100_000);
      expect(metrics.periods).toBe(1);

      // The journal ends where the results do: its last equity is the session's final equity, its trades are
      // trades.csv's.
      const journal = new Database(join(work.results, 'journal-DU1___567.sqlite'), { readonly: true });
      try {
        const last = journal.prepare('SELECT time, equity FROM equity ORDER BY id DESC LIMIT 1').get() as {
          time: number;
          equity: number;
        };
        // Its rows go forward in time, as equity.csv's do: the warm-up's history of one symbol after another adds
        // no rows back in time.
        const times = journal.prepare('SELECT time FROM equity ORDER BY id').pluck().all() as number[];
        expect(times.filter((time, i) => i > 0 && time < times[i - 1]!)).toEqual([]);
        expect(cents(last.equity)).toBe(cents(metrics.final_equity as number));
        const trades = readFileSync(join(work.results, 'trades.csv'), 'utf8').trim().split('\n').slice(1);
        expect(journaledTrades(journal)!.map(tradeRow)).toEqual(trades);
        // The reason names the end time; the stop time is when the session stopped, at or after it.
        const stopped = journal.prepare('SELECT stopped_at, stop_reason FROM sessions').get() as {
          stopped_at: number;
          stop_reason: string;
        };
        expect(stopped.stop_reason).toBe(`passed the end time ${dataEnd(gateway)}`);
        expect(stopped.stopped_at).toBeGreaterThanOrEqual(parseTime(dataEnd(gateway)));
        // The session stops at the first tick past --until, which the replay's speed puts minutes of exchange time
        // later on a busy machine: the journal's equity ends when the session stopped.
        expect(last.time).toBe(stopped.stopped_at);
      } finally {
        journal.close();
      }
    });
  },
);
