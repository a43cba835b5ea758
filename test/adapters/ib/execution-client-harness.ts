import { pino, type Logger } from 'pino';
import { OrderAction, OrderType, SecType } from '@stoqey/ib';
import { vi } from 'vitest';
import {
  IbExecutionClient,
  type IbExecutionClientOptions,
  type IbOrderConnection,
} from '../../../src/adapters/ib/ib-execution-client.js';
import { SimClock } from '../../../src/core/clock.js';
import { assertNever, type EngineEvent, type OrderEvent } from '../../../src/domain/events.js';
import type { OrderRequest } from '../../../src/domain/order.js';
import type { CommissionModel } from '../../../src/execution/commission-model.js';
import { OrderEfficiencyRatio } from '../../../src/execution/order-efficiency-ratio.js';
import { OrderIdSequence } from '../../../src/execution/order-ids.js';
import { ACCOUNT, execution, type FakeIbConnection } from './fake-ib-connection.js';

/** A log line as pino writes it. */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export const WARN = 40;

/** A pino logger whose lines land in `lines`. */
export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'debug', base: undefined },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as LogLine);
      },
    },
  );
  return { logger, lines };
}

/** 2021-03-01 10:30 exchange time, the gateway suite's replay time after an hour. */
export const T0 = Date.UTC(2021, 2, 1, 10, 30);

/** A commission model that always estimates USD 1.23, so that estimated fills are easy to tell. */
export const ESTIMATE = 1.23;
const estimating: CommissionModel = { commission: () => ESTIMATE };

export interface Harness {
  readonly execution: IbExecutionClient;
  readonly events: EngineEvent[];
  readonly logs: LogLine[];
  readonly clock: SimClock;
  readonly oer: OrderEfficiencyRatio;
  readonly orderIds: OrderIdSequence;
}

export function harness(
  connection: IbOrderConnection,
  options: Partial<IbExecutionClientOptions> = {},
  startId = 1,
): Harness {
  const events: EngineEvent[] = [];
  const { logger, lines } = recordingLogger();
  const clock = new SimClock(T0);
  const oer = new OrderEfficiencyRatio({ warnRatio: 10, haltRatio: 20 });
  const orderIds = new OrderIdSequence(startId);
  const execution = new IbExecutionClient({
    client: connection,
    sink: (event) => events.push(event),
    account: ACCOUNT,
    contracts: (symbol) =>
      symbol === 'NOPE'
        ? undefined
        : {
            contract: { symbol, secType: SecType.STK, exchange: 'SMART', currency: 'USD' },
            minTick: 0.01,
          },
    clock,
    readOnly: false,
    commission: estimating,
    commissionWaitMs: 2000,
    oer,
    logger,
    orderIds,
    ...options,
  });
  return { execution, events, logs: lines, clock, oer, orderIds };
}

export function entry(id: number, fields: Partial<OrderRequest> = {}): OrderRequest {
  return {
    id,
    symbol: 'AAPL',
    side: 'BUY',
    quantity: 100,
    type: 'MKT',
    tif: 'DAY',
    purpose: 'entry',
    strategyId: 'sma',
    createdAt: T0,
    ...fields,
  };
}

/** The router's bracket: a market entry with a GTC stop-loss and take-profit in one OCA group. */
export function bracket(id: number, quantity = 100, stop = 100, target = 500): OrderEvent {
  const group = `bracket-${id}`;
  const child = { side: 'SELL', quantity, tif: 'GTC', parentId: id, ocaGroup: group } as const;
  return {
    type: 'order',
    time: T0,
    order: entry(id, { quantity }),
    children: [
      entry(id + 1, { ...child, type: 'STP', stopPrice: stop, purpose: 'stop_loss' }),
      entry(id + 2, { ...child, type: 'LMT', limitPrice: target, purpose: 'take_profit' }),
    ],
  };
}

export function single(order: OrderRequest): OrderEvent {
  return { type: 'order', time: T0, order, children: [] };
}

/** Events in a compact, comparable form. */
export function brief(events: readonly EngineEvent[]): string[] {
  return events.map((e) => {
    switch (e.type) {
      case 'order_accepted':
        return `accepted ${e.order.id}`;
      case 'fill':
        return `fill ${e.fill.orderId} ${e.fill.quantity}@${e.fill.price} c${e.fill.commission}`;
      case 'order_cancelled':
        return `cancelled ${e.orderId} (${e.reason}) left ${e.remaining}`;
      case 'order_failed':
        return `failed ${e.orderId}${e.code === undefined ? '' : ` ${e.code}`}: ${e.reason}`;
      case 'order_reduced':
        return `reduced ${e.orderId} to ${e.quantity} left ${e.remaining}`;
      case 'commission_corrected':
        return `commission ${e.orderId} ${e.execId} c${e.estimate} -> c${e.commission}`;
      case 'market':
      case 'signal':
      case 'signal_rejected':
      case 'order':
      case 'cancel_order':
        return e.type;
      default:
        return assertNever(e);
    }
  });
}

/** Fake timers, immediates included: a fill waiting for its commission report expires in an immediate after its timer. */
export function useFakeTimers(): void {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'Date'],
  });
}

export const STOP = { orderType: OrderType.STP, action: OrderAction.SELL, auxPrice: 100, tif: 'GTC' } as const;
export const TARGET = { orderType: OrderType.LMT, action: OrderAction.SELL, lmtPrice: 500, tif: 'GTC' } as const;

/** TWS's answer to a transmitted bracket 1/2/3 (recorded from the embedded gateway): all working, children held. */
export function bracketWorking(tws: FakeIbConnection, quantity = 100): void {
  tws.state(1, 'PreSubmitted', 0, quantity);
  tws.state(1, 'Submitted', 0, quantity);
  tws.openOrder(2, 'PreSubmitted', { ...STOP, totalQuantity: quantity, parentId: 1, ocaGroup: 'bracket-1' });
  tws.orderStatus(2, 'PreSubmitted', 0, quantity, { parentId: 1, whyHeld: 'child' });
  tws.openOrder(3, 'PreSubmitted', { ...TARGET, totalQuantity: quantity, parentId: 1, ocaGroup: 'bracket-1' });
  tws.orderStatus(3, 'PreSubmitted', 0, quantity, { parentId: 1, whyHeld: 'child' });
}

/** An execution with TWS's status messages around it, in the gateway's order; the commission report is separate. */
export function executes(
  tws: FakeIbConnection,
  orderId: number,
  shares: number,
  price: number,
  cumQty: number,
  total = 100,
) {
  const exec = execution(orderId, shares, price, {
    cumQty,
    side: orderId === 1 ? 'BOT' : 'SLD',
    orderRef: orderId === 1 ? 'ets:entry:sma' : 'ets:take_profit:sma',
  });
  tws.execDetails(-1, exec);
  const status = cumQty >= total ? 'Filled' : 'Submitted';
  tws.orderStatus(orderId, status, cumQty, total - cumQty, { avgFillPrice: price, lastFillPrice: price });
  if (status === 'Filled') tws.openOrder(orderId, 'Filled', { totalQuantity: total });
  return exec;
}
