import { OrderAction, OrderType as IbOrderType, type Order } from '@stoqey/ib';
import { describe, expect, it } from 'vitest';
import {
  IbOrderState,
  OrderMessageKind,
  guessPurpose,
  isOpenState,
  orderMessageKind,
  orderRefOf,
  orderStateOf,
  parseOrderRef,
  requestFromIbOrder,
  roundToTick,
  tickFor,
  toIbOrder,
} from '../../../src/adapters/ib/ib-order-mapping.js';
import type { OrderRequest } from '../../../src/domain/order.js';

const T = Date.UTC(2021, 2, 1, 10, 30);

function request(fields: Partial<OrderRequest> = {}): OrderRequest {
  return {
    id: 11,
    symbol: 'AAPL',
    side: 'BUY',
    quantity: 100,
    type: 'MKT',
    tif: 'DAY',
    purpose: 'entry',
    strategyId: 'sma_crossover',
    createdAt: T,
    ...fields,
  };
}

const context = { account: 'DU1234567', minTick: 0.01, transmit: true };

describe('toIbOrder', () => {
  it('maps a market entry with the account, transmit flag, purpose ref and regular hours only', () => {
    expect(toIbOrder(request(), context)).toEqual({
      orderId: 11,
      action: OrderAction.BUY,
      totalQuantity: 100,
      orderType: IbOrderType.MKT,
      tif: 'DAY',
      account: 'DU1234567',
      transmit: true,
      parentId: 0,
      orderRef: 'ets:entry:sma_crossover',
      outsideRth: false,
    });
  });

  it('puts limit and stop prices onto the tick: lmtPrice for LMT, auxPrice for STP, both for STP LMT', () => {
    const limit = toIbOrder(request({ type: 'LMT', limitPrice: 151.234 }), context);
    expect([limit.orderType, limit.lmtPrice, limit.auxPrice]).toEqual([IbOrderType.LMT, 151.23, undefined]);
    const stop = toIbOrder(request({ side: 'SELL', type: 'STP', stopPrice: 139.996, tif: 'GTC' }), context);
    expect([stop.action, stop.orderType, stop.auxPrice, stop.lmtPrice, stop.tif]).toEqual([
      OrderAction.SELL,
      IbOrderType.STP,
      140,
      undefined,
      'GTC',
    ]);
    const stopLimit = toIbOrder(request({ type: 'STP LMT', stopPrice: 140.004, limitPrice: 139.7 }), context);
    expect([stopLimit.orderType, stopLimit.auxPrice, stopLimit.lmtPrice]).toEqual([IbOrderType.STP_LMT, 140, 139.7]);
  });

  it('sends a trailing amount as auxPrice, a trailing percent as trailingPercent, an initial stop as trailStopPrice', () => {
    const amount = toIbOrder(request({ side: 'SELL', type: 'TRAIL', trailAmount: 1.257, stopPrice: 98.501 }), context);
    expect([amount.orderType, amount.auxPrice, amount.trailingPercent, amount.trailStopPrice]).toEqual([
      IbOrderType.TRAIL,
      1.26,
      undefined,
      98.5,
    ]);
    const percent = toIbOrder(request({ side: 'SELL', type: 'TRAIL', trailPercent: 1.5 }), context);
    expect([percent.auxPrice, percent.trailingPercent, percent.trailStopPrice]).toEqual([undefined, 1.5, undefined]);
  });

  it('stages a bracket child: parent id, transmit false, OCA group reducing the rest with block (type 2)', () => {
    const child = toIbOrder(
      request({
        id: 13,
        side: 'SELL',
        type: 'LMT',
        limitPrice: 160,
        tif: 'GTC',
        parentId: 11,
        ocaGroup: 'bracket-11',
        purpose: 'take_profit',
      }),
      { ...context, transmit: false },
    );
    expect(child).toMatchObject({
      parentId: 11,
      transmit: false,
      ocaGroup: 'bracket-11',
      ocaType: 2,
      orderRef: 'ets:take_profit:sma_crossover',
      tif: 'GTC',
    });
  });

  it('sends an OCA group of type cancel as IB type 1', () => {
    const order = toIbOrder(request({ side: 'SELL', ocaGroup: 'g', ocaType: 'cancel' }), context);
    expect([order.ocaGroup, order.ocaType]).toEqual(['g', 1]);
  });

  it('omits the strategy from the ref when the order has none', () => {
    const { strategyId: _omit, ...rest } = request({ purpose: 'exit', side: 'SELL' });
    expect(toIbOrder(rest, context).orderRef).toBe('ets:exit');
  });
});

describe('ticks', () => {
  it('uses cents from USD 1, hundredths of a cent below, and a coarser contract tick as given', () => {
    expect(tickFor(150)).toBe(0.01);
    expect(tickFor(1)).toBe(0.01);
    expect(tickFor(0.5)).toBe(0.0001);
    expect(tickFor(0.5, 0.05)).toBe(0.05);
    expect(tickFor(12, 0.05)).toBe(0.05);
    expect(tickFor(12, 0)).toBe(0.01);
  });

  it('rounds to the nearest tick, giving the double nearest the decimal', () => {
    expect(roundToTick(151.234)).toBe(151.23);
    expect(roundToTick(151.235)).toBe(151.24);
    expect(roundToTick(0.12345)).toBe(0.1235);
    expect(roundToTick(12.32, 0.05)).toBe(12.3);
    expect(roundToTick(12.33, 0.05)).toBe(12.35);
    expect(roundToTick(0.1 + 0.2)).toBe(0.3);
    expect(roundToTick(1234.5600000000002)).toBe(1234.56);
  });
});

