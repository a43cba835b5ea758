export const OrderSide = { Buy: 'BUY', Sell: 'SELL' } as const;
export type OrderSide = (typeof OrderSide)[keyof typeof OrderSide];

/** IB's own order type names, so the live adapter and the gateway map them one to one. */
export const OrderType = {
  Market: 'MKT',
  Limit: 'LMT',
  Stop: 'STP',
  StopLimit: 'STP LMT',
  TrailingStop: 'TRAIL',
} as const;
export type OrderType = (typeof OrderType)[keyof typeof OrderType];

export type TimeInForce = 'DAY' | 'GTC';

/** Why the engine placed an order; kept on fills so trade logs and risk rules can tell entries from exits. */
export type OrderPurpose = 'entry' | 'exit' | 'stop_loss' | 'take_profit';

export interface OrderRequest {
  readonly id: number;
  readonly symbol: string;
  readonly side: OrderSide;
  /** Whole shares, > 0. */
  readonly quantity: number;
  readonly type: OrderType;
  /** LMT and STP LMT. */
  readonly limitPrice?: number;
  /** STP and STP LMT trigger; for TRAIL an optional initial stop. */
  readonly stopPrice?: number;
  /** TRAIL: distance in price units (exclusive with trailPercent). */
  readonly trailAmount?: number;
  /** TRAIL: distance in percent of the best price (exclusive with trailAmount). */
  readonly trailPercent?: number;
  readonly tif: TimeInForce;
  /** Bracket child: works only once its parent has filled. */
  readonly parentId?: number;
  /** One-cancels-other group: a fill in one cancels the rest of the group (see ocaType). */
  readonly ocaGroup?: string;
  /**
   * What an execution in the group does to the others: `reduce` (the default; IB's OCA type 2) takes the executed
   * shares off each and cancels them once it has filled completely, so a bracket's stop keeps covering what a partly
   * filled take-profit left; `cancel` (IB's type 1) cancels them at the first execution, partial or not.
   */
  readonly ocaType?: 'reduce' | 'cancel';
  readonly purpose: OrderPurpose;
  readonly strategyId?: string;
  readonly createdAt: number;
}

export function oppositeSide(side: OrderSide): OrderSide {
  return side === OrderSide.Buy ? OrderSide.Sell : OrderSide.Buy;
}

/** +1 for buys, -1 for sells: the sign a fill's quantity adds to a position. */
export function sideSign(side: OrderSide): 1 | -1 {
  return side === OrderSide.Buy ? 1 : -1;
}
