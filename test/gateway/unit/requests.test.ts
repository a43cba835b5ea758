import { OrderAction, OrderType, SecType, type Contract, type Order } from '@stoqey/ib';
import { Encoder } from '@stoqey/ib/dist/core/io/encoder.js';
import { describe, expect, it } from 'vitest';
import { FieldReader } from '../../../src/gateway/protocol/field-reader.js';
import { ProtocolError } from '../../../src/gateway/protocol/protocol-error.js';
import { decodeRequest, requestIdOf, type ClientRequest } from '../../../src/gateway/protocol/requests.js';

/** Encodes requests exactly as @stoqey/ib sends them at a server version, as the fields the gateway reads. */
function encoded(version: number, send: (encoder: Encoder) => void): string[][] {
  const messages: string[][] = [];
  const flatten = (value: unknown, out: string[]): void => {
    if (Array.isArray(value)) {
      for (const item of value) flatten(item, out);
    } else if (value === true || value === false) {
      out.push(value ? '1' : '0');
    } else {
      out.push(
        value === undefined || value === null ? '' : typeof value === 'number' ? String(value) : (value as string),
      );
    }
  };
  const encoder = new Encoder({
    serverVersion: version,
    sendMsg: (...tokens: unknown[]) => {
      const fields: string[] = [];
      flatten(tokens, fields);
      messages.push(fields);
    },
    emitError: (message: string) => {
      throw new Error(message);
    },
  });
  send(encoder);
  return messages;
}

function decodeOne(version: number, send: (encoder: Encoder) => void): ClientRequest {
  const [fields] = encoded(version, send);
  return decodeRequest(fields!, version);
}

const AAPL: Contract = { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };
const VERSIONS = Array.from({ length: 193 - 157 + 1 }, (_, i) => 157 + i);