describe('orderRef', () => {
  it('round-trips purpose and strategy, strategies with colons included', () => {
    expect(parseOrderRef(orderRefOf('stop_loss', 'sma_crossover'))).toEqual({
      purpose: 'stop_loss',
      strategyId: 'sma_crossover',
    });
    expect(parseOrderRef(orderRefOf('take_profit', 'rsi:14'))).toEqual({
      purpose: 'take_profit',
      strategyId: 'rsi:14',
    });
    expect(parseOrderRef(orderRefOf('entry'))).toEqual({ purpose: 'entry' });
  });

  it('ignores refs it did not write', () => {
    expect(parseOrderRef(undefined)).toBeUndefined();
    expect(parseOrderRef('')).toBeUndefined();
    expect(parseOrderRef('manual order')).toBeUndefined();
    expect(parseOrderRef('ets:hedge:x')).toBeUndefined();
    expect(parseOrderRef('other:entry:x')).toBeUndefined();
  });
});

describe('orderStateOf', () => {
  it('maps every IB status', () => {
    const states = Object.fromEntries(
      [
        'PendingSubmit',
        'ApiPending',
        'PreSubmitted',
        'Submitted',
        'PendingCancel',
        'ApiCancelled',
        'Cancelled',
        'Filled',
        'Inactive',
        'Unknown',
      ].map((s) => [s, orderStateOf(s)]),
    );
    expect(states).toEqual({
      PendingSubmit: IbOrderState.Submitting,
      ApiPending: IbOrderState.Submitting,
      PreSubmitted: IbOrderState.Working,
      Submitted: IbOrderState.Working,
      PendingCancel: IbOrderState.Cancelling,
      ApiCancelled: IbOrderState.Cancelled,
      Cancelled: IbOrderState.Cancelled,
      Filled: IbOrderState.Filled,
      Inactive: IbOrderState.Inactive,
      Unknown: undefined,
    });
    expect(
      [IbOrderState.Submitting, IbOrderState.Working, IbOrderState.Cancelling, IbOrderState.Filled].map(isOpenState),
    ).toEqual([true, true, true, false]);
  });
});

describe('requestFromIbOrder', () => {
  // The stop-loss child of a bracket as the embedded gateway's openOrder carries it (recorded over the socket).
  const recordedStop: Order = {
    orderType: IbOrderType.STP,
    orderId: 2,
    action: OrderAction.SELL,
    totalQuantity: 10,
    auxPrice: 100,
    tif: 'GTC',
    ocaGroup: 'bracket-1',
    account: 'DU1234567',
    openClose: 'O',
    origin: 0,
    orderRef: 'ets:stop_loss:sma',
    clientId: 5,
    permId: 1000002,
    outsideRth: false,
    ocaType: 1,
    parentId: 1,
  };

  it('rebuilds a protective stop with its purpose and strategy from the orderRef', () => {
    expect(requestFromIbOrder(2, 'AAPL', recordedStop, 10, T)).toEqual({
      id: 2,
      symbol: 'AAPL',
      side: 'SELL',
      quantity: 10,
      type: 'STP',
      stopPrice: 100,
      tif: 'GTC',
      parentId: 1,
      ocaGroup: 'bracket-1',
      purpose: 'stop_loss',
      strategyId: 'sma',
      createdAt: T,
    });
  });

  it('guesses the purpose of orders without our ref', () => {
    const manual = requestFromIbOrder(5, 'AAPL', { ...recordedStop, orderRef: '', parentId: 0, ocaGroup: '' }, 10, T);
    expect(manual).toMatchObject({ purpose: 'stop_loss' });
    expect(manual?.parentId).toBeUndefined();
    expect(manual?.ocaGroup).toBeUndefined();
    expect(manual?.strategyId).toBeUndefined();
    expect(guessPurpose('LMT', 'SELL', true)).toBe('take_profit');
    expect(guessPurpose('LMT', 'SELL', false)).toBe('exit');
    expect(guessPurpose('MKT', 'BUY', false)).toBe('entry');
  });

  it('reads trailing stops, ignores IB’s unset prices and refuses types it does not place', () => {
    const trail = requestFromIbOrder(
      6,
      'AAPL',
      {
        ...recordedStop,
        orderType: IbOrderType.TRAIL,
        auxPrice: 1.7976931348623157e308,
        trailingPercent: 2,
        trailStopPrice: 95.5,
      },
      10,
      T,
    );
    expect([trail?.type, trail?.trailPercent, trail?.trailAmount, trail?.stopPrice]).toEqual([
      'TRAIL',
      2,
      undefined,
      95.5,
    ]);
    expect(requestFromIbOrder(7, 'AAPL', { ...recordedStop, orderType: IbOrderType.REL }, 10, T)).toBeUndefined();
  });
});

describe('orderMessageKind', () => {
  it('reads 202 as cancelled and the hard rejections as rejected, working or not', () => {
    expect(orderMessageKind(202, true)).toBe(OrderMessageKind.Cancelled);
    for (const code of [103, 110, 200, 201, 203, 321, 387]) {
      expect([code, orderMessageKind(code, true)]).toEqual([code, OrderMessageKind.Rejected]);
    }
  });

  it('treats warnings and failed cancels as notices, and unknown codes as fatal only before the order works', () => {
    for (const code of [399, 404, 2109, 2137, 10147, 10148, 161]) {
      expect([code, orderMessageKind(code, false)]).toEqual([code, OrderMessageKind.Notice]);
    }
    expect(orderMessageKind(463, false)).toBe(OrderMessageKind.Rejected);
    expect(orderMessageKind(463, true)).toBe(OrderMessageKind.Notice);
  });
});
