import { EventName, OrderAction, OrderType, type Execution, type Order } from '@stoqey/ib';
import { describe, expect, it } from 'vitest';
import { MAX_CLIENTS } from '../../../src/gateway/server/gateway-server.js';
import {
  connect,
  errorFor,
  gather,
  HOUR,
  listen,
  MINUTE,
  settle,
  stock,
  useFixture,
  waitFor,
  type Fixture,
} from '../harness.js';
import { fillAtMarket, place, placeResting } from '../order-harness.js';

async function executions(f: Fixture, reqId: number, filter: Record<string, string>): Promise<[number, Execution][]> {
  const rows = await gather<[number, unknown, Execution]>(
    f.client.api,
    EventName.execDetails,
    EventName.execDetailsEnd,
    () => {
      f.client.api.reqExecutions(reqId, filter);
    },
    reqId,
  );
  return rows.map(([id, , execution]) => [id, execution]);
}

/** The error answering an order placed with `order`'s fields (a DAY order, transmitted). */
function orderError(
  f: Fixture,
  orderId: number,
  symbol: string,
  order: Order,
): Promise<{ code: number; message: string }> {
  return errorFor(f.client, orderId, () => {
    place(f, orderId, symbol, order);
  });
}

export function errorsSuite(maxVersion: number | undefined): void {
  describe('executions', () => {
    const f = useFixture(maxVersion);

    it('reports the day\u2019s executions with commission reports, filtered by symbol, side, client and time', async () => {
      f.gateway.advance(HOUR);
      await fillAtMarket(f, 1, 'SPY', OrderAction.BUY, 60, MINUTE);
      await fillAtMarket(f, 2, 'SPY', OrderAction.SELL, 20, MINUTE);
      const afterFirst = '20210301 10:31:00 US/Eastern';
      await fillAtMarket(f, 3, 'MSFT', OrderAction.BUY, 10, MINUTE);
      const reports: string[] = [];
      listen(f.client.api, EventName.commissionReport, (r: { execId: string }) => reports.push(r.execId));
      const all = await executions(f, 61, {});
      expect(new Set(all.map(([, e]) => e.orderId))).toEqual(new Set([1, 2, 3]));
      expect(all.every(([id, e]) => id === 61 && e.acctNumber === 'DU1234567')).toBe(true);
      expect(new Set(reports)).toEqual(new Set(all.map(([, e]) => e.execId)));
      expect((await executions(f, 62, { symbol: 'MSFT' })).map(([, e]) => e.orderId)).toEqual(
        all.filter(([, e]) => e.orderId === 3).map(() => 3),
      );
      const sells = await executions(f, 63, { side: 'SELL' });
      expect(sells.length).toBeGreaterThan(0);
      expect(sells.every(([, e]) => e.side === 'SLD' && e.orderId === 2)).toBe(true);
      expect(await executions(f, 64, { clientId: '2' })).toEqual([]);
      const later = await executions(f, 65, { time: afterFirst });
      expect(new Set(later.map(([, e]) => e.orderId))).toEqual(new Set([2, 3]));
    });
  });

  describe('errors and limits', () => {
    const f = useFixture(maxVersion);

    it('103 for a reused order id, 200 for an unknown contract', async () => {
      f.gateway.advance(HOUR);
      await placeResting(f, 5, 'AAPL');
      const reused = await orderError(f, 3, 'AAPL', {
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        lmtPrice: 10,
        totalQuantity: 1,
      });
      expect(reused).toEqual({ code: 103, message: 'Duplicate order id' });
      const unknown = await orderError(f, 6, 'NOPE', {
        action: OrderAction.BUY,
        orderType: OrderType.MKT,
        totalQuantity: 1,
      });
      expect(unknown.code).toBe(200);
      const ids = waitFor<[number]>(f.client.api, EventName.nextValidId);
      f.client.api.reqIds();
      expect((await ids)[0]).toBe(7);
    });

    it('201 with the reason for zero quantity and insufficient buying power, then Inactive', async () => {
      f.gateway.advance(HOUR);
      const zero = await orderError(f, 1, 'AAPL', {
        action: OrderAction.BUY,
        orderType: OrderType.MKT,
        totalQuantity: 0,
      });
      expect(zero).toEqual({ code: 201, message: 'Order rejected - reason:Order quantity must be greater than zero' });
      const inactive = waitFor(
        f.client.api,
        EventName.orderStatus,
        (id: number, s: string) => id === 2 && s === 'Inactive',
      );
      const margin = await orderError(f, 2, 'AAPL', {
        action: OrderAction.BUY,
        orderType: OrderType.MKT,
        totalQuantity: 100_000,
      });
      expect(margin.code).toBe(201);
      expect(margin.message).toMatch(
        /^Order rejected - reason:YOUR ORDER IS NOT ACCEPTED\. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR EQUITY WITH LOAN VALUE \[100000\.00 USD\] MUST EXCEED THE INITIAL MARGIN \[\d+\.\d\d USD\]$/,
      );
      await inactive;
      const tick = await orderError(f, 3, 'AAPL', {
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        lmtPrice: 10.001,
        totalQuantity: 1,
      });
      expect(tick.code).toBe(110);
      const type = await orderError(f, 4, 'AAPL', {
        action: OrderAction.BUY,
        orderType: OrderType.MIT,
        auxPrice: 10,
        totalQuantity: 1,
      });
      expect(type.code).toBe(387);
    });

    it('162 for small-bar historical requests violating IB pacing', async () => {
      f.gateway.advance(HOUR);
      const fine = (reqId: number, duration: string): void => {
        f.client.api.reqHistoricalData(reqId, stock('AAPL'), '', duration, '5 secs' as never, 'TRADES', 1, 1, false);
      };
      const first = waitFor(
        f.client.api,
        EventName.historicalData,
        (id: number, date: string) => id === 71 && date.startsWith('finished'),
      );
      fine(71, '300 S');
      await first;
      const identical = await errorFor(f.client, 72, () => {
        fine(72, '300 S');
      });
      expect(identical).toEqual({
        code: 162,
        message: 'Historical Market Data Service error message:Historical data request pacing violation',
      });
      // Six requests for one contract and tick type within two seconds.
      for (let i = 0; i < 4; i++) fine(73 + i, `${360 + 60 * i} S`);
      const sixth = await errorFor(f.client, 77, () => {
        fine(77, '900 S');
      });
      expect(sixth).toEqual(identical);
    });

    it('serves 61 identical daily-bar requests at once: the small-bar pacing rules do not apply to them', async () => {
      const ids = Array.from({ length: 61 }, (_, i) => 100 + i);
      const finished = new Set<number>();
      listen(f.client.api, EventName.historicalData, (id: number, date: string) => {
        if (date.startsWith('finished')) finished.add(id);
      });
      const refused = (): typeof f.client.errors => f.client.errors.filter((e) => ids.includes(e.reqId));
      for (const id of ids) {
        f.client.api.reqHistoricalData(id, stock('AAPL'), '', '5 D', '1 day' as never, 'TRADES', 1, 1, false);
      }
      // Every request is answered, with bars or an error, within a few seconds (the client sends ~40 per second).
      for (let waited = 0; finished.size + refused().length < ids.length && waited < 10_000; waited += 50) {
        await settle(50);
      }
      expect(refused()).toEqual([]);
      expect([...finished].sort((a, b) => a - b)).toEqual(ids);
    });

    it('326 for a clientId in use; the first client keeps working', async () => {
      const second = connect(f.gateway.port, 1);
      await expect(second).rejects.toThrow(
        'connection refused with 326: Unable to connect as the client id is already in use. Retry with a unique client id.',
      );
      const time = waitFor(f.client.api, EventName.currentTime);
      f.client.api.reqCurrentTime();
      await time;
      expect(f.gateway.clientCount).toBe(1);
    });

    it('serves up to 32 clients and refuses the next one', async () => {
      for (let id = 2; id <= MAX_CLIENTS; id++) f.extra.push(await connect(f.gateway.port, id));
      expect(f.gateway.clientCount).toBe(MAX_CLIENTS);
      await expect(connect(f.gateway.port, 99)).rejects.toThrow(/^connection refused with 502: /);
      expect(f.gateway.clientCount).toBe(MAX_CLIENTS);
    }, 20_000);

    it('disconnects a client sending more than 50 messages per second, after error 100', async () => {
      const flood = await connect(f.gateway.port, 9, 1000);
      f.extra.push(flood);
      const disconnected = waitFor(flood.api, EventName.disconnected);
      for (let i = 0; i < 60; i++) flood.api.reqCurrentTime();
      await disconnected;
      await settle(50);
      expect(flood.infos.find((i) => i.code === 100)?.message).toMatch(
        /^Max rate of messages per second has been exceeded:max=50 rec=51/,
      );
      expect(f.gateway.clientCount).toBe(1);
    });

    it('answers requests it does not serve with an error for that request id', async () => {
      const fundamental = await errorFor(f.client, 81, () =>
        f.client.api.reqFundamentalData(81, stock('AAPL'), 'ReportSnapshot'),
      );
      expect(fundamental.code).toBe(321);
      const depth = await errorFor(f.client, 82, () => f.client.api.reqMktDepth(82, stock('AAPL'), 5, false, []));
      expect(depth.code).toBe(321);
      const time = waitFor(f.client.api, EventName.currentTime);
      f.client.api.reqCurrentTime();
      await time;
    });
  });
}
