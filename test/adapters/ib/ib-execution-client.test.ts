import { OrderType } from '@stoqey/ib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeIbConnection, execution } from './fake-ib-connection.js';
import {
  T0,
  WARN,
  bracketWorking,
  brief,
  bracket,
  entry,
  executes,
  harness,
  single,
} from './execution-client-harness.js';

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
