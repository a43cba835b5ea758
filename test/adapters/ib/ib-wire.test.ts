import {
  BarSizeSetting,
  EventName,
  IBApi,
  OrderAction,
  OrderType,
  SecType,
  WhatToShow,
  type Contract,
  type Order,
} from '@stoqey/ib';
import { describe, expect, it, vi } from 'vitest';
import {
  frameMessage,
  useFastBars,
  useFastFraming,
  useFastWire,
  type SocketReadHooks,
} from '../../../src/adapters/ib/ib-wire.js';
import { warmOrderEncoder } from '../../../src/adapters/ib/order-encoder-warm-up.js';

/** IBApi on a socket that is never opened: its messages are captured where they would be written. */
function capturingApi(fast: boolean): { api: IBApi; written: Buffer[] } {
  const api = new IBApi({ port: 1, maxReqPerSec: 100_000 });
  if (fast) useFastFraming(api);
  api.on(EventName.error, (error: Error) => {
    throw error;
  });
  const internals = api as unknown as {
    controller: { resume(): void; socket: { _serverVersion: number; _status: number; client: unknown } };
  };
  const written: Buffer[] = [];
  // As after the handshake with a current TWS: the encoder checks the server version, the command queue the status.
  internals.controller.socket._serverVersion = 187;
  internals.controller.socket._status = 3;
  internals.controller.socket.client = { write: (bytes: Uint8Array) => written.push(Buffer.from(bytes)) };
  internals.controller.resume();
  return { api, written };
}

