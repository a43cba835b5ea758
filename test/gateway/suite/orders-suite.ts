import { EventName, OrderAction, OrderType, type Order } from '@stoqey/ib';
import { describe, expect, it } from 'vitest';
import { gather, HOUR, MINUTE, settle, useFixture, waitFor } from '../harness.js';
import {
  buyAtMarket,
  cents,
  eventsOf,
  fillPairs,
  fillsOf,
  lastPrice,
  model,
  modelBook,
  modelFillPairs,
  modelFills,
  place,
  range,
  recordOrderEvents,
  statusReached,
  trace,
  trailsOnGrid,
  withInitialStop,
  type OrderEvent,
} from '../order-harness.js';

export function ordersSuite(maxVersion: number | undefined): void {
  describe('orders', () => {
    const f = useFixture(maxVersion);

    it('fills a market order on arrival, at the open of the next bar as the fill model does, with the TWS message sequence', async () => {
      f.gateway.advance(HOUR);
      const events = recordOrderEvents(f.client);
      const placedAt = f.gateway.clock.now();
      const report = waitFor(f.client.api, EventName.commissionReport);
      place(f, 1, 'AAPL', { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 100 });
      // As at TWS, the fill comes at once: the replay has not moved on (the clock is manual).
      await report;
      expect(f.gateway.clock.now()).toBe(placedAt);
      expect(trace(eventsOf(events, 1)).slice(0, 4)).toEqual([
        'openOrder:PreSubmitted',
        'orderStatus:PreSubmitted',
        'openOrder:Submitted',
        'orderStatus:Submitted',
      ]);
      const [expected] = modelFills(
        f.gateway,
        [model('AAPL', { id: 1, side: 'BUY', quantity: 100, type: 'MKT' }, placedAt)],
        placedAt,
        placedAt + 10_000,
      );
      const mine = eventsOf(events, 1);
      expect(trace(mine).slice(4)).toEqual([
        'execDetails',
        'orderStatus:Filled',
        'openOrder:Filled',
        'commissionReport',
      ]);
      const exec = mine[4] as Extract<OrderEvent, { kind: 'execDetails' }>;
      expect(exec.reqId).toBe(-1);
      expect(exec.contract.symbol).toBe('AAPL');
      expect(exec.execution).toMatchObject({
        orderId: 1,
        acctNumber: 'DU1234567',
        side: 'BOT',
        shares: 100,
        price: expected?.kind === 'fill' ? expected.price : Number.NaN,
        cumQty: 100,
        clientId: 1,
        time: '20210301 10:30:05 US/Eastern',
        exchange: 'ISLAND',
      });
      expect(exec.execution.execId).toMatch(/^[0-9a-f]{8}\.[0-9a-f]{8}\.01\.01$/);
      const status = mine[5] as Extract<OrderEvent, { kind: 'orderStatus' }>;
      expect([status.filled, status.remaining, status.avgFillPrice, status.clientId]).toEqual([
        100,
        0,
        exec.execution.price,
        1,
      ]);
      const commission = mine[7] as Extract<OrderEvent, { kind: 'commissionReport' }>;
      expect(commission.commission).toBe(1);
      expect(commission.realizedPNL).toBeUndefined();
    });

    it('works a limit order, modifies it by re-sending its id, then fills it', async () => {
      f.gateway.advance(HOUR);
      const events = recordOrderEvents(f.client);
      const price = lastPrice(f.gateway, 'MSFT');
      place(f, 1, 'MSFT', {
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        lmtPrice: cents(price * 0.8),
        totalQuantity: 50,
      });
      await statusReached(f, 1, 'Submitted');
      f.gateway.advance(10 * MINUTE);
      await settle(50);
      expect(fillsOf(events, 1)).toEqual([]);
      const modified = waitFor(
        f.client.api,
        EventName.openOrder,
        (_id: number, _c: unknown, o: Order) => o.totalQuantity === 80,
      );
      place(f, 1, 'MSFT', {
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        lmtPrice: cents(price * 0.9),
        totalQuantity: 80,
      });
      const [, , order] = await modified;
      expect(order.lmtPrice).toBe(cents(price * 0.9));
      const mismatch = waitFor(f.client.api, EventName.error, (_e: Error, code: number) => code === 105);
      place(f, 1, 'MSFT', {
        action: OrderAction.SELL,
        orderType: OrderType.LMT,
        lmtPrice: cents(price * 0.9),
        totalQuantity: 80,
      });
      await mismatch;
      const now = lastPrice(f.gateway, 'MSFT');
      const limit = cents(now + 0.5);
      const modifiedAt = f.gateway.clock.now();
      place(f, 1, 'MSFT', { action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: limit, totalQuantity: 80 });
      await waitFor(f.client.api, EventName.openOrder, (_id: number, _c: unknown, o: Order) => o.lmtPrice === limit);
      const filled = statusReached(f, 1, 'Filled');
      f.gateway.advance(MINUTE);
      await filled;
      const expected = modelFills(
        f.gateway,
        [model('MSFT', { id: 1, side: 'BUY', quantity: 80, type: 'LMT', limitPrice: limit }, modifiedAt)],
        modifiedAt,
        modifiedAt + MINUTE,
      );
      expect(fillPairs(events, 1)).toEqual(modelFillPairs(expected));
    });

    it('holds stop and stop-limit orders PreSubmitted until their trigger, then fills like the model', async () => {
      f.gateway.advance(HOUR);
      await buyAtMarket(f, 1, 'AAPL', 200);
      const events = recordOrderEvents(f.client);
      const price = lastPrice(f.gateway, 'AAPL');
      const placedAt = f.gateway.clock.now();
      const { low } = range(f.gateway, 'AAPL', placedAt, placedAt + 30 * MINUTE);
      const stop = cents(Math.floor(((price + low) / 2) * 100) / 100);
      expect(stop).toBeLessThan(price);
      place(f, 2, 'AAPL', { action: OrderAction.SELL, orderType: OrderType.STP, auxPrice: stop, totalQuantity: 100 });
      place(f, 3, 'AAPL', {
        action: OrderAction.SELL,
        orderType: OrderType.STP_LMT,
        auxPrice: stop,
        lmtPrice: cents(stop - 0.3),
        totalQuantity: 100,
      });
      await statusReached(f, 3, 'PreSubmitted');
      await settle(50);
      expect(trace(eventsOf(events, 2))).toEqual(['openOrder:PreSubmitted', 'orderStatus:PreSubmitted']);
      f.gateway.advance(30 * MINUTE);
      await settle(100);
      const expectedStop = modelFills(
        f.gateway,
        [model('AAPL', { id: 2, side: 'SELL', quantity: 100, type: 'STP', stopPrice: stop }, placedAt)],
        placedAt,
        placedAt + 30 * MINUTE,
      );
      const expectedStopLimit = modelFills(
        f.gateway,
        [
          model(
            'AAPL',
            { id: 3, side: 'SELL', quantity: 100, type: 'STP LMT', stopPrice: stop, limitPrice: cents(stop - 0.3) },
            placedAt,
          ),
        ],
        placedAt,
        placedAt + 30 * MINUTE,
      );
      expect(modelFillPairs(expectedStop)).toHaveLength(1);
      expect(fillPairs(events, 2)).toEqual(modelFillPairs(expectedStop));
      expect(fillPairs(events, 3)).toEqual(modelFillPairs(expectedStopLimit));
      expect(trace(eventsOf(events, 2)).filter((t) => t.startsWith('orderStatus'))).toEqual([
        'orderStatus:PreSubmitted',
        'orderStatus:Filled',
      ]);
    });

    it('reports a trailing stop with the order at once, on the tick grid, and keeps it there as it trails', async () => {
      f.gateway.advance(HOUR);
      await buyAtMarket(f, 1, 'SPY', 100);
      const events = recordOrderEvents(f.client);
      const price = lastPrice(f.gateway, 'SPY');
      const placedAt = f.gateway.clock.now();
      const onGrid = (x: number): boolean => Math.abs(x * 100 - Math.round(x * 100)) < 1e-6;
      place(f, 2, 'SPY', {
        action: OrderAction.SELL,
        orderType: OrderType.TRAIL,
        trailingPercent: 0.37,
        totalQuantity: 50,
      });
      await statusReached(f, 2, 'PreSubmitted');
      const first = events.find((e) => e.kind === 'openOrder' && e.orderId === 2);
      const initial = first?.kind === 'openOrder' ? first.order.trailStopPrice : undefined;
      // The stop from the price when the order was accepted, rounded away from the market to the cent.
      expect(initial).toBe(Math.floor(price * (1 - 0.0037) * 100 + 1e-6) / 100);
      let previous = initial!;
      for (let step = 0; step < 12; step++) {
        f.gateway.advance(MINUTE / 2);
        const listed = await gather<[number, unknown, Order]>(
          f.client.api,
          EventName.openOrder,
          EventName.openOrderEnd,
          () => {
            f.client.api.reqOpenOrders();
          },
        );
        const order = listed.find(([id]) => id === 2)?.[2];
        if (order === undefined) break; // triggered
        const stop = order.trailStopPrice!;
        expect(onGrid(stop), `stop ${stop} after ${step + 1} half-minutes`).toBe(true);
        expect(stop).toBeGreaterThanOrEqual(previous);
        previous = stop;
      }
      expect(previous).toBeGreaterThan(initial!);
      // The fill model alone trails off the grid here; the gateway's stop is the model's kept on the grid.
      const order = model('SPY', { id: 2, side: 'SELL', quantity: 50, type: 'TRAIL', trailPercent: 0.37 }, placedAt);
      const until = f.gateway.clock.now();
      const raw = modelBook(f.gateway, [withInitialStop(order, price)], placedAt, until).book.get(2)!.trailStop;
      expect(onGrid(raw)).toBe(false);
      const gridded = modelBook(f.gateway, [withInitialStop(order, price)], placedAt, until, trailsOnGrid);
      expect(gridded.book.get(2)!.trailStop).toBe(previous);
    });

    it('trails a stop by an amount and by a percent, reporting the current stop', async () => {
      f.gateway.advance(HOUR);
      await buyAtMarket(f, 1, 'SPY', 100);
      const events = recordOrderEvents(f.client);
      const price = lastPrice(f.gateway, 'SPY');
      const amount = cents(price * 0.004);
      const placedAt = f.gateway.clock.now();
      place(f, 2, 'SPY', { action: OrderAction.SELL, orderType: OrderType.TRAIL, auxPrice: amount, totalQuantity: 50 });
      place(f, 3, 'SPY', {
        action: OrderAction.SELL,
        orderType: OrderType.TRAIL,
        trailingPercent: 0.6,
        totalQuantity: 50,
      });
      await statusReached(f, 3, 'PreSubmitted');
      f.gateway.advance(5 * MINUTE);
      const orders = [
        model('SPY', { id: 2, side: 'SELL', quantity: 50, type: 'TRAIL', trailAmount: amount }, placedAt),
        model('SPY', { id: 3, side: 'SELL', quantity: 50, type: 'TRAIL', trailPercent: 0.6 }, placedAt),
      ].map((order) => withInitialStop(order, price));
      const listed = await gather<[number, unknown, Order]>(
        f.client.api,
        EventName.openOrder,
        EventName.openOrderEnd,
        () => {
          f.client.api.reqOpenOrders();
        },
      );
      const open = new Map(listed.map(([id, , order]) => [id, order]));
      // The model's books after the same five minutes give the current stops.
      const { book } = modelBook(f.gateway, orders, placedAt, placedAt + 5 * MINUTE, trailsOnGrid);
      for (const id of [2, 3]) {
        const working = book.get(id);
        expect(working).toBeDefined();
        if (working === undefined) continue;
        expect(open.get(id)?.trailStopPrice).toBeCloseTo(working.trailStop, 8);
      }
      expect(open.get(3)?.trailingPercent).toBe(0.6);
      f.gateway.advance(3 * HOUR);
      await settle(100);
      const expected = modelFills(f.gateway, orders, placedAt, placedAt + 3 * HOUR + 5 * MINUTE, trailsOnGrid);
      for (const id of [2, 3]) {
        const model = modelFillPairs(expected, id);
        expect(model.length).toBeGreaterThan(0);
        expect(fillPairs(events, id)).toEqual(model);
      }
    });
  });
}
