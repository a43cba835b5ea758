import type { OrderPurpose, OrderSide } from './order.js';

/** One execution (a whole or partial fill of an order), as a venue reports it. */
export interface Fill {
  readonly orderId: number;
  /** Unique per execution; the key live reconciliation uses. */
  readonly execId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly price: number;
  readonly commission: number;
  readonly time: number;
  readonly purpose: OrderPurpose;
  readonly strategyId?: string;
  /** Live: the commission is the modelled estimate, IB's report not having come in time (a later one corrects it). */
  readonly commissionEstimated?: boolean;
}
