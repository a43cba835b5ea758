import { EventName, OrderAction, OrderType, type Contract, type Execution } from '@stoqey/ib';
import { describe, expect, it } from 'vitest';
import { Farm } from '../../src/gateway/services/gateway-status.js';
import { connect, errorFor, HOUR, listen, settle, startGateway, stock, useFixture, waitFor } from './harness.js';
import { fillAtMarket, place, placeResting, recordOrderEvents, statusReached } from './order-harness.js';

describe('fault injection', () => {
  const f = useFixture(undefined);

  it('drops sockets; the client reconnects with the same clientId and order ids continue', async () => {
    f.gateway.advance(HOUR);
    await placeResting(f, 4, 'AAPL');
    const dropped = waitFor(f.client.api, EventName.disconnected);
    f.gateway.faults.dropConnections();
    await dropped;
    await settle(20);
    expect(f.gateway.clientCount).toBe(0);
    const again = await connect(f.gateway.port, 1);
    f.extra.push(again);
    expect(again.nextValidId).toBe(5);
  });

  it('1100 stops data and executions; 1102 resumes them, 1101 ends the subscriptions', async () => {
    f.gateway.advance(HOUR);
    const bars: number[] = [];
    f.client.api.on(EventName.realtimeBar, (id: number) => bars.push(id));
    f.client.api.reqRealTimeBars(1, stock('AAPL'), 5, 'TRADES', true);
    const lost = waitFor<[string, number]>(f.client.api, EventName.info, (_m, code) => code === 1100);
    f.gateway.faults.loseConnectivity();
    expect((await lost)[0]).toBe('Connectivity between IB and Trader Workstation has been lost.');
    // Placed while the connection to IB is down, the market order is accepted but does not fill.
    place(f, 1, 'AAPL', { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 10 });
    await statusReached(f, 1, 'Submitted');
    f.gateway.advance(30_000);
    await settle(50);
    expect(bars).toEqual([]);
    const filled = statusReached(f, 1, 'Filled');
    const kept = waitFor<[string, number]>(f.client.api, EventName.info, (_m, code) => code === 1102);
    f.gateway.faults.restoreConnectivity(true);
    await kept;
    f.gateway.advance(10_000);
    await filled;
    await settle(50);
    expect(bars).toEqual([1, 1]);
    f.gateway.faults.loseConnectivity();
    const dataLost = waitFor<[string, number]>(f.client.api, EventName.info, (_m, code) => code === 1101);
    f.gateway.faults.restoreConnectivity(false);
    expect((await dataLost)[0]).toBe('Connectivity between IB and Trader Workstation has been restored - data lost.');
    f.gateway.advance(10_000);
    await settle(50);
    expect(bars).toEqual([1, 1]);
  });

  it('reports farm status changes and serves no data from a broken farm', async () => {
    f.gateway.advance(HOUR);
    const broken = waitFor<[string, number]>(f.client.api, EventName.info, (_m, code) => code === 2105);
    f.gateway.faults.setFarm(Farm.Historical, false);
    expect((await broken)[0]).toBe('HMDS data farm connection is broken:ushmds');
    const refused = await errorFor(f.client, 7, () => {
      f.client.api.reqHistoricalData(7, stock('AAPL'), '', '1 D', '1 hour' as never, 'TRADES', 1, 1, false);
    });
    expect(refused.code).toBe(162);
    const late = await connect(f.gateway.port, 2);
    f.extra.push(late);
    expect(late.infos.map((i) => i.code)).toEqual([2104, 2105, 2158]);
    const ok = waitFor<[string, number]>(f.client.api, EventName.info, (_m, code) => code === 2106);
    f.gateway.faults.setFarm(Farm.Historical, true);
    expect((await ok)[0]).toBe('HMDS data farm connection is OK:ushmds');
  });

  it('delays responses in order', async () => {
    f.gateway.faults.delayResponses(300);
    const times: number[] = [];
    f.client.api.on(EventName.currentTime, () => times.push(Date.now()));
    const started = Date.now();
    f.client.api.reqCurrentTime();
    f.client.api.reqIds();
    const ids = waitFor(f.client.api, EventName.nextValidId);
    await ids;
    expect(times).toHaveLength(1);
    expect(times[0]! - started).toBeGreaterThanOrEqual(290);
    f.gateway.faults.delayResponses(0);
    const quick = Date.now();
    const time = waitFor(f.client.api, EventName.currentTime);
    f.client.api.reqCurrentTime();
    await time;
    expect(Date.now() - quick).toBeLessThan(200);
  });

  it('sends commission reports late while the fault lasts, and on time again after it', async () => {
    f.gateway.advance(HOUR);
    const events = recordOrderEvents(f.client);
    const arrived = new Map<string, number>();
    f.client.api.on(EventName.execDetails, (_req: number, _c: Contract, e: Execution) => {
      arrived.set(e.execId!, Date.now());
    });
    f.gateway.faults.delayCommissionReports(400);
    const late = waitFor<[{ execId: string; commission: number }]>(f.client.api, EventName.commissionReport);
    // The order cannot execute before it is placed: its report comes at least the delay after this.
    const placed = Date.now();
    await fillAtMarket(f, 1, 'AAPL', OrderAction.BUY, 100);
    const report = (await late)[0];
    const execution = f.gateway.broker.snapshot().executions.find((e) => e.execId === report.execId)!;
    expect(report.commission).toBe(execution.commission);
    expect(Date.now() - placed).toBeGreaterThanOrEqual(400);
    expect(arrived.has(report.execId)).toBe(true);
    // The report came after everything else the fill sent (its statuses and the filled openOrder).
    expect(events.at(-1)).toMatchObject({ kind: 'commissionReport', execId: report.execId });
    f.gateway.faults.delayCommissionReports(0);
    const onTime = waitFor<[{ execId: string }]>(f.client.api, EventName.commissionReport);
    await fillAtMarket(f, 2, 'AAPL', OrderAction.SELL, 100);
    const second = (await onTime)[0];
    expect(Date.now() - arrived.get(second.execId)!).toBeLessThan(200);
  });

  it('drops the late reports of a gateway that stops', async () => {
    f.gateway.advance(HOUR);
    f.gateway.faults.delayCommissionReports(300);
    const reports: string[] = [];
    listen(f.client.api, EventName.commissionReport, (r: { execId: string }) => reports.push(r.execId));
    await fillAtMarket(f, 1, 'AAPL', OrderAction.BUY, 100);
    await f.gateway.stop();
    await settle(400);
    expect(reports).toEqual([]);
  });

  it('simulates the daily restart: clients are dropped, refused during the downtime, and state survives', async () => {
    f.gateway.advance(HOUR);
    await placeResting(f, 1, 'MSFT');
    const dropped = waitFor(f.client.api, EventName.disconnected);
    const restart = f.gateway.faults.restart(400);
    await dropped;
    await expect(connect(f.gateway.port, 1)).rejects.toThrow();
    await restart;
    const again = await connect(f.gateway.port, 1);
    f.extra.push(again);
    const open = waitFor<[number]>(again.api, EventName.openOrder);
    again.api.reqOpenOrders();
    expect((await open)[0]).toBe(1);
  });
});

describe('chaos schedule', () => {
  it('runs the --chaos faults on time', async () => {
    const gateway = await startGateway({ chaos: 'farm:usfarm@150ms+150ms' });
    const client = await connect(gateway.port, 1);
    try {
      const down = await waitFor<[string, number]>(client.api, EventName.info, (_m, code) => code === 2103, 2000);
      expect(down[0]).toBe('Market data farm connection is broken:usfarm');
      await waitFor(client.api, EventName.info, (_m: string, code: number) => code === 2104, 2000);
    } finally {
      await client.disconnect();
      await gateway.stop();
    }
  });
});
