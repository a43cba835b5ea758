import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventName, OrderAction, OrderType, type Contract, type Execution } from '@stoqey/ib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import { connect, gather, HOUR, MINUTE, settle, startGateway, stock, type Client } from './harness.js';
import { fillAtMarket, place, statusReached } from './order-harness.js';

async function positions(client: Client): Promise<Map<string, number>> {
  const rows = await gather<[string, Contract, number]>(client.api, EventName.position, EventName.positionEnd, () => {
    client.api.reqPositions();
  });
  client.api.cancelPositions();
  return new Map(rows.map(([, contract, pos]) => [contract.symbol!, pos]));
}

async function executions(client: Client, reqId: number): Promise<Execution[]> {
  const rows = await gather<[number, Contract, Execution]>(
    client.api,
    EventName.execDetails,
    EventName.execDetailsEnd,
    () => {
      client.api.reqExecutions(reqId, {});
    },
    reqId,
  );
  return rows.map(([, , execution]) => execution);
}

/** The start times (epoch seconds) of the five-second bars the client receives from now on. */
function realtimeBars(client: Client, reqId: number, symbol: string): number[] {
  const times: number[] = [];
  client.api.on(EventName.realtimeBar, (id: number, time: number) => {
    if (id === reqId) times.push(time);
  });
  client.api.reqRealTimeBars(reqId, stock(symbol), 5, 'TRADES', true);
  return times;
}

async function openOrderIds(client: Client): Promise<number[]> {
  const rows = await gather<[number]>(client.api, EventName.openOrder, EventName.openOrderEnd, () => {
    client.api.reqOpenOrders();
  });
  return rows.map(([id]) => id);
}

describe('durable broker state', () => {
  let dir: string;
  const open: { gateways: Gateway[]; clients: Client[] } = { gateways: [], clients: [] };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ets-gateway-'));
  });

  afterEach(async () => {
    for (const client of open.clients) {
      expect(client.errors.filter((e) => e.code === 505)).toEqual([]);
      await client.disconnect();
    }
    for (const gateway of open.gateways) await gateway.stop();
    open.clients = [];
    open.gateways = [];
    rmSync(dir, { recursive: true, force: true });
  });

  it('a trading process that crashes finds its orders, the fills it missed and its position', async () => {
    const gateway = await startGateway({ stateFile: join(dir, 'state.json') });
    open.gateways.push(gateway);
    gateway.advance(HOUR);
    const first = await connect(gateway.port, 3);
    place(first, 1, 'AAPL', { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 40 });
    place(first, 2, 'AAPL', { action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 10, totalQuantity: 5 });
    await statusReached(first, 2);
    // The process dies without a goodbye; the market moves on and the order fills meanwhile.
    first.api.disconnect();
    await settle(50);
    gateway.advance(MINUTE);
    const second = await connect(gateway.port, 3);
    open.clients.push(second);
    expect(second.nextValidId).toBe(3);
    expect(await openOrderIds(second)).toEqual([2]);
    expect((await positions(second)).get('AAPL')).toBe(40);
    const fills = await executions(second, 9);
    expect(fills.reduce((sum, e) => sum + e.shares!, 0)).toBe(40);
    expect(fills.every((e) => e.orderId === 1 && e.clientId === 3)).toBe(true);
  });

  it('a restarted gateway restores account, orders, executions and the replay time from its state file', async () => {
    const file = join(dir, 'state.json');
    const before = await startGateway({ stateFile: file });
    open.gateways.push(before);
    before.advance(HOUR);
    const client = await connect(before.port, 1);
    await fillAtMarket({ client, gateway: before }, 1, 'MSFT', OrderAction.BUY, 30, MINUTE);
    place(client, 2, 'MSFT', { action: OrderAction.SELL, orderType: OrderType.TRAIL, auxPrice: 10, totalQuantity: 30 });
    await statusReached(client, 2);
    const staged = { action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 5, totalQuantity: 1 };
    place(client, 3, 'MSFT', { ...staged, transmit: false });
    await settle(100);
    before.advance(MINUTE);
    const savedExecutions = await executions(client, 5);
    await client.disconnect();
    const clock = before.clock.now();
    const cash = before.broker.account.figures(0, () => 0).totalCashValue;
    await before.stop();
    open.gateways = [];
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { clock: number };
    expect(saved.clock).toBe(clock);

    // A start before the saved time would put new executions before the saved ones: refused. A default start
    // in sessions before the end (the embedded gateway's) gives way to the saved time.
    await expect(startGateway({ stateFile: file, start: clock - MINUTE })).rejects.toThrow(
      /^start \d{4}-\d\d-\d\d \d\d:\d\d:\d\d is before the state file's replay time /,
    );
    const defaulted = await startGateway({ stateFile: file, start: { sessionsBeforeEnd: 1 } });
    expect(defaulted.clock.now()).toBe(clock);
    await defaulted.stop();
    const after = await startGateway({ stateFile: file, start: undefined });
    open.gateways.push(after);
    expect(after.clock.now()).toBe(clock);
    expect(after.broker.account.figures(0, () => 0).totalCashValue).toBe(cash);
    const again = await connect(after.port, 1);
    open.clients.push(again);
    expect(again.nextValidId).toBe(4);
    expect(await openOrderIds(again)).toEqual([2]);
    expect((await positions(again)).get('MSFT')).toBe(30);
    expect((await executions(again, 6)).map((e) => e.execId)).toEqual(savedExecutions.map((e) => e.execId));
    // The staged order survived too: transmitting it now makes it work.
    const submitted = statusReached(again, 3, 'Submitted');
    place(again, 3, 'MSFT', staged);
    await submitted;
  });

  it('a restarted gateway goes on with the bar after the last one it delivered: none reaches a client or fills twice', async () => {
    const file = join(dir, 'state.json');
    // A small share of each bar's volume: the order fills a piece on every bar, so a bar used twice fills twice.
    const options = { stateFile: file, maxParticipation: 0.001 };
    const before = await startGateway(options);
    open.gateways.push(before);
    before.advance(HOUR);
    const client = await connect(before.port, 1);
    const seen = realtimeBars(client, 1, 'MSFT');
    place(client, 1, 'MSFT', { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1000 });
    await statusReached(client, 1);
    await settle(100);
    // Stopped on a boundary, as a state file written right after a bar is: the clock is that bar's end.
    before.advance(30_000);
    await settle(100);
    const filledBefore = (await executions(client, 2)).length;
    expect(filledBefore).toBeGreaterThan(1);
    await client.disconnect();
    await before.stop();
    open.gateways = [];
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { clock: number; replayed: number };
    expect(saved.replayed).toBe(saved.clock);

    const after = await startGateway({ ...options, start: undefined });
    open.gateways.push(after);
    const again = await connect(after.port, 1);
    open.clients.push(again);
    const seenAfter = realtimeBars(again, 3, 'MSFT');
    await settle(100);
    after.advance(15_000);
    await settle(100);
    const last = seen.at(-1)!;
    expect(seenAfter).toEqual([last + 5, last + 10, last + 15]);
    // One execution per bar, as before the restart: the bar that ended at the saved time filled nothing again.
    const times = (await executions(again, 4)).map((e) => e.time);
    expect(times).toHaveLength(filledBefore + 3);
    expect(new Set(times).size).toBe(times.length);
  });
});