const stock: Contract = { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD', conId: 265598 };

const orders: Order[] = [
  { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 100, transmit: true, orderRef: 'sma_crossover' },
  {
    action: OrderAction.SELL,
    orderType: OrderType.LMT,
    totalQuantity: 7,
    lmtPrice: 101.25,
    tif: 'GTC',
    transmit: false,
  },
  {
    action: OrderAction.SELL,
    orderType: OrderType.STP,
    totalQuantity: 7,
    auxPrice: 95.5,
    parentId: 41,
    ocaGroup: 'b41',
  },
  { action: OrderAction.SELL, orderType: OrderType.TRAIL, totalQuantity: 3, auxPrice: 1.5, outsideRth: true },
  { action: OrderAction.BUY, orderType: OrderType.TRAIL, totalQuantity: 3, trailingPercent: 2.5, trailStopPrice: 99 },
  // Text outside ASCII is framed by its UTF-8 length, not its length in characters.
  { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1, orderRef: 'stratégie-€-📈' },
];

describe('IBApi messages on the fast paths', () => {
  it('writes the same bytes as IBApi for every order type and the requests of a session', () => {
    const [own, fast] = [capturingApi(false), capturingApi(true)];
    for (const { api } of [own, fast]) {
      orders.forEach((order, i) => api.placeOrder(40 + i, stock, order));
      api.cancelOrder(41);
      api.reqRealTimeBars(7, stock, 5, WhatToShow.TRADES, true, []);
      api.reqHistoricalData(
        8,
        stock,
        '20230601 16:00:00 US/Eastern',
        '1 Y',
        BarSizeSetting.DAYS_ONE,
        WhatToShow.TRADES,
        1,
        1,
        false,
      );
      api.reqContractDetails(9, { symbol: 'MSFT', secType: SecType.STK, exchange: 'SMART', currency: 'USD' });
      api.reqExecutions(10, {});
      api.reqAccountUpdates(true, 'DU1234567');
    }
    expect(own.written).toHaveLength(orders.length + 6);
    expect(fast.written.map((b) => b.toString('hex'))).toEqual(own.written.map((b) => b.toString('hex')));
  });

  it("sends without IBApi's own limiter, which arms a timer per message", () => {
    vi.useFakeTimers();
    try {
      const [own, fast] = [capturingApi(false), capturingApi(true)];
      own.api.placeOrder(40, stock, orders[0]!);
      expect(vi.getTimerCount()).toBe(1);
      vi.clearAllTimers();
      orders.forEach((order, i) => fast.api.placeOrder(40 + i, stock, order));
      expect(fast.written).toHaveLength(orders.length);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('warms the encoder up without a connection and without changing what it writes', () => {
    const before = capturingApi(true);
    orders.forEach((order, i) => before.api.placeOrder(40 + i, stock, order));
    warmOrderEncoder(187);
    warmOrderEncoder(187);
    const after = capturingApi(true);
    orders.forEach((order, i) => after.api.placeOrder(40 + i, stock, order));
    expect(after.written).toEqual(before.written);
  });

  it('frames a message as a big-endian length, the fields ended by NUL, booleans as 1 and 0', () => {
    const frame = frameMessage([3, 'é', true, false, 1.5, undefined, null]);
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    expect(frame.subarray(4).toString('utf8')).toBe('3\0é\x001\x000\x001.5\0\0\0');
  });
});

/** IBApi after the handshake, fed bytes as its socket would be; every event it emits is recorded. */
function receivingApi(fast: boolean): { feed(bytes: Buffer): void; events: unknown[][] } {
  const api = new IBApi({ port: 1, maxReqPerSec: 100_000 });
  if (fast) useFastBars(api);
  const socket = (
    api as unknown as {
      controller: {
        socket: { _serverVersion: number; _status: number; neverReceived: boolean; onData(b: Buffer): void };
      };
    }
  ).controller.socket;
  socket._serverVersion = 187;
  socket._status = 3;
  socket.neverReceived = false;
  const events: unknown[][] = [];
  // IBApi's raw `received` event (the message's text, for debugging) is the one thing bars no longer produce.
  const received: string = EventName.received;
  api.on(EventName.all, (name: string, args: string[]) => {
    if (name !== received) events.push([name, ...args]);
  });
  return {
    feed: (bytes) => {
      socket.onData(bytes);
    },
    events,
  };
}

describe('five-second bars read from the socket', () => {
  const bar = (reqId: number, fields: readonly unknown[]): Buffer =>
    frameMessage([50, 3, reqId, 1_685_626_205, ...fields]);
  const stream = Buffer.concat([
    frameMessage([9, 1, 1001]),
    bar(7, ['182.51', '182.9', '182.4', '182.77', '1200', '182.66', 14]),
    bar(8, ['95', '95', '95', '95', '', '', '']),
    bar(9, ['1.7976931348623157E308', '10.5', '10.25', '10.5', '1,234', 'Infinity', 3]),
    frameMessage([49, 1, 1_685_626_210]),
    bar(7, ['182.77', '183', '182.7', '182.95', '800.5', '182.85', 9]),
    frameMessage([15, 1, 'DU1234567']),
    // Not the shape of a bar (a field short): left to IBApi, which reports it as it always does.
    frameMessage([50, 3, 7, 1_685_626_215, '1', '2', '0.5']),
  ]);

  it('emits the same events as IBApi for the same bytes, however they are split into reads', () => {
    const reference = receivingApi(false);
    reference.feed(stream);
    expect(reference.events.filter(([name]) => name === EventName.realtimeBar)).toHaveLength(4);
    for (const cut of [1, 3, 5, 17, 64, 100, stream.length]) {
      const fast = receivingApi(true);
      for (let at = 0; at < stream.length; at += cut) fast.feed(stream.subarray(at, at + cut));
      expect(fast.events).toEqual(reference.events);
    }
  });
});

describe('what one read makes the session send', () => {
  /** IBApi on both fast paths, its socket a recorder of writes and corks. */
  function recordingApi(reads?: (calls: string[]) => SocketReadHooks): {
    api: IBApi;
    feed: (bytes: Buffer) => void;
    calls: string[];
  } {
    const api = new IBApi({ port: 1, maxReqPerSec: 100_000 });
    const calls: string[] = [];
    useFastWire(api, reads?.(calls));
    const socket = (
      api as unknown as {
        controller: {
          resume(): void;
          socket: {
            _serverVersion: number;
            _status: number;
            neverReceived: boolean;
            client: unknown;
            onData(b: Buffer): void;
          };
        };
      }
    ).controller.socket;
    socket._serverVersion = 187;
    socket._status = 3;
    socket.neverReceived = false;
    socket.client = {
      cork: () => calls.push('cork'),
      uncork: () => calls.push('uncork'),
      write: () => calls.push('write'),
      destroy: () => calls.push('destroy'),
    };
    (api as unknown as { controller: { resume(): void } }).controller.resume();
    return {
      api,
      feed: (bytes) => {
        socket.onData(bytes);
      },
      calls,
    };
  }
  const bar = (reqId: number): Buffer =>
    frameMessage([50, 3, reqId, 1_685_626_205, '95', '95', '95', '95', '100', '95', 1]);

  it('leaves in one write at the end of the read: the orders of a step wait for no write of another', () => {
    const { api, feed, calls } = recordingApi();
    api.on(EventName.realtimeBar, (reqId: number) => {
      api.placeOrder(reqId, stock, orders[0]!);
    });
    feed(Buffer.concat([bar(7), bar(8), bar(9)]));
    expect(calls).toEqual(['cork', 'write', 'write', 'write', 'uncork']);
  });

  it('still leaves when handling a message of the read throws, and the rest of the read is not read twice', () => {
    const { api, feed, calls } = recordingApi();
    const seen: number[] = [];
    api.on(EventName.realtimeBar, (reqId: number) => {
      seen.push(reqId);
      api.placeOrder(reqId, stock, orders[0]!);
      if (reqId === 7) throw new Error('listener failed');
    });
    expect(() => {
      feed(Buffer.concat([bar(7), bar(8).subarray(0, 10)]));
    }).toThrow('listener failed');
    expect(calls).toEqual(['cork', 'write', 'uncork']);
    feed(bar(8).subarray(10));
    expect(seen).toEqual([7, 8]);
    expect(calls.slice(3)).toEqual(['cork', 'write', 'uncork']);
  });

  const hooks = (calls: string[], failing = false): SocketReadHooks => ({
    started: () => calls.push('started'),
    sending: () => {
      calls.push('sending');
      if (failing) throw new Error('the reservations could not be written');
    },
    sent: () => calls.push('sent'),
  });

  it('tells the session when a read starts, before its messages leave and once they have', () => {
    const { api, feed, calls } = recordingApi((calls) => hooks(calls));
    api.on(EventName.realtimeBar, (reqId: number) => {
      api.placeOrder(reqId, stock, orders[0]!);
    });
    feed(Buffer.concat([bar(7), bar(8)]));
    expect(calls).toEqual(['cork', 'started', 'write', 'write', 'sending', 'uncork', 'sent']);
  });

  it('drops the socket with what the read wrote when the session refuses to let it leave', () => {
    const { api, feed, calls } = recordingApi((calls) => hooks(calls, true));
    api.on(EventName.realtimeBar, (reqId: number) => {
      api.placeOrder(reqId, stock, orders[0]!);
    });
    expect(() => {
      feed(bar(7));
    }).toThrow('the reservations could not be written');
    expect(calls).toEqual(['cork', 'started', 'write', 'sending', 'destroy']);
  });
});
