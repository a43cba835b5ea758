import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPORT_DOUBT_MS } from '../../../src/adapters/ib/ib-fill-booker.js';
import { FakeIbConnection, execution } from './fake-ib-connection.js';
import {
  ESTIMATE,
  STOP,
  T0,
  TARGET,
  WARN,
  bracket,
  bracketWorking,
  brief,
  entry,
  executes,
  harness,
  single,
  useFakeTimers,
} from './execution-client-harness.js';

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

describe('IbExecutionClient: commission reports', () => {
  afterEach(() => {
    vi.useRealTimers();
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
});
