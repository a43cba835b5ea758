import { join } from 'node:path';
import { OrderAction, OrderType } from '@stoqey/ib';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import { connect, stock } from '../gateway/harness.js';
import { liveConfig, liveWork, runLive, startTestGateway, type LiveWork } from '../live/live-fixture.js';

/** The live session's client id (live-fixture's config). */
const OURS = 11;
/** Another program on the same account. */
const OTHER = 99;

/** A day order to buy far below the market, so that it stays open: placed over the socket as `clientId`. */
async function placeResting(gateway: Gateway, clientId: number, symbol: string, orderRef: string): Promise<number> {
  const client = await connect(gateway.port, clientId);
  const orderId = client.nextValidId;
  client.api.placeOrder(orderId, stock(symbol), {
    action: OrderAction.BUY,
    orderType: OrderType.LMT,
    totalQuantity: 5,
    lmtPrice: 1,
    tif: 'DAY',
    transmit: true,
    orderRef,
  });
  const deadline = Date.now() + 5000;
  const placed = (): boolean =>
    gateway.broker.openOrders().some((o) => o.clientId === clientId && o.orderId === orderId);
  while (!placed() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  await client.disconnect();
  return orderId;
}

describe.each(['keep', 'cancel'] as const)(
  'ets live with orphan_orders: %s, on the embedded gateway restarted from its state file',
  (policy) => {
    let work: LiveWork;
    let gateway: Gateway;
    beforeEach(() => {
      work = liveWork();
    });
    afterEach(async () => {
      await gateway.stop();
      work.cleanup();
    });

    it(`${policy === 'keep' ? 'keeps' : 'cancels'} an open order of its client id the journal never reserved, and leaves another client's alone`, async () => {
      const stateFile = join(work.dir, 'gateway-state.json');
      // While the node is down: an order by hand under its client id (a foreign orderRef), one by another program.
      gateway = await startTestGateway(work, { stateFile });
      const byHand = await placeResting(gateway, OURS, 'SYNA', 'by-hand');
      const foreign = await placeResting(gateway, OTHER, 'SYNB', 'other-program');
      await gateway.stop();
      gateway = await startTestGateway(work, { stateFile });
      const restored = gateway.broker.openOrders();
      expect(restored.map((o) => [o.clientId, o.orderId, o.symbol, o.wire.orderRef])).toEqual([
        [OURS, byHand, 'SYNA', 'by-hand'],
        [OTHER, foreign, 'SYNB', 'other-program'],
      ]);

      const config = liveConfig(work, {
        ibkr: { port: gateway.port },
        // Entries are not cancelled at the end here, so that what stays open is the orphan policy's doing alone.
        live: { results_directory: work.results, orphan_orders: policy, cancel_entries_on_shutdown: false },
      });
      const run = await runLive(work, config, ['--duration', '2s']);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);

      const state = (clientId: number, orderId: number): string =>
        gateway.broker.snapshot().orders.find((o) => o.clientId === clientId && o.orderId === orderId)!.state;
      expect(state(OURS, byHand)).toBe(policy === 'keep' ? 'Submitted' : 'Cancelled');
      // Not this client's: never adopted, never an orphan, never cancelled.
      expect(state(OTHER, foreign)).toBe('Submitted');

      const journal = new Database(join(work.results, 'journal-DU1___567.sqlite'), { readonly: true });
      try {
        const orphans = journal.prepare("SELECT symbol, message FROM events WHERE kind = 'orphan'").all();
        expect(orphans).toEqual([
          {
            symbol: 'SYNA',
            message: `order ${byHand} (SYNA entry) is open at the broker but not in the journal: ${policy === 'keep' ? 'kept' : 'cancelled'}`,
          },
        ]);
      } finally {
        journal.close();
      }
    });
  },
);
