/**
 * What the journal adds to the bar → placeOrder path: the reservation of an order's ids, one committed transaction
 * written before placeOrder leaves (the rest of the journal's writes come after the socket write or with fills).
 * Measured on a real journal file for bracket orders (three ids each), with `synchronous` NORMAL and FULL
 * one after the other in one run, next to the status updates that follow the send and a plain write() as the floor.
 * Target: p99 ≤ 0.2 ms added with the shipped setting (NORMAL).
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
  for (const sync of settings) {
    const journal = journals.get(sync)!;
    for (let i = 0; i < ORDERS; i++) {
      const event = bracket(1 + i * 3);
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
      samples.get(sync)!.reserve.push(Number(b - a) / 1000);
      samples.get(sync)!.afterSend.push(Number(c - b) / 1000);
    }
  }
  for (const journal of journals.values()) journal.close();
  closeSync(floorFile);
  floor.sort((x, y) => x - y);
  const ms = (micros: number): string => `${(micros / 1000).toFixed(3)} ms`;
  for (const sync of settings) {
    const { reserve, afterSend } = samples.get(sync)!;
    reserve.sort((x, y) => x - y);
    afterSend.sort((x, y) => x - y);
    const p99 = percentile(reserve, 99);
    process.stdout.write(
      `journal, WAL + synchronous ${sync.toUpperCase()}: reservation before placeOrder p50 ${ms(percentile(reserve, 50))}, ` +
        `p99 ${ms(p99)}, max ${ms(reserve.at(-1)!)} over ${ORDERS} brackets; status updates after the send p99 ` +
        ms(percentile(afterSend, 99)) +
        (sync === 'normal'
          ? `\n  target: p99 <= 0.2 ms added [${verdict(p99 <= 200)}]; the machine's floor in the same run, ` +
            `a plain 8 KB write(): p50 ${ms(percentile(floor, 50))}, p99 ${ms(percentile(floor, 99))}\n`
          : '\n'),
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
