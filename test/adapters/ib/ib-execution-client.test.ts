import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { OrderAction, OrderType } from '@stoqey/ib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPORT_DOUBT_MS } from '../../../src/adapters/ib/ib-fill-booker.js';
import { FakeIbConnection, execution } from './fake-ib-connection.js';
import {
  ESTIMATE,
  T0,
  WARN,
  brief,
  bracket,
  entry,
  harness,
  single,
  useFakeTimers,
} from './execution-client-harness.js';

const STOP = { orderType: OrderType.STP, action: OrderAction.SELL, auxPrice: 100, tif: 'GTC' } as const;
const TARGET = { orderType: OrderType.LMT, action: OrderAction.SELL, lmtPrice: 500, tif: 'GTC' } as const;

/** TWS's answer to a transmitted bracket 1/2/3 (recorded from the embedded gateway): all working, children held. */
function bracketWorking(tws: FakeIbConnection, quantity = 100): void {
  tws.state(1, 'PreSubmitted', 0, quantity);
  tws.state(1, 'Submitted', 0, quantity);
  tws.openOrder(2, 'PreSubmitted', { ...STOP, totalQuantity: quantity, parentId: 1, ocaGroup: 'bracket-1' });
  tws.orderStatus(2, 'PreSubmitted', 0, quantity, { parentId: 1, whyHeld: 'child' });
  tws.openOrder(3, 'PreSubmitted', { ...TARGET, totalQuantity: quantity, parentId: 1, ocaGroup: 'bracket-1' });
  tws.orderStatus(3, 'PreSubmitted', 0, quantity, { parentId: 1, whyHeld: 'child' });
}

/** An execution with TWS's status messages around it, in the gateway's order; the commission report is separate. */
function executes(tws: FakeIbConnection, orderId: number, shares: number, price: number, cumQty: number, total = 100) {
  const exec = execution(orderId, shares, price, {
    cumQty,
    side: orderId === 1 ? 'BOT' : 'SLD',
    orderRef: orderId === 1 ? 'ets:entry:sma' : 'ets:take_profit:sma',
  });
  tws.execDetails(-1, exec);
  const status = cumQty >= total ? 'Filled' : 'Submitted';
  tws.orderStatus(orderId, status, cumQty, total - cumQty, { avgFillPrice: price, lastFillPrice: price });
  if (status === 'Filled') tws.openOrder(orderId, 'Filled', { totalQuantity: total });
  return exec;
}

/** A market entry (order 1) that TWS executed, 100 @ 320.88, its commission report not sent yet; on fake timers. */
function filledEntry() {
  useFakeTimers();
  const tws = new FakeIbConnection();
  const { execution: client, events, logs, clock } = harness(tws);
  client.place(single(entry(1)));
  tws.state(1, 'Submitted');
  const exec = executes(tws, 1, 100, 320.88, 100);
  return { tws, client, events, logs, clock, exec };
}

