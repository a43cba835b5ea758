import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LiveJournal, type RecoveringExecution } from '../../src/journal/live-journal.js';
import { bracket, T0 } from '../adapters/ib/execution-client-harness.js';
import { useTempDir } from '../data/temp-dir.js';

const SESSION = { version: '0.1.0', configHash: 'abc', strategy: 'sma_crossover' } as const;

/** A broker that has none of the orders open any more. */
const NOTHING_OPEN: RecoveringExecution = {
  markExecutionsSeen: () => undefined,
  expectCommissions: () => undefined,
  recoverExecutionsSince: () => undefined,
  workingOrders: () => [],
  order: () => undefined,
  cancel: () => undefined,
};

describe('LiveJournal recovery', () => {
  const temp = useTempDir();

  it('tells an order that never left from one of a bracket that executed while the process was down', () => {
    const path = join(temp.path(), 'journal.sqlite');
    const open = () =>
      LiveJournal.open({ path, account: 'DU1', sync: 'normal', orphanOrders: 'keep', session: SESSION });
    // Two brackets reserved, and the process killed before anything else about them was written.
    const first = open();
    first.journal.startSession({ mode: 'live', ...SESSION });
    first.journal.batchPerTurn();
    first.beforeSend(bracket(1));
    first.beforeSend(bracket(4));
    first.close();

    const second = open();
    expect(second.resume.reserved).toEqual([1, 2, 3, 4, 5, 6]);
    second.journal.startSession({ mode: 'live', ...SESSION });
    // The first bracket's entry and its take-profit filled while the process was down: recovered at the start.
    const position = { symbol: 'AAPL', averageCost: 100, lastPrice: 100, openedAt: T0, entryCommission: 1 };
    second.journal.fill(
      {
        orderId: 1,
        execId: 'e1',
        symbol: 'AAPL',
        side: 'BUY',
        quantity: 100,
        price: 100,
        commission: 1,
        time: T0,
        purpose: 'entry',
      },
      { ...position, quantity: 100 },
      90_000,
      90_000,
      true,
    );
    second.journal.fill(
      {
        orderId: 3,
        execId: 'e3',
        symbol: 'AAPL',
        side: 'SELL',
        quantity: 100,
        price: 120,
        commission: 1,
        time: T0 + 1,
        purpose: 'take_profit',
      },
      { ...position, quantity: 0 },
      102_000,
      90_000,
      true,
    );
    second.reconciled(NOTHING_OPEN, T0 + 2);
    second.journal.flush();
    const statuses = second.journal.db.prepare('SELECT order_id, status FROM orders ORDER BY order_id').all();
    expect(statuses).toEqual([
      { order_id: 1, status: 'filled' },
      { order_id: 2, status: 'cancelled' },
      { order_id: 3, status: 'filled' },
      { order_id: 4, status: 'never_sent' },
      { order_id: 5, status: 'never_sent' },
      { order_id: 6, status: 'never_sent' },
    ]);
    const events = second.journal.db.prepare("SELECT message FROM events WHERE kind = 'recovery'").pluck().all();
    expect(events).toEqual([4, 5, 6].map((id) => `order ${id} was reserved but never reached the broker`));
    second.close();
  });

  it('asks for the executions from the oldest one journaled with the estimate on, until its report corrects it', async () => {
    const path = join(temp.path(), 'journal.sqlite');
    const open = () =>
      LiveJournal.open({ path, account: 'DU1', sync: 'normal', orphanOrders: 'keep', session: SESSION });
    const fill = (execId: string, time: number, estimated: boolean) => ({
      orderId: 1,
      execId,
      symbol: 'AAPL',
      side: 'BUY' as const,
      quantity: 10,
      price: 100,
      commission: estimated ? 0 : 1,
      time,
      purpose: 'entry' as const,
      ...(estimated && { commissionEstimated: true }),
    });
    const position = { symbol: 'AAPL', averageCost: 100, lastPrice: 100, openedAt: T0, entryCommission: 0 };
    const first = open();
    first.journal.startSession({ mode: 'live', ...SESSION });
    first.journal.fill(fill('e1', T0, true), { ...position, quantity: 10 }, 99_000, 99_000);
    first.journal.fill(fill('e2', T0 + 60_000, false), { ...position, quantity: 20 }, 98_000, 98_000);
    first.close();

    const asked: { seen: string[]; expected: string[]; since: number[] } = { seen: [], expected: [], since: [] };
    const execution: RecoveringExecution = {
      ...NOTHING_OPEN,
      markExecutionsSeen: (ids) => asked.seen.push(...ids),
      expectCommissions: (fills) => asked.expected.push(...fills.map((f) => f.execId)),
      recoverExecutionsSince: (time) => asked.since.push(time),
    };
    const second = open();
    expect(second.resume.estimated).toEqual([fill('e1', T0, true)]);
    second.journal.startSession({ mode: 'live', ...SESSION });
    await second.recover(execution, () => Promise.resolve());
    // From the estimated execution's time, not from the last execution's: its report comes with the executions.
    expect(asked).toEqual({ seen: ['e1', 'e2'], expected: ['e1'], since: [T0] });
    second.journal.commission(
      {
        type: 'commission_corrected',
        time: T0 + 120_000,
        execId: 'e1',
        orderId: 1,
        symbol: 'AAPL',
        side: 'BUY',
        fillTime: T0,
        commission: 1.25,
        estimate: 0,
      },
      { ...position, quantity: 20 },
      97_998.75,
      97_998.75,
      true,
    );
    second.close();

    const third = open();
    expect(third.resume.estimated).toEqual([]);
    expect(third.journal.db.prepare("SELECT commission FROM executions WHERE exec_id = 'e1'").pluck().get()).toBe(1.25);
    third.close();
  });
});
