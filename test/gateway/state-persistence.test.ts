import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventName, OrderAction, OrderType, type Contract, type Execution } from '@stoqey/ib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import { connect, settle, startGateway, stock, waitFor, type Client } from './harness.js';

const HOUR = 3_600_000;

async function positions(client: Client): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const onPosition = (_a: string, contract: Contract, pos: number): void => {
    out.set(contract.symbol!, pos);
  };
  client.api.on(EventName.position, onPosition);
  const end = waitFor(client.api, EventName.positionEnd);
  client.api.reqPositions();
  await end;
  client.api.off(EventName.position, onPosition);
  client.api.cancelPositions();
  return out;
}

async function executions(client: Client, reqId: number): Promise<Execution[]> {
  const out: Execution[] = [];
  const onExec = (id: number, _c: unknown, e: Execution): void => {
    if (id === reqId) out.push(e);
  };
  client.api.on(EventName.execDetails, onExec);
  const end = waitFor(client.api, EventName.execDetailsEnd, (id: number) => id === reqId);
  client.api.reqExecutions(reqId, {});
  await end;
  client.api.off(EventName.execDetails, onExec);
  return out;
}

async function openOrderIds(client: Client): Promise<number[]> {
  const ids: number[] = [];
  const onOpen = (id: number): void => {
    ids.push(id);
  };
  client.api.on(EventName.openOrder, onOpen);
  const end = waitFor(client.api, EventName.openOrderEnd);
  client.api.reqOpenOrders();
  await end;
  client.api.off(EventName.openOrder, onOpen);
  return ids;
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
    first.api.placeOrder(1, stock('AAPL'), {
      action: OrderAction.BUY,
      orderType: OrderType.MKT,
      totalQuantity: 40,
      transmit: true,
    });
    first.api.placeOrder(2, stock('AAPL'), {
      action: OrderAction.BUY,
      orderType: OrderType.LMT,
      lmtPrice: 10,
      totalQuantity: 5,
      transmit: true,
    });
    await waitFor(first.api, EventName.orderStatus, (id: number) => id === 2);
    // The process dies without a goodbye; the market moves on and the order fills meanwhile.
    first.api.disconnect();
    await settle(50);
    gateway.advance(60_000);
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
    client.api.placeOrder(1, stock('MSFT'), {
      action: OrderAction.BUY,
      orderType: OrderType.MKT,
      totalQuantity: 30,
      transmit: true,
    });
    await waitFor(client.api, EventName.orderStatus, (id: number, s: string) => id === 1 && s === 'Submitted');
    const filled = waitFor(client.api, EventName.orderStatus, (id: number, s: string) => id === 1 && s === 'Filled');
    before.advance(60_000);
    await filled;
    client.api.placeOrder(2, stock('MSFT'), {
      action: OrderAction.SELL,
      orderType: OrderType.TRAIL,
      auxPrice: 10,
      totalQuantity: 30,
      transmit: true,
    });
    await waitFor(client.api, EventName.orderStatus, (id: number) => id === 2);
    client.api.placeOrder(3, stock('MSFT'), {
      action: OrderAction.BUY,
      orderType: OrderType.LMT,
      lmtPrice: 5,
      totalQuantity: 1,
      transmit: false,
    });
    await settle(100);
    before.advance(60_000);
    const savedExecutions = await executions(client, 5);
    await client.disconnect();
    const clock = before.clock.now();
    const cash = before.broker.account.figures(0, () => 0).totalCashValue;
    await before.stop();
    open.gateways = [];
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { clock: number };
    expect(saved.clock).toBe(clock);

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
    again.api.placeOrder(3, stock('MSFT'), {
      action: OrderAction.BUY,
      orderType: OrderType.LMT,
      lmtPrice: 5,
      totalQuantity: 1,
      transmit: true,
    });
    await waitFor(again.api, EventName.orderStatus, (id: number, s: string) => id === 3 && s === 'Submitted');
  });
});