describe('client request decoding, against @stoqey/ib\u2019s encoder at every supported version', () => {
  it.each(VERSIONS)('placeOrder at %i', (version) => {
    const orders: [number, Order][] = [
      [
        1,
        {
          action: OrderAction.BUY,
          orderType: OrderType.LMT,
          lmtPrice: 101.5,
          totalQuantity: 100,
          transmit: false,
          tif: 'GTC',
        },
      ],
      [
        2,
        {
          action: OrderAction.SELL,
          orderType: OrderType.STP,
          auxPrice: 95,
          totalQuantity: 100,
          parentId: 1,
          transmit: true,
          ocaGroup: 'b1',
        },
      ],
      [
        3,
        {
          action: OrderAction.SELL,
          orderType: OrderType.TRAIL,
          trailingPercent: 1.5,
          trailStopPrice: 97,
          totalQuantity: 10,
          transmit: true,
          outsideRth: true,
        },
      ],
      [
        4,
        {
          action: OrderAction.BUY,
          orderType: OrderType.MKT,
          totalQuantity: 5,
          transmit: true,
          whatIf: true,
          orderRef: 'ref-4',
          account: 'DU1234567',
        },
      ],
      [
        5,
        {
          action: OrderAction.BUY,
          orderType: OrderType.STP_LMT,
          auxPrice: 120,
          lmtPrice: 121,
          totalQuantity: 7,
          transmit: true,
          algoStrategy: 'Adaptive',
          algoParams: [{ tag: 'adaptivePriority', value: 'Normal' }],
        },
      ],
    ];
    for (const [id, order] of orders) {
      const request = decodeOne(version, (e) => {
        e.placeOrder(id, { ...AAPL, primaryExch: 'NASDAQ' }, order);
      });
      expect(request.kind).toBe('placeOrder');
      if (request.kind !== 'placeOrder') continue;
      expect(request.orderId).toBe(id);
      expect(request.contract).toMatchObject({
        symbol: 'AAPL',
        secType: 'STK',
        exchange: 'SMART',
        primaryExchange: 'NASDAQ',
        currency: 'USD',
      });
      expect(request.order).toMatchObject({
        action: order.action,
        totalQuantity: order.totalQuantity,
        orderType: order.orderType,
        lmtPrice: order.lmtPrice,
        auxPrice: order.auxPrice,
        tif: order.tif ?? '',
        ocaGroup: order.ocaGroup ?? '',
        transmit: order.transmit,
        parentId: order.parentId ?? 0,
        outsideRth: order.outsideRth ?? false,
        trailingPercent: order.trailingPercent,
        trailStopPrice: order.trailStopPrice,
        whatIf: order.whatIf ?? false,
        orderRef: order.orderRef ?? '',
        account: order.account ?? '',
        algoStrategy: order.algoStrategy ?? '',
        conditions: [],
      });
    }
  });

  it.each([157, 176, 193])('market data and account requests at %i', (version) => {
    expect(
      decodeOne(version, (e) => {
        e.reqHistoricalData(7, AAPL, '20210301 10:00:00 US/Eastern', '2 D', '5 mins' as never, 'MIDPOINT', 1, 2, false);
      }),
    ).toMatchObject({
      kind: 'reqHistoricalData',
      reqId: 7,
      endDateTime: '20210301 10:00:00 US/Eastern',
      duration: '2 D',
      barSize: '5 mins',
      whatToShow: 'MIDPOINT',
      useRth: true,
      formatDate: 2,
      keepUpToDate: false,
    });
    expect(
      decodeOne(version, (e) => {
        e.reqContractDetails(8, { conId: 265598 });
      }),
    ).toMatchObject({
      kind: 'reqContractDetails',
      reqId: 8,
      contract: { conId: 265598, symbol: '' },
    });
    expect(
      decodeOne(version, (e) => {
        e.reqRealTimeBars(9, AAPL, 5, 'TRADES', false, []);
      }),
    ).toEqual({
      kind: 'reqRealTimeBars',
      reqId: 9,
      contract: expect.objectContaining({ symbol: 'AAPL' }) as unknown,
      barSize: 5,
      whatToShow: 'TRADES',
      useRth: false,
    });
    expect(
      decodeOne(version, (e) => {
        e.reqHeadTimestamp(10, AAPL, 'TRADES', true, 1);
      }),
    ).toMatchObject({
      kind: 'reqHeadTimestamp',
      reqId: 10,
      useRth: true,
      formatDate: 1,
    });
    expect(
      decodeOne(version, (e) => {
        e.reqAccountSummary(11, 'All', 'NetLiquidation,$LEDGER');
      }),
    ).toEqual({
      kind: 'reqAccountSummary',
      reqId: 11,
      group: 'All',
      tags: 'NetLiquidation,$LEDGER',
    });
    expect(
      decodeOne(version, (e) => {
        e.reqAccountUpdates(true, 'DU1234567');
      }),
    ).toEqual({
      kind: 'reqAccountUpdates',
      subscribe: true,
      account: 'DU1234567',
    });
    expect(
      decodeOne(version, (e) => {
        e.reqExecutions(12, { clientId: '3', symbol: 'AAPL', side: 'BUY', time: '20210301-14:30:00' });
      }),
    ).toEqual({
      kind: 'reqExecutions',
      reqId: 12,
      filter: {
        clientId: 3,
        account: '',
        time: '20210301-14:30:00',
        symbol: 'AAPL',
        secType: '',
        exchange: '',
        side: 'BUY',
      },
    });
    expect(
      decodeOne(version, (e) => {
        e.cancelOrder(13, { manualOrderCancelTime: '', extOperator: '' });
      }),
    ).toEqual({ kind: 'cancelOrder', orderId: 13 });
    expect(
      decodeOne(version, (e) => {
        e.reqGlobalCancel({ manualOrderCancelTime: '', extOperator: '' });
      }),
    ).toEqual({ kind: 'reqGlobalCancel' });
    expect(
      decodeOne(version, (e) => {
        e.reqIds(1);
      }),
    ).toEqual({ kind: 'reqIds', numIds: 1 });
    expect(
      decodeOne(version, (e) => {
        e.reqPositions();
      }),
    ).toEqual({ kind: 'reqPositions' });
    expect(
      decodeOne(version, (e) => {
        e.reqMktData(14, AAPL, '233', true, false);
      }),
    ).toMatchObject({ kind: 'reqMktData', reqId: 14, snapshot: true });
    expect(
      decodeOne(version, (e) => {
        e.reqFundamentalData(15, AAPL, 'ReportSnapshot', []);
      }),
    ).toEqual({
      kind: 'unsupported',
      msgId: 52,
      name: 'ReqFundamentalData',
      reqId: 15,
    });
  });

  it.each([157, 176, 193])('per-request-id account and position requests at %i', (version) => {
    expect(
      decodeOne(version, (e) => {
        e.reqAccountUpdatesMulti(21, 'DU1234567', '', true);
      }),
    ).toEqual({ kind: 'reqAccountUpdatesMulti', reqId: 21, account: 'DU1234567', modelCode: '', ledgerAndNlv: true });
    expect(
      decodeOne(version, (e) => {
        e.cancelAccountUpdatesMulti(21);
      }),
    ).toEqual({ kind: 'cancelAccountUpdatesMulti', reqId: 21 });
    expect(
      decodeOne(version, (e) => {
        e.reqPositionsMulti(22, 'DU1234567', 'Model1');
      }),
    ).toEqual({ kind: 'reqPositionsMulti', reqId: 22, account: 'DU1234567', modelCode: 'Model1' });
    expect(
      decodeOne(version, (e) => {
        e.cancelPositionsMulti(22);
      }),
    ).toEqual({ kind: 'cancelPositionsMulti', reqId: 22 });
  });

  it('refuses truncated or malformed messages with a protocol error naming the message', () => {
    const [fields] = encoded(193, (e) => {
      e.reqHistoricalData(7, AAPL, '', '2 D', '5 mins' as never, 'TRADES', 1, 2, false);
    });
    expect(() => decodeRequest(fields!.slice(0, 10), 193)).toThrow(ProtocolError);
    expect(() => decodeRequest(fields!.slice(0, 10), 193)).toThrow(
      /^ReqHistoricalData: message ended after 10 fields$/,
    );
    const broken = [...fields!];
    broken[1] = 'seven';
    expect(() => decodeRequest(broken, 193)).toThrow(/field 1 is "seven", expected an integer/);
    expect(requestIdOf(fields!, 193)).toBe(7);
    expect(decodeRequest(['250', '1'], 193)).toEqual({ kind: 'unknown', msgId: 250 });
    expect(() => decodeRequest(['x'], 193)).toThrow(ProtocolError);
  });
});

