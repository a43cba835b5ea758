import { afterEach, describe, expect, it } from 'vitest';
import { IbClient } from '../../../src/adapters/ib/ib-client.js';
import { IbExecutionClient, type IbExecutionClientOptions } from '../../../src/adapters/ib/ib-execution-client.js';
import { configSchema } from '../../../src/config/schema.js';
import type { EngineEvent, FillEvent, OrderEvent } from '../../../src/domain/events.js';
import type { OrderRequest } from '../../../src/domain/order.js';
import { createCommissionModel } from '../../../src/execution/commission-model.js';
import { OrderEfficiencyRatio } from '../../../src/execution/order-efficiency-ratio.js';
import { OrderIdSequence } from '../../../src/execution/order-ids.js';
import { Gateway } from '../../../src/gateway/gateway.js';
import type { GatewayOptions } from '../../../src/gateway/gateway-options.js';
import type { ExecutionRecord } from '../../../src/gateway/broker/broker-records.js';
import { formatDouble } from '../../../src/gateway/protocol/field-writer.js';
import { cents, lastPrice, range } from '../../gateway/order-harness.js';
import { brief, recordingLogger, type LogLine } from './execution-client-harness.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const CLIENT_ID = 4;

interface Session {
  readonly gateway: Gateway;
  readonly client: IbClient;
  readonly execution: IbExecutionClient;
  readonly events: EngineEvent[];
  readonly logs: LogLine[];
  readonly orderIds: OrderIdSequence;
  readonly oer: OrderEfficiencyRatio;
  order(fields: Partial<OrderRequest>): OrderRequest;
}