describe('IbExecutionClient: placing', () => {
  it('sends a market order synchronously with the account, its purpose ref and transmit=true', () => {
    const tws = new FakeIbConnection();
    const { execution: client, oer } = harness(tws);
    client.place(single(entry(1)));
    expect(tws.sent).toHaveLength(1);
    expect(tws.placed()[0]).toMatchObject({
      orderId: 1,
      contract: { symbol: 'AAPL', secType: 'STK', exchange: 'SMART', currency: 'USD' },
      order: {
        action: 'BUY',
        totalQuantity: 100,
        orderType: 'MKT',
        tif: 'DAY',
        account: 'DU1234567',
        transmit: true,
        orderRef: 'ets:entry:sma',
        outsideRth: false,
      },
    });
    expect(oer.counts().submissions).toBe(1);
  });

  it('stages a bracket: transmit=false on all but the last, children with parentId and the OCA group', () => {
    const tws = new FakeIbConnection();
    let sentBeforeHook = -1;
    const { execution: client, oer } = harness(tws, {
      beforeSend: () => {
        sentBeforeHook = tws.sent.length;
      },
    });
    client.place(bracket(1));
    expect(sentBeforeHook).toBe(0);
    expect(
      tws.placed().map((m) => [m.orderId, m.order.transmit, m.order.parentId, m.order.ocaGroup, m.order.ocaType]),
    ).toEqual([
      [1, false, 0, undefined, undefined],
      [2, false, 1, 'bracket-1', 2],
      [3, true, 1, 'bracket-1', 2],
    ]);
    expect(tws.placed().map((m) => [m.order.orderType, m.order.auxPrice, m.order.lmtPrice, m.order.tif])).toEqual([
      ['MKT', undefined, undefined, 'DAY'],
      ['STP', 100, undefined, 'GTC'],
      ['LMT', undefined, 500, 'GTC'],
    ]);
    expect(oer.counts().submissions).toBe(3);
  });

  it('fails every order of the event with 504 when not connected, sending nothing and calling no hook', () => {
    const tws = new FakeIbConnection();
    tws.connected = false;
    const beforeSend = vi.fn();
    const { execution: client, events, oer } = harness(tws, { beforeSend });
    client.place(bracket(1));
    expect(brief(events)).toEqual([
      'failed 1 504: not connected to TWS: order not sent',
      'failed 2 504: not connected to TWS: order not sent',
      'failed 3 504: not connected to TWS: order not sent',
    ]);
    expect(tws.sent).toEqual([]);
    expect(beforeSend).not.toHaveBeenCalled();
    expect(oer.counts().submissions).toBe(0);
    expect(client.workingOrders()).toEqual([]);
  });

  it('read-only: logs one "would place" line per order and fails them so the router releases the symbol', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events, logs } = harness(tws, { readOnly: true });
    client.place(bracket(1, 100, 99.5, 180.25));
    expect(tws.sent).toEqual([]);
    const would = logs.filter((l) => l.msg === 'read-only session: would place order');
    expect(
      would.map((l) => [
        l['orderId'],
        l['side'],
        l['quantity'],
        l['type'],
        l['stopPrice'],
        l['limitPrice'],
        l['purpose'],
      ]),
    ).toEqual([
      [1, 'BUY', 100, 'MKT', undefined, undefined, 'entry'],
      [2, 'SELL', 100, 'STP', 99.5, undefined, 'stop_loss'],
      [3, 'SELL', 100, 'LMT', undefined, 180.25, 'take_profit'],
    ]);
    expect(brief(events)).toEqual([
      'failed 1: read-only session: not sent',
      'failed 2: read-only session: not sent',
      'failed 3: read-only session: not sent',
    ]);
  });

  it('fails invalid orders, unknown symbols and reused ids without sending anything', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws);
    client.place(single(entry(1, { quantity: 0 })));
    client.place(single(entry(2, { symbol: 'NOPE' })));
    client.place(single(entry(3)));
    client.place(single(entry(3)));
    expect(brief(events)).toEqual([
      'failed 1: order 1: quantity must be a whole number of shares > 0, not 0',
      'failed 2: order 2: no qualified IB contract for NOPE',
      'failed 3: order 3: id was already used',
    ]);
    expect(tws.placed().map((m) => m.orderId)).toEqual([3]);
  });
});

