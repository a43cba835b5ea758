import type { OrderRequest } from '../../domain/order.js';
import type { WireOrder } from '../protocol/wire-types.js';

/** IB's order states as TWS reports them, plus `Staged` for a transmit=false order not yet sent. */
export type OrderState = 'Staged' | 'PreSubmitted' | 'Submitted' | 'Filled' | 'Cancelled' | 'Inactive';

const ACTIVE_STATES: ReadonlySet<OrderState> = new Set<OrderState>(['PreSubmitted', 'Submitted']);

/** One order the paper broker knows: the client's view (ids, wire fields) and the book's (the domain order). */
export interface BrokerOrder {
  /** TWS's permanent id, unique across clients; the order's id in the order book. */
  readonly permId: number;
  readonly clientId: number;
  readonly orderId: number;
  readonly symbol: string;
  /** The client's order as last sent (replaced on modification). */
  wire: WireOrder;
  /** The order as the book works it (id = permId, parentId = the parent's permId). */
  request: OrderRequest;
  /** Client order id of the bracket parent, 0 when none. */
  readonly parentOrderId: number;
  state: OrderState;
  filled: number;
  avgFillPrice: number;
  lastFillPrice: number;
  /** Held bracket child waiting for its parent ("child"), or a stop waiting for its trigger ("trigger"). */
  whyHeld: string;
  readonly createdAt: number;
  updatedAt: number;
}

/** One execution: what execDetails and commissionReport report, and reqExecutions filters. */
export interface ExecutionRecord {
  readonly execId: string;
  readonly permId: number;
  readonly clientId: number;
  readonly orderId: number;
  readonly symbol: string;
  readonly side: 'BOT' | 'SLD';
  readonly shares: number;
  readonly price: number;
  /** Exchange time of the execution. */
  readonly time: number;
  readonly cumQty: number;
  readonly avgPrice: number;
  readonly commission: number;
  readonly realizedPnl: number | undefined;
  readonly orderRef: string;
  readonly exchange: string;
}

export function isActive(order: BrokerOrder): boolean {
  return ACTIVE_STATES.has(order.state);
}

export function isTerminal(order: BrokerOrder): boolean {
  return order.state === 'Filled' || order.state === 'Cancelled' || order.state === 'Inactive';
}
