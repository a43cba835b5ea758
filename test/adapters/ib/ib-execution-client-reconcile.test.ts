import { OrderAction, OrderType } from '@stoqey/ib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACCOUNT, FakeIbConnection, execution, stock } from './fake-ib-connection.js';
import { T0, brief, bracket, entry, harness, single, useFakeTimers } from './execution-client-harness.js';

const STOP = { orderType: OrderType.STP, action: OrderAction.SELL, auxPrice: 100, tif: 'GTC' } as const;
const TARGET = { orderType: OrderType.LMT, action: OrderAction.SELL, lmtPrice: 500, tif: 'GTC' } as const;

/** A protective stop of a position bought in an earlier session (its parent 8 filled then), with our orderRef. */
const OLD_STOP = {
  ...STOP,
  totalQuantity: 50,
  auxPrice: 95,
  parentId: 8,
  ocaGroup: 'bracket-8',
  orderRef: 'ets:stop_loss:rsi',
} as const;

describe('IbExecutionClient.reconcile', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('after a reconnection: adopts unknown open orders, recovers missed fills once, ends orders gone while down', async () => {
    const tws = new FakeIbConnection();
    const { execution: client, events, orderIds } = harness(tws);
    client.place(bracket(1));
    tws.state(1, 'Submitted');
    tws.state(2, 'PreSubmitted', 0, 100, { ...STOP, parentId: 1, ocaGroup: 'bracket-1' });
    tws.state(3, 'PreSubmitted', 0, 100, { ...TARGET, parentId: 1, ocaGroup: 'bracket-1' });
    client.place(single(entry(4, { symbol: 'MSFT', type: 'LMT', limitPrice: 200 })));
    tws.state(4, 'Submitted', 0, 100, { orderType: OrderType.LMT, lmtPrice: 200 });
    client.place(single(entry(5, { type: 'LMT', limitPrice: 10 })));
    // An execution of an earlier session's order, already in the journal.
    const earlier = execution(8, 50, 120, { orderRef: 'ets:entry:rsi', time: '20210301 09:45:00 US/Eastern' });
    client.markExecutionsSeen([earlier.execId!]);
    tws.drop();
    expect(brief(events)).toEqual(['accepted 1', 'accepted 2', 'accepted 3', 'accepted 4']);

    // While down: the entry filled (its children went live), order 4 was cancelled, order 5 never reached TWS.
    tws.connected = true;
    const reconciled = client.reconcile();
    expect(tws.sent.slice(-2)).toEqual([
      { kind: 'reqOpenOrders' },
      { kind: 'reqExecutions', reqId: tws.lastExecutionsRequest(), filter: { clientId: '7', acctCode: ACCOUNT } },
    ]);
    const reqId = tws.lastExecutionsRequest();
    tws.state(2, 'PreSubmitted', 0, 100, { ...STOP, parentId: 1, ocaGroup: 'bracket-1' });
    tws.state(3, 'Submitted', 0, 100, { ...TARGET, parentId: 1, ocaGroup: 'bracket-1' });
    tws.state(9, 'PreSubmitted', 0, 50, OLD_STOP);
    tws.openOrderEnd();
    const missed = execution(1, 100, 150.25, { orderRef: 'ets:entry:sma', time: '20210301 10:41:10 US/Eastern' });
    tws.execDetails(reqId, earlier);
    tws.commissionReport(earlier.execId!, 1);
    tws.execDetails(reqId, missed);
    tws.commissionReport(missed.execId!, 1.05);
    tws.execDetailsEnd(reqId);
    const report = await reconciled;

    expect(brief(events).slice(4)).toEqual([
      'accepted 9',
      'fill 1 100@150.25 c1.05',
      'cancelled 4 (ended at the broker while disconnected (not open and not filled when reconciled)) left 100',
      'failed 5: not known to TWS after the reconnection: the order never reached it and was not placed',
    ]);
    expect(events[5]).toMatchObject({ type: 'fill', time: Date.UTC(2021, 2, 1, 10, 41, 10) });
    expect(events[4]).toEqual({
      type: 'order_accepted',
      time: T0,
      order: {
        id: 9,
        symbol: 'AAPL',
        side: 'SELL',
        quantity: 50,
        type: 'STP',
        stopPrice: 95,
        tif: 'GTC',
        parentId: 8,
        ocaGroup: 'bracket-8',
        purpose: 'stop_loss',
        strategyId: 'rsi',
        createdAt: T0,
      },
    });
    expect(report).toEqual({
      ok: true,
      openAtBroker: 3,
      adopted: 1,
      fillsRecovered: 1,
      baselined: 0,
      ended: 2,
      differences: [
        'adopted order 9 from the broker: AAPL SELL 50 STP stop 95 GTC stop_loss child of 8',
        `recovered execution ${missed.execId!} of order 1: BOT 100 AAPL @ 150.25`,
        'order 4 (MSFT entry) ended at the broker while disconnected: 0 of 100 filled',
        'order 5 (AAPL entry) never reached TWS: reported failed',
      ],
    });
    expect(client.workingOrders().map((o) => o.id)).toEqual([2, 3, 9]);
    expect(orderIds.peek).toBe(10);

    // TWS repeating the execution live, or a second reconciliation, books nothing more; nothing is ever re-sent.
    tws.execDetails(-1, missed);
    const again = client.reconcile();
    const reqId2 = tws.lastExecutionsRequest();
    tws.state(2, 'PreSubmitted', 0, 100, { ...STOP, parentId: 1, ocaGroup: 'bracket-1' });
    tws.state(3, 'Submitted', 0, 100, { ...TARGET, parentId: 1, ocaGroup: 'bracket-1' });
    tws.state(9, 'PreSubmitted', 0, 50, OLD_STOP);
    tws.openOrderEnd();
    tws.execDetails(reqId2, earlier);
    tws.execDetails(reqId2, missed);
    tws.execDetailsEnd(reqId2);
    expect(await again).toMatchObject({ ok: true, adopted: 0, fillsRecovered: 0, ended: 0, differences: [] });
    expect(events).toHaveLength(8);
    expect(tws.placed().map((m) => m.orderId)).toEqual([1, 2, 3, 4, 5]);
  });

  it('counts an adopted order’s replayed executions in its quantity, and only marks them seen when not applying fills', async () => {
    for (const applyFills of [true, false]) {
      const tws = new FakeIbConnection();
      const { execution: client, events } = harness(tws);
      const reconciled = client.reconcile({ applyFills });
      const reqId = tws.lastExecutionsRequest();
      const partial = { orderType: OrderType.LMT, lmtPrice: 10, orderRef: 'ets:entry:sma' } as const;
      tws.openOrder(12, 'Submitted', { ...partial, totalQuantity: 100 });
      tws.orderStatus(12, 'Submitted', 30, 70);
      tws.openOrderEnd();
      const today = execution(12, 30, 10, { orderRef: 'ets:entry:sma' });
      tws.execDetails(reqId, today, stock('AAPL', 'ISLAND'));
      tws.commissionReport(today.execId!, 1);
      tws.execDetailsEnd(reqId);
      const report = await reconciled;
      expect(report).toMatchObject({
        ok: true,
        adopted: 1,
        fillsRecovered: applyFills ? 1 : 0,
        baselined: applyFills ? 0 : 1,
      });
      expect(brief(events)).toEqual(applyFills ? ['accepted 12', 'fill 12 30@10 c1'] : ['accepted 12']);
      expect(events[0]).toMatchObject({
        order: { quantity: applyFills ? 100 : 70, purpose: 'entry', strategyId: 'sma' },
      });
      expect(client.order(12)).toMatchObject({ remaining: 70, ended: false });
      // The rest fills live: the order ends with it, and the replayed execution stays booked once.
      tws.execDetails(-1, today);
      const rest = execution(12, 70, 10, { orderRef: 'ets:entry:sma', cumQty: 100 });
      tws.execDetails(-1, rest);
      tws.commissionReport(rest.execId!, 0.35);
      tws.orderStatus(12, 'Filled', 100, 0);
      expect(brief(events).slice(-1)).toEqual(['fill 12 70@10 c0.35']);
      expect(client.order(12)).toMatchObject({ remaining: 0, ended: true });
    }
  });

  it('books the executions missed while down and those reported meanwhile in the order they happened', async () => {
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws);
    client.place(bracket(1));
    tws.state(1, 'Submitted');
    tws.drop();
    // While down the entry filled in two parts and its stop sold 60 of them; TWS lists the stop's sale first, and
    // reports its target's sale as it happens, before its answer has ended. The journal's last execution was the
    // day before: the executions since then are asked for, not today's alone.
    tws.connected = true;
    client.recoverExecutionsSince(Date.UTC(2021, 1, 26, 15, 30));
    const reconciled = client.reconcile();
    const reqId = tws.lastExecutionsRequest();
    expect(tws.sent.at(-1)).toEqual({
      kind: 'reqExecutions',
      reqId,
      filter: { clientId: '7', acctCode: ACCOUNT, time: '20210226 15:29:59 US/Eastern' },
    });
    tws.state(3, 'Submitted', 0, 100, { ...TARGET, parentId: 1, ocaGroup: 'bracket-1' });
    tws.openOrderEnd();
    const at = (time: string) => ({ orderRef: 'ets:entry:sma', time: `20210301 ${time} US/Eastern` });
    const exit = { side: 'SLD', orderRef: 'ets:stop_loss:sma' } as const;
    const sold = execution(2, 60, 99.5, { ...at('10:20:00'), ...exit });
    const first = execution(1, 40, 101, at('10:01:05'));
    const second = execution(1, 60, 101.5, at('10:01:10'));
    const target = execution(3, 40, 500, { ...at('10:25:00'), ...exit, orderRef: 'ets:take_profit:sma' });
    tws.execDetails(-1, target);
    tws.commissionReport(target.execId!, 1);
    for (const e of [sold, second, first]) {
      tws.execDetails(reqId, e);
      tws.commissionReport(e.execId!, 1);
    }
    expect(brief(events).filter((e) => e.startsWith('fill'))).toEqual([]);
    tws.execDetailsEnd(reqId);
    expect(await reconciled).toMatchObject({ ok: true, fillsRecovered: 3 });
    expect(brief(events).filter((e) => e.startsWith('fill'))).toEqual([
      'fill 1 40@101 c1',
      'fill 1 60@101.5 c1',
      'fill 2 60@99.5 c1',
      'fill 3 40@500 c1',
    ]);
    // Once recovered, a reconciliation asks for today's again.
    void client.reconcile();
    expect(tws.sent.at(-1)).toMatchObject({ filter: { clientId: '7', acctCode: ACCOUNT } });
    expect(tws.sent.at(-1)).not.toHaveProperty('filter.time');
  });

  it('adopts an open order TWS reports on its own, outside a reconciliation', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws);
    tws.state(9, 'PreSubmitted', 0, 50, OLD_STOP);
    tws.state(9, 'PreSubmitted', 0, 50, OLD_STOP);
    expect(brief(events)).toEqual(['accepted 9']);
    expect(client.order(9)).toMatchObject({ adopted: true, purpose: 'stop_loss', quantity: 50 });
  });

  it('does not complete, and ends nothing, when not connected, when the connection drops, or without an answer', async () => {
    useFakeTimers();
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws, { reconcileTimeoutMs: 5000 });
    client.place(single(entry(1, { type: 'LMT', limitPrice: 10 })));
    tws.state(1, 'Submitted');

    tws.connected = false;
    expect(await client.reconcile()).toEqual({ ok: false, reason: 'not connected to TWS' });

    tws.connected = true;
    const dropped = client.reconcile();
    expect(client.reconcile()).toBe(dropped);
    tws.openOrderEnd();
    tws.drop();
    expect(await dropped).toEqual({ ok: false, reason: 'the connection to TWS was lost during reconciliation' });

    tws.connected = true;
    const silent = client.reconcile();
    tws.openOrderEnd();
    await vi.advanceTimersByTimeAsync(5000);
    expect(await silent).toEqual({
      ok: false,
      reason: 'TWS did not answer reqOpenOrders / reqExecutions within 5 s',
    });
    expect(brief(events)).toEqual(['accepted 1']);
    expect(client.workingOrders().map((o) => o.id)).toEqual([1]);
  });

  it('reports a filled order with missing executions as a difference rather than cancelling it', async () => {
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws);
    client.place(single(entry(1)));
    tws.state(1, 'Submitted');
    tws.orderStatus(1, 'Filled', 100, 0);
    const reconciled = client.reconcile();
    const reqId = tws.lastExecutionsRequest();
    tws.openOrderEnd();
    tws.execDetailsEnd(reqId);
    const report = await reconciled;
    expect(report).toMatchObject({
      ok: true,
      ended: 0,
      differences: ['order 1 is filled at the broker but not all of its executions were reported'],
    });
    expect(brief(events)).toEqual(['accepted 1']);
  });
});
