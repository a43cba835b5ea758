import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { createTradingKernel } from '../../src/core/trading-kernel.js';
import type { CrashPoint } from '../../src/journal/crash-points.js';
import { LiveJournal } from '../../src/journal/live-journal.js';
import { reservationLogPath } from '../../src/journal/reservation-log.js';
import { bracket } from '../adapters/ib/execution-client-harness.js';
import { useTempDir } from '../data/temp-dir.js';

const SESSION = { version: '0.1.0', configHash: 'abc', strategy: 'sma_crossover' } as const;

describe('LiveJournal around a socket read', () => {
  const temp = useTempDir();

  /**
   * A journaled session whose execution client reserves before it places, as IbExecutionClient does, and whose
   * crash hook records each point taken with the reservations then in the log (instead of killing the process).
   */
  function session() {
    const path = join(temp.path(), 'journal.sqlite');
    const lines = () => readFileSync(reservationLogPath(path), 'utf8').split('\n').filter(Boolean).length;
    const taken: string[] = [];
    const live = LiveJournal.open({
      path,
      account: 'DU1',
      sync: 'normal',
      orphanOrders: 'keep',
      session: SESSION,
      crash: (point: CrashPoint) => taken.push(`${point} with ${lines()} in the log`),
    });
    live.journal.startSession({ mode: 'live', ...SESSION });
    const kernel = createTradingKernel(validateConfig({}), {
      strategy: 'sma_crossover',
      params: {},
      initialCash: 100_000,
      protectiveStops: true,
      nextOrderId: () => 1,
    });
    kernel.engine.attachExecution({
      place: (event) => {
        live.beforeSend(event);
      },
      cancel: () => undefined,
    });
    live.observe(kernel);
    return { live, taken, lines, place: kernel.engine.receive };
  }

  it('takes the crash points of orders made within a read as the read ends, where they stand on the wire', () => {
    const { live, taken, lines, place } = session();
    live.socketReads.started();
    place(bracket(1));
    place(bracket(4));
    // Nothing written and nothing sent yet: a kill now is a kill before the reservations.
    expect(taken).toEqual([]);
    expect(lines()).toBe(0);
    live.socketReads.sending();
    expect(taken).toEqual(['reserved with 2 in the log']);
    live.socketReads.sent();
    expect(taken).toEqual(['reserved with 2 in the log', 'sent with 2 in the log']);
    // A read that makes no order takes no point.
    live.socketReads.started();
    live.socketReads.sending();
    live.socketReads.sent();
    expect(taken).toHaveLength(2);
    live.close();
  });

  it('takes them at once for an order made outside a read (a timer), whose placeOrder leaves as it is written', () => {
    const { live, taken, place } = session();
    place(bracket(1));
    expect(taken).toEqual(['reserved with 1 in the log', 'sent with 1 in the log']);
    live.close();
  });
});