describe('IbExecutionClient against the embedded gateway', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function start(
    gatewayOptions: GatewayOptions = {},
    clientOptions: Partial<IbExecutionClientOptions> = {},
  ): Promise<Session> {
    const gateway = await Gateway.start({
      port: 0,
      clockMode: 'manual',
      start: '2021-03-01 09:30:00',
      seed: 7,
      symbols: ['AAPL', 'MSFT'],
      ...gatewayOptions,
    });
    cleanup.push(() => gateway.stop());
    const { logger, lines } = recordingLogger();
    const client = new IbClient({
      host: '127.0.0.1',
      port: gateway.port,
      clientId: CLIENT_ID,
      connectTimeoutMs: 3000,
      maxMessagesPerSecond: 45,
      logger,
    });
    cleanup.push(() => {
      client.disconnect();
    });
    const session = await client.connect();
    const orderIds = new OrderIdSequence(session.nextValidId);
    const events: EngineEvent[] = [];
    const oer = new OrderEfficiencyRatio({ warnRatio: 10, haltRatio: 20 });
    const execution = new IbExecutionClient({
      client,
      sink: (event) => events.push(event),
      account: session.accounts[0]!,
      // A plain contract, qualified by the gateway's SMART routing.
      contracts: (symbol) => ({
        contract: { symbol, secType: 'STK', exchange: 'SMART', currency: 'USD' },
        minTick: 0.01,
      }),
      clock: gateway.clock,
      readOnly: false,
      commission: createCommissionModel('ib-fixed', configSchema.parse({}).commission_rates),
      commissionWaitMs: 2000,
      oer,
      logger,
      orderIds,
      ...clientOptions,
    });
    gateway.advance(HOUR);
    const order = (fields: Partial<OrderRequest>): OrderRequest => ({
      id: orderIds.next(),
      symbol: 'AAPL',
      side: 'BUY',
      quantity: 100,
      type: 'MKT',
      tif: 'DAY',
      purpose: 'entry',
      strategyId: 'sma',
      createdAt: gateway.clock.now(),
      ...fields,
    });
    return { gateway, client, execution, events, logs: lines, orderIds, oer, order };
  }

  /** Waits until `done` holds for the recorded events (socket round trips take a few ms). */
  async function until(
    events: readonly EngineEvent[],
    done: (events: readonly EngineEvent[]) => boolean,
  ): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!done(events)) {
      if (Date.now() > deadline) throw new Error(`timed out; events so far: ${brief(events).join(' | ')}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  const has = (line: string) => (events: readonly EngineEvent[]) => brief(events).some((b) => b.startsWith(line));

  function executionsOf(gateway: Gateway, orderId: number): ExecutionRecord[] {
    return gateway.broker.orders.executions.filter((e) => e.clientId === CLIENT_ID && e.orderId === orderId);
  }

  function fillsOf(events: readonly EngineEvent[], orderId: number): FillEvent[] {
    return events.filter((e): e is FillEvent => e.type === 'fill' && e.fill.orderId === orderId);
  }

  /** The fill the gateway's own execution record says the client must report (numbers as the wire carries them). */
  function expectedFill(e: ExecutionRecord, order: OrderRequest): FillEvent {
    return {
      type: 'fill',
      time: e.time,
      fill: {
        orderId: e.orderId,
        execId: e.execId,
        symbol: e.symbol,
        side: e.side === 'BOT' ? 'BUY' : 'SELL',
        quantity: e.shares,
        price: Number(formatDouble(e.price)),
        commission: Number(formatDouble(e.commission)),
        time: e.time,
        purpose: order.purpose,
        strategyId: 'sma',
      },
    };
  }

  it('fills a market order with the gateway’s execution and commission', async () => {
    const s = await start();
    const entry = s.order({});
    s.execution.place({ type: 'order', time: s.gateway.clock.now(), order: entry, children: [] });
    await until(s.events, has(`accepted ${entry.id}`));
    s.gateway.advance(10_000);
    await until(s.events, has(`fill ${entry.id}`));
    const [record] = executionsOf(s.gateway, entry.id);
    expect(fillsOf(s.events, entry.id)).toEqual([expectedFill(record!, entry)]);
    expect(record!.commission).toBe(1);
    expect(brief(s.events)).toHaveLength(2);
    expect(s.gateway.broker.orders.byClient(CLIENT_ID, entry.id)?.wire.orderRef).toBe('ets:entry:sma');
  });

  it('stages a bracket and works it as OCA: the take-profit fills, the stop is cancelled, in that order', async () => {
    const s = await start();
    const price = lastPrice(s.gateway, 'AAPL');
    const now = s.gateway.clock.now();
    const { high } = range(s.gateway, 'AAPL', now, now + HOUR);
    const target = cents(price + (high - price) / 2);
    const entry = s.order({});
    const child = { side: 'SELL', tif: 'GTC', parentId: entry.id, ocaGroup: `bracket-${entry.id}` } as const;
    const stop = s.order({ ...child, type: 'STP', stopPrice: cents(price * 0.9), purpose: 'stop_loss' });
    const takeProfit = s.order({ ...child, type: 'LMT', limitPrice: target, purpose: 'take_profit' });
    const event: OrderEvent = { type: 'order', time: now, order: entry, children: [stop, takeProfit] };
    s.execution.place(event);
    await until(s.events, has(`accepted ${takeProfit.id}`));
    const wire = [entry, stop, takeProfit].map((o) => s.gateway.broker.orders.byClient(CLIENT_ID, o.id));
    expect(wire.map((o) => [o?.wire.transmit, o?.wire.parentId, o?.wire.ocaGroup, o?.wire.ocaType])).toEqual([
      [false, 0, '', 0],
      [false, entry.id, stop.ocaGroup, 2],
      [true, entry.id, takeProfit.ocaGroup, 2],
    ]);
    s.gateway.advance(HOUR);
    await until(s.events, has(`cancelled ${stop.id}`));
    const [entryExec] = executionsOf(s.gateway, entry.id);
    const [targetExec] = executionsOf(s.gateway, takeProfit.id);
    expect(brief(s.events)).toEqual([
      `accepted ${entry.id}`,
      `accepted ${stop.id}`,
      `accepted ${takeProfit.id}`,
      `fill ${entry.id} 100@${entryExec!.price} c${formatDouble(entryExec!.commission)}`,
      `fill ${takeProfit.id} 100@${target} c${formatDouble(targetExec!.commission)}`,
      `cancelled ${stop.id} (oca) left 100`,
    ]);
    expect(fillsOf(s.events, takeProfit.id)).toEqual([expectedFill(targetExec!, takeProfit)]);
    expect(s.execution.workingOrders()).toEqual([]);
  });

  it("keeps a bracket's stop covering what a partly filled take-profit left (OCA type 2), then cancels it", async () => {
    // A tiny participation cap: the take-profit, marketable at once, fills a few shares a minute.
    const s = await start({ maxParticipation: 0.0005 });
    const price = lastPrice(s.gateway, 'AAPL');
    const entry = s.order({ quantity: 100 });
    const child = { side: 'SELL', tif: 'GTC', parentId: entry.id, ocaGroup: `bracket-${entry.id}` } as const;
    const stop = s.order({ ...child, type: 'STP', stopPrice: cents(price * 0.5), purpose: 'stop_loss' });
    const takeProfit = s.order({ ...child, type: 'LMT', limitPrice: cents(price * 0.5), purpose: 'take_profit' });
    s.execution.place({ type: 'order', time: s.gateway.clock.now(), order: entry, children: [stop, takeProfit] });
    await until(s.events, has(`accepted ${takeProfit.id}`));
    for (let minute = 0; minute < 120 && !has(`cancelled ${stop.id}`)(s.events); minute++) {
      s.gateway.advance(MINUTE);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await until(s.events, has(`cancelled ${stop.id}`));
    // After every execution of the take-profit, the stop works exactly the shares still held.
    let held = 0;
    let stopSize = 100;
    const reductions: number[] = [];
    for (const e of s.events) {
      if (e.type === 'fill') held += e.fill.side === 'BUY' ? e.fill.quantity : -e.fill.quantity;
      if (e.type === 'order_reduced' && e.orderId === stop.id) {
        stopSize = e.quantity;
        reductions.push(e.quantity);
        expect(stopSize).toBe(held);
      }
    }
    expect(reductions.length).toBeGreaterThan(1);
    expect(stopSize).toBeLessThan(100);
    expect(fillsOf(s.events, stop.id)).toEqual([]);
    expect(held).toBe(0);
    expect(s.gateway.broker.orders.byClient(CLIENT_ID, stop.id)?.wire.totalQuantity).toBe(stopSize);
    expect(s.execution.workingOrders()).toEqual([]);
  });

  it('cancels a working order on request', async () => {
    const s = await start();
    const resting = s.order({ type: 'LMT', limitPrice: 10 });
    s.execution.place({ type: 'order', time: s.gateway.clock.now(), order: resting, children: [] });
    await until(s.events, has(`accepted ${resting.id}`));
    s.execution.cancel({
      type: 'cancel_order',
      time: s.gateway.clock.now(),
      orderId: resting.id,
      reason: 'exit signal',
    });
    await until(s.events, has(`cancelled ${resting.id}`));
    expect(brief(s.events)).toEqual([`accepted ${resting.id}`, `cancelled ${resting.id} (exit signal) left 100`]);
    expect(s.gateway.broker.orders.byClient(CLIENT_ID, resting.id)?.state).toBe('Cancelled');
    expect(s.oer.counts()).toMatchObject({ submissions: 1, cancellations: 1 });
  });

  it('reports a rejection with the gateway’s code and text', async () => {
    const s = await start();
    const huge = s.order({ quantity: 1_000_000 });
    s.execution.place({ type: 'order', time: s.gateway.clock.now(), order: huge, children: [] });
    await until(s.events, has(`failed ${huge.id}`));
    const [failed] = s.events;
    expect(failed).toMatchObject({ type: 'order_failed', orderId: huge.id, symbol: 'AAPL', code: 201 });
    expect(failed?.type === 'order_failed' && failed.reason).toMatch(
      /^Order rejected - reason:YOUR ORDER IS NOT ACCEPTED/,
    );
    expect(s.events).toHaveLength(1);
  });

  it('reports each partial fill of a large order (at most 25% of a bar’s volume) as its own fill', async () => {
    const s = await start({ initialCash: 10_000_000 });
    const large = s.order({ quantity: 20_000 });
    s.execution.place({ type: 'order', time: s.gateway.clock.now(), order: large, children: [] });
    await until(s.events, has(`accepted ${large.id}`));
    s.gateway.advance(10 * MINUTE);
    await until(s.events, () => s.execution.order(large.id)?.ended === true && s.execution.pendingFills === 0);
    const records = executionsOf(s.gateway, large.id);
    expect(records.length).toBeGreaterThan(3);
    expect(fillsOf(s.events, large.id)).toEqual(records.map((r) => expectedFill(r, large)));
    const fills = fillsOf(s.events, large.id);
    expect(fills.reduce((sum, f) => sum + f.fill.quantity, 0)).toBe(20_000);
    expect(cents(fills.reduce((sum, f) => sum + f.fill.commission, 0))).toBe(100);
    expect(s.oer.counts()).toMatchObject({ submissions: 1, executedOrders: 1 });
  });

  it('sends nothing in a read-only session, and fails orders with 504 when not connected', async () => {
    const s = await start({}, { readOnly: true });
    const entry = s.order({});
    s.execution.place({ type: 'order', time: s.gateway.clock.now(), order: entry, children: [] });
    expect(brief(s.events)).toEqual([`failed ${entry.id}: read-only session: not sent`]);
    expect(s.logs.filter((l) => l.msg === 'read-only session: would place order')).toHaveLength(1);

    const live = await start();
    live.client.disconnect();
    const orphan = live.order({});
    live.execution.place({ type: 'order', time: live.gateway.clock.now(), order: orphan, children: [] });
    expect(brief(live.events)).toEqual([`failed ${orphan.id} 504: not connected to TWS: order not sent`]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s.gateway.broker.orders.orders(CLIENT_ID)).toEqual([]);
    expect(live.gateway.broker.orders.orders(CLIENT_ID)).toEqual([]);
  });

  it('reconciles after a dropped connection: missed fills once, the order that ended while down, no id sent twice', async () => {
    const s = await start();
    const now = s.gateway.clock.now();
    const price = lastPrice(s.gateway, 'AAPL');
    // A marketable limit entry: it fills on the next bar, which comes while the connection is down (a market order
    // would fill on arrival).
    const entry = s.order({ type: 'LMT', limitPrice: cents(price * 1.2) });
    const child = { side: 'SELL', tif: 'GTC', parentId: entry.id, ocaGroup: `bracket-${entry.id}` } as const;
    const stop = s.order({ ...child, type: 'STP', stopPrice: cents(price * 0.8), purpose: 'stop_loss' });
    const takeProfit = s.order({ ...child, type: 'LMT', limitPrice: cents(price * 1.5), purpose: 'take_profit' });
    s.execution.place({ type: 'order', time: now, order: entry, children: [stop, takeProfit] });
    const dayOrder = s.order({ symbol: 'MSFT', type: 'LMT', limitPrice: 10 });
    s.execution.place({ type: 'order', time: now, order: dayOrder, children: [] });
    await until(s.events, has(`accepted ${dayOrder.id}`));
    await until(s.events, has(`accepted ${takeProfit.id}`));

    const closed = new Promise<void>((done) => {
      s.client.onClosed(done);
    });
    s.gateway.faults.dropConnections(CLIENT_ID);
    await closed;
    // While down: the entry fills, its children start working, and the DAY order expires at the close.
    s.gateway.advance(10_000);
    s.gateway.advanceTo(Date.UTC(2021, 2, 1, 16, 5));
    expect(executionsOf(s.gateway, entry.id)).toHaveLength(1);
    expect(s.gateway.broker.orders.byClient(CLIENT_ID, dayOrder.id)?.state).toBe('Cancelled');
    const before = s.events.length;

    const session = await s.client.connect();
    s.orderIds.advanceTo(session.nextValidId);
    const report = await s.execution.reconcile();
    const [record] = executionsOf(s.gateway, entry.id);
    expect(report).toMatchObject({ ok: true, openAtBroker: 2, adopted: 0, fillsRecovered: 1, ended: 1 });
    expect(brief(s.events.slice(before))).toEqual([
      `fill ${entry.id} 100@${record!.price} c${formatDouble(record!.commission)}`,
      `cancelled ${dayOrder.id} (ended at the broker while disconnected (not open and not filled when reconciled)) left 100`,
    ]);
    expect(fillsOf(s.events, entry.id)).toEqual([expectedFill(record!, entry)]);

    // Reconciling again recovers nothing, and the next order gets a fresh id the gateway accepts.
    expect(await s.execution.reconcile()).toMatchObject({ ok: true, fillsRecovered: 0, ended: 0, adopted: 0 });
    expect(fillsOf(s.events, entry.id)).toHaveLength(1);
    const next = s.order({ type: 'LMT', limitPrice: 10, tif: 'GTC' });
    expect(next.id).toBeGreaterThan(dayOrder.id);
    s.execution.place({ type: 'order', time: s.gateway.clock.now(), order: next, children: [] });
    await until(s.events, has(`accepted ${next.id}`));
    const ids = s.gateway.broker.orders.orders(CLIENT_ID).map((o) => o.orderId);
    expect(ids).toEqual([entry.id, stop.id, takeProfit.id, dayOrder.id, next.id]);
    expect(s.logs.filter((l) => l['code'] === 103)).toEqual([]);
    expect(s.execution.workingOrders().map((o) => o.id)).toEqual([stop.id, takeProfit.id, next.id]);
  });
});