describe('IbExecutionClient: order states', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fills a market order once with IB’s commission, as the recorded TWS sequence reports it', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events, orderIds, oer } = harness(tws);
    client.place(single(entry(1)));
    tws.state(1, 'PreSubmitted');
    tws.state(1, 'Submitted');
    const exec = executes(tws, 1, 100, 320.88, 100);
    expect(brief(events)).toEqual(['accepted 1']);
    tws.commissionReport(exec.execId!, 1);
    expect(brief(events)).toEqual(['accepted 1', 'fill 1 100@320.88 c1']);
    expect(events[1]).toEqual({
      type: 'fill',
      time: Date.UTC(2021, 2, 1, 10, 30, 5),
      fill: {
        orderId: 1,
        execId: exec.execId,
        symbol: 'AAPL',
        side: 'BUY',
        quantity: 100,
        price: 320.88,
        commission: 1,
        time: Date.UTC(2021, 2, 1, 10, 30, 5),
        purpose: 'entry',
        strategyId: 'sma',
      },
    });
    expect(client.workingOrders()).toEqual([]);
    expect(orderIds.peek).toBe(2);
    expect(oer.counts().executedOrders).toBe(1);
  });

  it('books a repeated execution once (TWS re-sending it, reqExecutions answers)', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws);
    client.place(single(entry(1)));
    tws.state(1, 'Submitted');
    const exec = executes(tws, 1, 100, 320.88, 100);
    tws.commissionReport(exec.execId!, 1);
    tws.execDetails(-1, exec);
    tws.execDetails(100_000_005, exec);
    tws.commissionReport(exec.execId!, 1);
    tws.orderStatus(1, 'Filled', 100, 0);
    expect(brief(events)).toEqual(['accepted 1', 'fill 1 100@320.88 c1']);
  });

  it('reports an order accepted before its fill even when TWS skips the working states', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws);
    client.place(single(entry(1)));
    client.place(single(entry(2)));
    const exec = execution(1, 100, 50.5);
    tws.commissionReport(exec.execId!, 1);
    tws.execDetails(-1, exec);
    tws.orderStatus(2, 'Filled', 100, 0);
    expect(brief(events)).toEqual(['accepted 1', 'fill 1 100@50.5 c1', 'accepted 2']);
  });

  it('books a commission report that comes before its execution at once', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws);
    client.place(single(entry(1)));
    tws.state(1, 'Submitted');
    const exec = execution(1, 100, 50.5);
    tws.commissionReport(exec.execId!, 0.85);
    tws.execDetails(-1, exec);
    expect(brief(events)).toEqual(['accepted 1', 'fill 1 100@50.5 c0.85']);
  });

  it('holds what TWS says after an execution until its commission report: the OCA sibling’s cancel follows the fill', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws);
    client.place(bracket(1));
    bracketWorking(tws);
    const entryExec = executes(tws, 1, 100, 150, 100);
    tws.commissionReport(entryExec.execId!, 1);
    tws.state(2, 'PreSubmitted', 0, 100, { ...STOP, parentId: 1 });
    tws.state(3, 'Submitted', 0, 100, { ...TARGET, parentId: 1 });
    const targetExec = executes(tws, 3, 100, 500, 100);
    tws.orderStatus(2, 'Cancelled', 0, 100, { parentId: 1 });
    expect(brief(events)).toEqual(['accepted 1', 'accepted 2', 'accepted 3', 'fill 1 100@150 c1']);
    tws.commissionReport(targetExec.execId!, 1.02);
    expect(brief(events)).toEqual([
      'accepted 1',
      'accepted 2',
      'accepted 3',
      'fill 1 100@150 c1',
      'fill 3 100@500 c1.02',
      'cancelled 2 (oca) left 100',
    ]);
    expect(events.at(-2)).toMatchObject({ fill: { side: 'SELL', purpose: 'take_profit', strategyId: 'sma' } });
    expect(client.workingOrders()).toEqual([]);
  });

  it('books the estimate when no commission report comes, and corrects it by a late one, once', () => {
    const { tws, client, events, logs, clock, exec } = filledEntry();
    vi.advanceTimersByTime(1999);
    expect(brief(events)).toEqual(['accepted 1']);
    expect(client.pendingFills).toBe(1);
    // The wait's timer, then the immediate that books the estimate (after the socket's turn).
    vi.advanceTimersByTime(2);
    expect(brief(events)).toEqual(['accepted 1', `fill 1 100@320.88 c${ESTIMATE}`]);
    // Marked, so that a journal keeps it as an estimate that a report after a restart can still correct.
    expect(events[1]).toMatchObject({ fill: { commissionEstimated: true } });
    expect(logs.find((l) => l.msg.startsWith('no IB commission report'))).toMatchObject({
      level: WARN,
      execId: exec.execId,
      estimate: ESTIMATE,
    });
    // Until the report comes, IB's cash may hold a commission ours does not: the account's cash is not compared.
    expect(client.commissionsInDoubt()).toBe(1);
    clock.set(T0 + 60_000);
    tws.commissionReport(exec.execId!, 1);
    expect(client.commissionsInDoubt()).toBe(0);
    tws.commissionReport(exec.execId!, 1);
    expect(brief(events).slice(2)).toEqual([`commission 1 ${exec.execId} c${ESTIMATE} -> c1`]);
    expect(events[2]).toMatchObject({ type: 'commission_corrected', time: T0 + 60_000, side: 'BUY', symbol: 'AAPL' });
    const late = logs.find((l) => l.msg.startsWith('IB commission report arrived after'));
    expect(late).toMatchObject({ level: WARN, estimated: ESTIMATE, reported: 1 });
    expect(late?.['difference']).toBeCloseTo(1 - ESTIMATE);
  });

  it('logs a late report within half a cent of the estimate as information, not as a warning', () => {
    const { tws, events, logs, exec } = filledEntry();
    vi.advanceTimersByTime(2001);
    tws.commissionReport(exec.execId!, ESTIMATE + 0.004);
    expect(brief(events).slice(2)).toEqual([`commission 1 ${exec.execId} c${ESTIMATE} -> c${ESTIMATE + 0.004}`]);
    const late = logs.find((l) => l.msg.startsWith('IB commission report arrived after'));
    expect(late).toMatchObject({ level: 30, estimated: ESTIMATE, difference: 0.004 });
  });

  it('leaves a report later than the doubt window to the account: logged, not booked', () => {
    const { tws, client, events, logs, exec } = filledEntry();
    vi.advanceTimersByTime(2001);
    vi.advanceTimersByTime(REPORT_DOUBT_MS - 1);
    expect(client.commissionsInDoubt()).toBe(1);
    vi.advanceTimersByTime(2);
    // From here IB's cash, which holds the commission, is compared and taken: booking the report would pay it twice.
    expect(client.commissionsInDoubt()).toBe(0);
    tws.commissionReport(exec.execId!, 1);
    expect(brief(events)).toEqual(['accepted 1', `fill 1 100@320.88 c${ESTIMATE}`]);
    expect(logs.find((l) => l.msg.startsWith('IB commission report arrived too late'))).toMatchObject({
      level: WARN,
      estimated: ESTIMATE,
      reported: 1,
    });
  });

  it('corrects a fill a journal holds with the estimate by the report a restart brings; not once IB’s cash is taken', async () => {
    useFakeTimers();
    const tws = new FakeIbConnection();
    const { execution: client, events, logs } = harness(tws);
    const estimated = (orderId: number) => {
      const exec = execution(orderId, 100, 320.88, { cumQty: 100, side: 'BOT', orderRef: 'ets:entry:sma' });
      const fill = {
        orderId,
        execId: exec.execId!,
        symbol: 'AAPL',
        side: 'BUY',
        quantity: 100,
        price: 320.88,
      } as const;
      const journaled = {
        ...fill,
        commission: ESTIMATE,
        time: T0,
        purpose: 'entry',
        commissionEstimated: true,
      } as const;
      return { exec, journaled };
    };
    const first = estimated(1);
    const second = estimated(2);
    const third = estimated(3);
    // As LiveJournal.recover does: every journaled execution seen, the estimated ones expecting their reports.
    client.markExecutionsSeen([first.exec.execId!, second.exec.execId!, third.exec.execId!]);
    client.expectCommissions([first.journaled, second.journaled, third.journaled]);
    expect(client.commissionsInDoubt()).toBe(3);
    const reconciled = client.reconcile();
    const reqId = tws.lastExecutionsRequest();
    tws.openOrderEnd();
    tws.execDetails(reqId, first.exec);
    tws.commissionReport(first.exec.execId!, 1);
    tws.execDetails(reqId, second.exec);
    tws.execDetails(reqId, third.exec);
    tws.commissionReport(third.exec.execId!, ESTIMATE);
    tws.execDetailsEnd(reqId);
    expect(await reconciled).toMatchObject({ ok: true });
    // The repeated executions book nothing; their reports correct the commission the journal holds, or confirm it.
    expect(brief(events)).toEqual([
      `commission 1 ${first.exec.execId} c${ESTIMATE} -> c1`,
      `commission 3 ${third.exec.execId} c${ESTIMATE} -> c${ESTIMATE}`,
    ]);
    expect(client.commissionsInDoubt()).toBe(1);
    // The start-up takes IB's cash, which holds the second commission too: its report can no longer be booked.
    client.forgetCommissionReports();
    expect(client.commissionsInDoubt()).toBe(0);
    expect(logs.find((l) => l.msg.startsWith('no IB commission report for these executions'))).toMatchObject({
      level: WARN,
      execIds: second.exec.execId,
    });
    tws.commissionReport(second.exec.execId!, 1);
    expect(events).toHaveLength(2);
    expect(logs.find((l) => l.msg.startsWith('IB commission report arrived too late'))).toMatchObject({
      execId: second.exec.execId,
      reported: 1,
    });
  });

  it('keeps a fill booked with the estimate in doubt through a lost connection, the window again from its return', async () => {
    const { tws, client, events, exec } = filledEntry();
    vi.advanceTimersByTime(2001);
    tws.drop();
    vi.advanceTimersByTime(REPORT_DOUBT_MS + 60_000);
    tws.connected = true;
    const reconciled = client.reconcile();
    const reqId = tws.lastExecutionsRequest();
    tws.openOrderEnd();
    tws.execDetails(reqId, exec);
    tws.execDetailsEnd(reqId);
    expect(await reconciled).toMatchObject({ ok: true });
    vi.advanceTimersByTime(REPORT_DOUBT_MS - 1);
    expect(client.commissionsInDoubt()).toBe(1);
    tws.commissionReport(exec.execId!, 1);
    expect(brief(events).slice(2)).toEqual([`commission 1 ${exec.execId} c${ESTIMATE} -> c1`]);
  });

  it('waits as the session ends for the last fills’ reports: IB’s commission, else the estimate by the deadline', async () => {
    const { tws, client, events, exec } = filledEntry();
    let settled = false;
    const settling = client.settleCommissions(4000).then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(2500);
    // The wait ran out (the estimate), and the report that would correct it may still come.
    expect(brief(events)).toEqual(['accepted 1', `fill 1 100@320.88 c${ESTIMATE}`]);
    expect(settled).toBe(false);
    tws.commissionReport(exec.execId!, 1);
    await vi.advanceTimersByTimeAsync(20);
    await settling;
    expect(brief(events).slice(2)).toEqual([`commission 1 ${exec.execId} c${ESTIMATE} -> c1`]);

    // Another fill whose report never comes: booked with the estimate once the deadline passes, not left unbooked.
    client.place(single(entry(4)));
    tws.state(4, 'Submitted');
    executes(tws, 4, 100, 321, 100);
    const second = client.settleCommissions(300);
    await vi.advanceTimersByTimeAsync(320);
    await second;
    expect(brief(events).at(-1)).toBe(`fill 4 100@321 c${ESTIMATE}`);
  });

  it('books a fill still waiting at once with the estimate when the session ends without TWS', async () => {
    const { tws, client, events } = filledEntry();
    tws.drop();
    await client.settleCommissions(4000);
    expect(brief(events)).toEqual(['accepted 1', `fill 1 100@320.88 c${ESTIMATE}`]);
  });

  it('books a report received while the process was held up past the wait, not the estimate', async () => {
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws, { commissionWaitMs: 50 });
    // TWS's side of a real loopback socket: the report's bytes reach this process while it is busy.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(socket, 'connect');
    const [twsSocket] = await accepted;
    try {
      client.place(single(entry(1)));
      tws.state(1, 'Submitted');
      const exec = executes(tws, 1, 100, 320.88, 100);
      socket.on('data', () => {
        tws.commissionReport(exec.execId!, 1);
      });
      twsSocket.write('commission report');
      // Busy past the wait: the wait's timer comes due before the received bytes are read.
      const until = performance.now() + 150;
      while (performance.now() < until);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(brief(events)).toEqual(['accepted 1', 'fill 1 100@320.88 c1']);
    } finally {
      socket.destroy();
      twsSocket.destroy();
      server.close();
    }
  });

  it('waits through a lost connection for the commission report, which the reconciliation after it brings', async () => {
    const { tws, client, events, logs, exec } = filledEntry();
    vi.advanceTimersByTime(500);
    tws.drop();
    vi.advanceTimersByTime(60_000);
    expect(brief(events)).toEqual(['accepted 1']);
    tws.connected = true;
    const reconciled = client.reconcile();
    const reqId = tws.lastExecutionsRequest();
    tws.openOrderEnd();
    tws.execDetails(reqId, exec);
    vi.advanceTimersByTime(1999);
    tws.commissionReport(exec.execId!, 1);
    tws.execDetailsEnd(reqId);
    expect(await reconciled).toMatchObject({ ok: true });
    expect(brief(events)).toEqual(['accepted 1', 'fill 1 100@320.88 c1']);
    expect(logs.filter((l) => l.level >= WARN)).toEqual([]);
  });

  it('gives a fill still without its report the whole wait again once connected, then books the estimate', async () => {
    const { tws, client, events } = filledEntry();
    vi.advanceTimersByTime(1500);
    tws.drop();
    vi.advanceTimersByTime(10_000);
    tws.connected = true;
    const reconciled = client.reconcile();
    tws.openOrderEnd();
    tws.execDetailsEnd(tws.lastExecutionsRequest());
    vi.advanceTimersByTime(1999);
    expect(brief(events)).toEqual(['accepted 1']);
    vi.advanceTimersByTime(2);
    expect(brief(events)).toEqual(['accepted 1', `fill 1 100@320.88 c${ESTIMATE}`]);
    expect(await reconciled).toMatchObject({ ok: true });
  });

  it('waits while TWS has lost IB (1100) and again in full from its return (1102)', () => {
    const { tws, events, exec } = filledEntry();
    tws.error(-1, 1100, 'Connectivity between IB and Trader Workstation has been lost.');
    vi.advanceTimersByTime(30_000);
    tws.error(-1, 1102, 'Connectivity between IB and Trader Workstation has been restored - data maintained.');
    vi.advanceTimersByTime(1999);
    expect(brief(events)).toEqual(['accepted 1']);
    tws.commissionReport(exec.execId!, 1);
    expect(brief(events)).toEqual(['accepted 1', 'fill 1 100@320.88 c1']);
  });

  it('reports partial fills one by one and ends the order with the last', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws);
    client.place(single(entry(1, { quantity: 250 })));
    tws.state(1, 'Submitted', 0, 250);
    for (const [shares, price, cum] of [
      [100, 10, 100],
      [100, 10.01, 200],
      [50, 10.02, 250],
    ] as const) {
      const exec = executes(tws, 1, shares, price, cum, 250);
      tws.commissionReport(exec.execId!, shares * 0.005);
    }
    expect(brief(events)).toEqual([
      'accepted 1',
      'fill 1 100@10 c0.5',
      'fill 1 100@10.01 c0.5',
      'fill 1 50@10.02 c0.25',
    ]);
    expect(client.order(1)).toMatchObject({ filled: 250, remaining: 0, ended: true, state: 'filled' });
    expect(client.workingOrders()).toEqual([]);
  });

  it('cancels on request: cancelOrder with an empty manual time, then one order_cancelled with what is left', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events, oer } = harness(tws);
    client.place(single(entry(1, { type: 'LMT', limitPrice: 10 })));
    tws.state(1, 'Submitted');
    const exec = executes(tws, 1, 40, 10, 40);
    tws.commissionReport(exec.execId!, 1);
    client.cancel({ type: 'cancel_order', time: T0, orderId: 1, reason: 'exit signal from sma' });
    client.cancel({ type: 'cancel_order', time: T0, orderId: 1, reason: 'again' });
    expect(tws.sent.filter((m) => m.kind === 'cancelOrder')).toEqual([
      { kind: 'cancelOrder', orderId: 1, manualCancelTime: '' },
    ]);
    expect(client.workingOrders()[0]).toMatchObject({ id: 1, cancelRequested: true, remaining: 60 });
    tws.orderStatus(1, 'PendingCancel', 40, 60);
    tws.error(1, 202, 'Order Canceled - reason:');
    // IB's remaining of a cancelled order is not to be trusted: it says 0 here.
    tws.orderStatus(1, 'Cancelled', 40, 0);
    expect(brief(events)).toEqual(['accepted 1', 'fill 1 40@10 c1', 'cancelled 1 (exit signal from sma) left 60']);
    expect(oer.counts()).toMatchObject({ submissions: 1, cancellations: 1, executedOrders: 1 });
  });

  it('reports a DAY order cancelled by TWS after the close as expired', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events, clock } = harness(tws);
    client.place(single(entry(1, { type: 'LMT', limitPrice: 10 })));
    tws.state(1, 'Submitted');
    clock.set(Date.UTC(2021, 2, 1, 16, 0, 5));
    tws.orderStatus(1, 'Cancelled', 0, 100);
    expect(brief(events)).toEqual(['accepted 1', 'cancelled 1 (expired) left 100']);
  });

  it('fails a rejected order once with IB’s code and text (201, then Inactive)', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws);
    client.place(single(entry(4, { quantity: 1_000_000 })));
    const text = 'Order rejected - reason:YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION …';
    tws.error(4, 201, text);
    tws.orderStatus(4, 'Inactive', 0, 1_000_000);
    expect(brief(events)).toEqual([`failed 4 201: ${text}`]);
  });

  it('fails a duplicate order id (103) and an Inactive order without an error', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws);
    client.place(single(entry(1)));
    client.place(single(entry(2)));
    tws.error(1, 103, 'Duplicate order id');
    tws.state(2, 'PreSubmitted');
    tws.orderStatus(2, 'Inactive', 0, 100);
    expect(brief(events)).toEqual([
      'failed 1 103: Duplicate order id',
      'accepted 2',
      'failed 2: TWS reports the order Inactive',
    ]);
  });

  it('cancels the bracket parent when a child is rejected before the entry filled, and the staged children with it', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws);
    client.place(bracket(1));
    tws.error(3, 110, 'The price does not conform to the minimum price variation for this contract.');
    expect(tws.sent.at(-1)).toEqual({ kind: 'cancelOrder', orderId: 1, manualCancelTime: '' });
    tws.error(1, 202, 'Order Canceled - reason:');
    tws.error(2, 202, 'Order Canceled - reason:');
    expect(brief(events)).toEqual([
      'failed 3 110: The price does not conform to the minimum price variation for this contract.',
      'cancelled 1 (bracket child 3 failed) left 100',
      'cancelled 2 (parent_cancelled) left 100',
    ]);
  });

  it('lets notices about a working order pass and leaves errors of other ids to their owners', () => {
    const tws = new FakeIbConnection();
    const { execution: client, events } = harness(tws);
    client.place(single(entry(1)));
    tws.state(1, 'Submitted');
    tws.error(1, 399, 'Order Message: Warning: your order will not be placed at the exchange until 09:30');
    tws.error(1, 2109, 'Order Event Warning: Attribute "Outside Regular Trading Hours" is ignored');
    tws.error(100_000_003, 162, 'Historical Market Data Service error message: pacing violation');
    tws.error(77, 201, 'Order rejected - reason: not ours');
    tws.error(-1, 2104, 'Market data farm connection is OK:usfarm');
    expect(brief(events)).toEqual(['accepted 1']);
    expect(client.workingOrders()).toHaveLength(1);
  });

  it('moves the order id sequence past every id TWS reports for this client, and ignores other clients', () => {
    const tws = new FakeIbConnection();
    const { orderIds, events } = harness(tws);
    tws.orderStatus(41, 'Submitted', 0, 10);
    expect(orderIds.peek).toBe(42);
    tws.openOrder(57, 'Filled');
    expect(orderIds.peek).toBe(58);
    tws.orderStatus(90, 'Submitted', 0, 10, { clientId: 3 });
    tws.openOrder(91, 'Submitted', { clientId: 3 });
    expect(orderIds.peek).toBe(58);
    expect(events).toEqual([]);
  });

  it('cancels working entries only, once each (shutdown leaves the protective orders at the broker)', () => {
    const tws = new FakeIbConnection();
    const { execution: client, oer } = harness(tws);
    client.place(bracket(1));
    bracketWorking(tws);
    client.place(single(entry(4, { symbol: 'MSFT', type: 'LMT', limitPrice: 10 })));
    tws.state(4, 'Submitted', 0, 100, { orderType: OrderType.LMT, lmtPrice: 10 });
    expect(client.workingOrders().map((o) => `${o.id} ${o.purpose} ${o.symbol}`)).toEqual([
      '1 entry AAPL',
      '2 stop_loss AAPL',
      '3 take_profit AAPL',
      '4 entry MSFT',
    ]);
    expect(client.cancelWorkingEntries()).toBe(2);
    expect(client.cancelWorkingEntries()).toBe(0);
    expect(tws.sent.filter((m) => m.kind === 'cancelOrder').map((m) => m.orderId)).toEqual([1, 4]);
    expect(oer.counts().cancellations).toBe(2);
  });

  it('logs the order efficiency ratio crossing its levels as it counts', () => {
    const tws = new FakeIbConnection();
    const { execution: client, logs, oer } = harness(tws);
    for (let id = 1; id <= 21; id++) client.place(single(entry(id, { type: 'LMT', limitPrice: 10 })));
    expect(oer.state).toBe('halt');
    expect(
      logs.filter((l) => l.msg.startsWith('order efficiency ratio')).map((l) => [l.level, l.msg, l['ratio']]),
    ).toEqual([
      [WARN, 'order efficiency ratio above the warning level', 20],
      [50, 'order efficiency ratio above the halt level: no new entries today', 21],
    ]);
  });

  it('does not send a cancel in a read-only session or while disconnected', () => {
    const tws = new FakeIbConnection();
    const { execution: client, logs } = harness(tws);
    client.place(single(entry(1)));
    tws.state(1, 'Submitted');
    tws.connected = false;
    client.cancel({ type: 'cancel_order', time: T0, orderId: 1, reason: 'exit' });
    expect(tws.sent.filter((m) => m.kind === 'cancelOrder')).toEqual([]);
    expect(logs.some((l) => l.msg.startsWith('not connected to TWS: cancel not sent'))).toBe(true);
    expect(client.order(1)?.cancelRequested).toBe(false);
  });
});
