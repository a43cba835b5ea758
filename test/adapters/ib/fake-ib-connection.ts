import {
  EventName,
  OrderAction,
  OrderStatus,
  OrderType,
  SecType,
  type Contract,
  type Execution,
  type ExecutionFilter,
  type IBApi,
  type Order,
  type OrderState,
} from '@stoqey/ib';
import type { IbMessageListener } from '../../../src/adapters/ib/ib-client.js';
import type { IbOrderConnection } from '../../../src/adapters/ib/ib-execution-client.js';

/** What the client sent through the connection, in order. */
export type SentMessage =
  | { readonly kind: 'placeOrder'; readonly orderId: number; readonly contract: Contract; readonly order: Order }
  | { readonly kind: 'cancelOrder'; readonly orderId: number; readonly manualCancelTime: unknown }
  | { readonly kind: 'reqOpenOrders' }
  | { readonly kind: 'reqExecutions'; readonly reqId: number; readonly filter: ExecutionFilter };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listeners of any event signature, as IbClient keeps them
type AnyListener = (...args: any[]) => void;

export const CLIENT_ID = 7;
const STATUSES: ReadonlyMap<string, OrderStatus> = new Map(Object.values(OrderStatus).map((s) => [s as string, s]));
export const ACCOUNT = 'DU1234567';

/**
 * Stands in for IbClient: records what is sent and replays TWS's messages as @stoqey/ib decodes them (the argument
 * shapes below were recorded from the embedded gateway over a real socket).
 */
export class FakeIbConnection implements IbOrderConnection {
  connected = true;
  readonly options = { clientId: CLIENT_ID };
  readonly sent: SentMessage[] = [];
  private readonly listeners = new Map<EventName, AnyListener[]>();
  private readonly messageListeners: IbMessageListener[] = [];
  private readonly closedListeners: (() => void)[] = [];
  private requestId = 100_000_000;
  private readonly api = {
    placeOrder: (orderId: number, contract: Contract, order: Order) => {
      this.sent.push({ kind: 'placeOrder', orderId, contract, order });
    },
    cancelOrder: (orderId: number, manualCancelTime: unknown) => {
      this.sent.push({ kind: 'cancelOrder', orderId, manualCancelTime });
    },
    reqOpenOrders: () => {
      this.sent.push({ kind: 'reqOpenOrders' });
    },
    reqExecutions: (reqId: number, filter: ExecutionFilter) => {
      this.sent.push({ kind: 'reqExecutions', reqId, filter });
    },
  };

  on(event: EventName, listener: AnyListener): void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
  }

  onMessage(listener: IbMessageListener): void {
    this.messageListeners.push(listener);
  }

  onClosed(listener: () => void): void {
    this.closedListeners.push(listener);
  }

  send(message: (api: IBApi) => void): boolean {
    if (!this.connected) return false;
    message(this.api as unknown as IBApi);
    return true;
  }

  nextRequestId(): number {
    return ++this.requestId;
  }

  /** The socket closed. */
  drop(): void {
    this.connected = false;
    for (const listener of this.closedListeners) listener();
  }

  placed(): Extract<SentMessage, { kind: 'placeOrder' }>[] {
    return this.sent.filter((m): m is Extract<SentMessage, { kind: 'placeOrder' }> => m.kind === 'placeOrder');
  }

  lastExecutionsRequest(): number {
    const request = this.sent.filter((m) => m.kind === 'reqExecutions').at(-1);
    if (request?.kind !== 'reqExecutions') throw new Error('no reqExecutions was sent');
    return request.reqId;
  }

  // --- TWS's side, message by message ---

  openOrder(orderId: number, status: string, order: Partial<Order> = {}, contract: Contract = stock('AAPL')): void {
    const full: Order = {
      orderId,
      clientId: CLIENT_ID,
      action: OrderAction.BUY,
      totalQuantity: 100,
      orderType: OrderType.MKT,
      tif: 'DAY',
      ocaGroup: '',
      account: ACCOUNT,
      orderRef: '',
      parentId: 0,
      permId: 1_000_000 + orderId,
      outsideRth: false,
      ocaType: 0,
      ...order,
    };
    const state: OrderState = { status: STATUSES.get(status) ?? OrderStatus.Unknown };
    this.emit(EventName.openOrder, orderId, contract, full, state);
  }

  orderStatus(
    orderId: number,
    status: string,
    filled: number,
    remaining: number,
    extra: {
      parentId?: number;
      avgFillPrice?: number;
      lastFillPrice?: number;
      whyHeld?: string;
      clientId?: number;
    } = {},
  ): void {
    this.emit(
      EventName.orderStatus,
      orderId,
      status,
      filled,
      remaining,
      extra.avgFillPrice ?? 0,
      1_000_000 + orderId,
      extra.parentId ?? 0,
      extra.lastFillPrice ?? 0,
      extra.clientId ?? CLIENT_ID,
      extra.whyHeld ?? '',
      0,
    );
  }

  /** openOrder then orderStatus, as TWS reports each state change. */
  state(orderId: number, status: string, filled = 0, total = 100, order: Partial<Order> = {}): void {
    this.openOrder(orderId, status, { totalQuantity: total, ...order });
    this.orderStatus(orderId, status, filled, total - filled, { parentId: order.parentId ?? 0 });
  }

  execDetails(reqId: number, execution: Execution, contract: Contract = stock('AAPL', 'ISLAND')): void {
    this.emit(EventName.execDetails, reqId, contract, execution);
  }

  execDetailsEnd(reqId: number): void {
    this.emit(EventName.execDetailsEnd, reqId);
  }

  openOrderEnd(): void {
    this.emit(EventName.openOrderEnd);
  }

  commissionReport(execId: string, commission: number): void {
    this.emit(EventName.commissionReport, { execId, commission, currency: 'USD', yieldRedemptionDate: 0 });
  }

  error(id: number, code: number, message: string): void {
    for (const listener of this.messageListeners) listener(id, code, message);
  }

  emit(event: EventName, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}

export function stock(symbol: string, exchange = 'SMART'): Contract {
  return {
    conId: 265598,
    symbol,
    secType: SecType.STK,
    exchange,
    currency: 'USD',
    localSymbol: symbol,
    tradingClass: 'NMS',
  };
}

let execSeq = 0;

/** An execution as TWS reports it ("permId.sequence.01.01" ids, time with the zone name). */
export function execution(
  orderId: number,
  shares: number,
  price: number,
  fields: Partial<Execution> & { cumQty?: number } = {},
): Execution {
  const seq = ++execSeq;
  return {
    orderId,
    execId: `${(1_000_000 + orderId).toString(16).padStart(8, '0')}.${seq.toString(16).padStart(8, '0')}.01.01`,
    time: '20210301 10:30:05 US/Eastern',
    acctNumber: ACCOUNT,
    exchange: 'ISLAND',
    side: 'BOT',
    shares,
    price,
    permId: 1_000_000 + orderId,
    clientId: CLIENT_ID,
    liquidation: 0,
    cumQty: fields.cumQty ?? shares,
    avgPrice: price,
    orderRef: '',
    evRule: '',
    evMultiplier: 0,
    modelCode: '',
    pendingPriceRevision: false,
    ...fields,
  };
}
