import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventName, OrderAction, OrderType, type Contract, type Execution } from '@stoqey/ib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import { connect, gather, HOUR, MINUTE, settle, startGateway, type Client } from './harness.js';
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
});
