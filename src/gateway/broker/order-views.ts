import { OrderType } from '../../domain/order.js';
import type { Instrument } from '../market/instrument.js';
import type { CompletedOrderView } from '../protocol/encoders/completed-orders.js';
import type { CommissionView, ExecutionView } from '../protocol/encoders/executions.js';
import type { OpenOrderView, OrderStatusView, WhatIfFigures } from '../protocol/encoders/orders.js';
import type { BrokerOrder, ExecutionRecord } from './broker-records.js';

/** The status TWS shows: a staged (not yet transmitted) order is PreSubmitted. */
function wireStatus(order: BrokerOrder): string {
  return order.state === 'Staged' ? 'PreSubmitted' : order.state;
}

/** How an order appears in OPEN_ORDER. */
export function openOrderView(
  order: BrokerOrder,
  instrument: Instrument,
  account: string,
  trailStop: number | undefined,
  whatIf?: WhatIfFigures,
): OpenOrderView {
  return {
    orderId: order.orderId,
    clientId: order.clientId,
    permId: order.permId,
    parentId: order.parentOrderId,
    instrument,
    account,
    order: { ...order.wire, tif: order.request.tif, account },
    status: wireStatus(order),
    trailStopPrice: order.request.type === OrderType.TrailingStop ? trailStop : undefined,
    whatIf,
    commissionCurrency: instrument.currency,
  };
}

export function orderStatusView(order: BrokerOrder): OrderStatusView {
  return {
    orderId: order.orderId,
    status: wireStatus(order),
    filled: order.filled,
    remaining: order.wire.totalQuantity - order.filled,
    avgFillPrice: order.avgFillPrice,
    permId: order.permId,
    parentId: order.parentOrderId,
    lastFillPrice: order.lastFillPrice,
    clientId: order.clientId,
    whyHeld: order.whyHeld,
  };
}

/** Venue name in executions: IB reports Nasdaq executions as ISLAND. */
export function executionExchange(instrument: Instrument): string {
  return instrument.primaryExchange === 'NASDAQ' ? 'ISLAND' : instrument.primaryExchange;
}

export function executionView(
  e: ExecutionRecord,
  instrument: Instrument,
  account: string,
  time: string,
): ExecutionView {
  return {
    orderId: e.orderId,
    clientId: e.clientId,
    permId: e.permId,
    instrument,
    execId: e.execId,
    time,
    account,
    exchange: e.exchange,
    side: e.side,
    shares: e.shares,
    price: e.price,
    cumQty: e.cumQty,
    avgPrice: e.avgPrice,
    orderRef: e.orderRef,
    modelCode: '',
    lastLiquidity: 2,
  };
}

/** The COMMISSION_REPORT that follows an execution. */
export function commissionView(e: ExecutionRecord, currency: string): CommissionView {
  return { execId: e.execId, commission: e.commission, currency, realizedPnl: e.realizedPnl };
}

/** How a finished order appears in COMPLETED_ORDER. */
export function completedOrderView(
  order: BrokerOrder,
  instrument: Instrument,
  account: string,
  parentPermId: number,
  completedTime: string,
): CompletedOrderView {
  const status =
    order.state === 'Filled'
      ? `Filled Size: ${order.filled} Avg Price: ${order.avgFillPrice}`
      : order.state === 'Inactive'
        ? 'Rejected'
        : 'Cancelled by Trader';
  return {
    ...openOrderView(order, instrument, account, undefined),
    filledQuantity: order.filled,
    completedTime,
    completedStatus: status,
    parentPermId,
  };
}
