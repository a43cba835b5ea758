/**
 * What the journal adds to the bar → placeOrder path: the reservation of an order's ids, one committed transaction
 * written before placeOrder leaves (the rest of the journal's writes come after the socket write or with fills).
 * Measured on a real journal file for bracket orders (three ids each), with `synchronous` NORMAL and FULL
 * one after the other in one run, next to the status updates that follow the send and a plain write() as the floor;
 * then as a session places them, one now and then with the process idle in between, where a commit costs several
 * times what it costs back to back (cold caches). Target: p99 ≤ 0.2 ms added with the shipped setting (NORMAL).
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrderEvent } from '../src/domain/events.js';
import type { OrderRequest } from '../src/domain/order.js';
import type { JournalSync } from '../src/journal/open-journal.js';
import { TradingJournal } from '../src/journal/trading-journal.js';
import { percentile, verdict } from './live-support.js';

const ORDERS = 3000;
/** Orders placed now and then, as in a session: the cost on a path that has gone cold. */
const SPACED_ORDERS = 200;
const SPACED_GAP_MS = 20;
const T0 = Date.UTC(2024, 9, 17, 14, 0);

/** A market entry as the router makes it; each bracket gets its ids and time. */
const ENTRY = { symbol: 'BENCH', side: 'BUY', quantity: 100, type: 'MKT', tif: 'DAY', purpose: 'entry' } as const;

function bracket(id: number): OrderEvent {
  const base: OrderRequest = { ...ENTRY, id, strategyId: 'sma_crossover', createdAt: T0 + id };
  const child = { ...base, side: 'SELL', tif: 'GTC', parentId: id, ocaGroup: `bracket-${id}` } as const;
  return {
    type: 'order',
    time: T0 + id,
    order: base,
    children: [
      { ...child, id: id + 1, type: 'STP', stopPrice: 90, purpose: 'stop_loss' },
      { ...child, id: id + 2, type: 'LMT', limitPrice: 120, purpose: 'take_profit' },
    ],
  };
}

interface Samples {
  reserve: number[];
  afterSend: number[];
}

const work = mkdtempSync(join(tmpdir(), 'ets-bench-journal-'));
try {
  const settings: readonly JournalSync[] = ['normal', 'full'];
  const journals = new Map(
    settings.map((s) => [s, TradingJournal.open(join(work, `${s}.sqlite`), 'DU1', s, 'background')]),
  );
  const samples = new Map<JournalSync, Samples>(settings.map((s) => [s, { reserve: [], afterSend: [] }]));
  for (const journal of journals.values()) {
    journal.startSession({ mode: 'live', version: 'bench', configHash: 'bench', strategy: 'sma_crossover' });
  }
  // The machine's floor for the same moments: one plain 8 KB write() to a file, about what a commit writes.
  const floorFile = openSync(join(work, 'floor.bin'), 'w');
  const page = Buffer.alloc(8192, 1);
  const floor: number[] = [];
  // NORMAL with the floor first, then FULL: FULL's fsyncs would otherwise slow NORMAL's writes next to them.
  let nextId = 1;
  const measure = async (sync: JournalSync, count: number, gapMs: number, into: Samples, floor: number[]) => {
    const journal = journals.get(sync)!;
    for (let i = 0; i < count; i++) {
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      const event = bracket(nextId);
      nextId += 3;
      if (sync === 'normal') {
        const w = process.hrtime.bigint();
        writeSync(floorFile, page);
        floor.push(Number(process.hrtime.bigint() - w) / 1000);
      }
      const a = process.hrtime.bigint();
      journal.reserve(event);
      const b = process.hrtime.bigint();
      journal.sent(event);
      const c = process.hrtime.bigint();
      into.reserve.push(Number(b - a) / 1000);
      into.afterSend.push(Number(c - b) / 1000);
    }
  };
  for (const sync of settings) await measure(sync, ORDERS, 0, samples.get(sync)!, floor);
  // As a session places orders: one now and then, with the process idle in between (caches and CPU gone cold).
  const spaced: Samples = { reserve: [], afterSend: [] };
  const spacedFloor: number[] = [];
  await measure('normal', SPACED_ORDERS, SPACED_GAP_MS, spaced, spacedFloor);
  for (const journal of journals.values()) journal.close();
  closeSync(floorFile);
  const ms = (micros: number): string => `${(micros / 1000).toFixed(3)} ms`;
  const sorted = (values: number[]): number[] => values.sort((x, y) => x - y);
  for (const sync of settings) {
    const reserve = sorted(samples.get(sync)!.reserve);
    const afterSend = sorted(samples.get(sync)!.afterSend);
    process.stdout.write(
      `journal, WAL + synchronous ${sync.toUpperCase()}, back to back: reservation before placeOrder p50 ` +
        `${ms(percentile(reserve, 50))}, p99 ${ms(percentile(reserve, 99))}, max ${ms(reserve.at(-1)!)} over ` +
        `${ORDERS} brackets; status updates after the send p99 ${ms(percentile(afterSend, 99))}` +
        (sync === 'normal'
          ? `; a plain 8 KB write() in the same run p50 ${ms(percentile(sorted(floor), 50))}, p99 ` +
            `${ms(percentile(floor, 99))}\n`
          : '\n'),
    );
  }
  const reserve = sorted(spaced.reserve);
  const p99 = percentile(reserve, 99);
  process.stdout.write(
    `journal, WAL + synchronous NORMAL, one bracket every ${SPACED_GAP_MS} ms: reservation p50 ` +
      `${ms(percentile(reserve, 50))}, p99 ${ms(p99)} over ${SPACED_ORDERS} brackets; a plain 8 KB write() p50 ` +
      `${ms(percentile(sorted(spacedFloor), 50))}, p99 ${ms(percentile(spacedFloor, 99))}\n` +
      `  target: p99 <= 0.2 ms added, as a session places orders [${verdict(p99 <= 200)}]\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