describe('field reader: numbers as strictly as IB reads them', () => {
  const reader = (...fields: string[]): FieldReader => new FieldReader(fields, 'Test');

  it('reads whole numbers in Java int range, an empty optional field as 0 or absent', () => {
    expect(reader('42', '-7', '+3', '', '2147483647', '-2147483648').int()).toBe(42);
    const r = reader('-7', '+3', '', '2147483647', '-2147483648', '');
    expect([r.int(), r.int(), r.int(), r.int(), r.int(), r.intOrUndefined()]).toEqual([
      -7,
      3,
      0,
      2147483647,
      -2147483648,
      undefined,
    ]);
  });

  it.each(['0x10', '1.5', '1e3', ' 7', '7 ', '99999999999999999999', '2147483648', '-2147483649', 'abc', '--1'])(
    'refuses %j as an integer',
    (text) => {
      expect(() => reader(text).int()).toThrow(ProtocolError);
      expect(() => reader(text).intOrUndefined()).toThrow(ProtocolError);
    },
  );

  it('refuses an empty field where a value is required', () => {
    expect(() => reader('').requiredInt()).toThrow(/field 0 is "", expected an integer/);
    expect(reader('5').requiredInt()).toBe(5);
  });

  it('reads decimals and doubles as IB does; unset forms are absent', () => {
    const r = reader('100', '0.5', '-1.25', '1e3', '1.7976931348623157E308', 'Infinity', '', '.5', '5.');
    expect([r.decimal(), r.decimal(), r.double(), r.double()]).toEqual([100, 0.5, -1.25, 1000]);
    expect([r.doubleOrUndefined(), r.doubleOrUndefined(), r.doubleOrUndefined()]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect([r.double(), r.double()]).toEqual([0.5, 5]);
  });

  it.each(['0x10', '0b1', '0o7', '1,000', ' 1', '1 ', 'abc', '1e', 'e5', '.', '+-1', '1_000'])(
    'refuses %j as a decimal or double',
    (text) => {
      expect(() => reader(text).decimal()).toThrow(ProtocolError);
      expect(() => reader(text).double()).toThrow(ProtocolError);
    },
  );

  it('decodes START_API strictly: the client id is required and an int', () => {
    expect(decodeRequest(['71', '2', '7', ''], 193)).toEqual({
      kind: 'startApi',
      clientId: 7,
      optionalCapabilities: '',
    });
    for (const id of ['', '99999999999999999999', '0x10']) {
      expect(() => decodeRequest(['71', '2', id, ''], 193)).toThrow(ProtocolError);
    }
  });
});
