import type { Bar } from '../../src/domain/bar.js';
import { OrderSide, OrderType, type OrderRequest } from '../../src/domain/order.js';

export const DAY_MS = 86_400_000;
/** 2024-01-02 00:00 (project convention: exchange wall time read as UTC). */
export const T0 = Date.UTC(2024, 0, 2);

/** A bar of SYM at day `day` after T0. */
export function bar(
  open: number,
  high: number,
  low: number,
  close: number,
  options: { volume?: number; day?: number; symbol?: string } = {},
): Bar {
  return {
    symbol: options.symbol ?? 'SYM',
    time: T0 + (options.day ?? 1) * DAY_MS,
    open,
    high,
    low,
    close,
    volume: options.volume ?? 1_000_000,
  };
}

type OrderFields = Partial<Omit<OrderRequest, 'id'>>;

export function order(id: number, fields: OrderFields = {}): OrderRequest {
  return {
    id,
    symbol: 'SYM',
    side: OrderSide.Buy,
    quantity: 100,
    type: OrderType.Market,
    tif: 'GTC',
    purpose: 'entry',
    createdAt: T0,
    ...fields,
  };
}

export const buy = (id: number, fields: OrderFields = {}): OrderRequest =>
  order(id, { side: OrderSide.Buy, ...fields });
export const sell = (id: number, fields: OrderFields = {}): OrderRequest =>
  order(id, { side: OrderSide.Sell, purpose: 'exit', ...fields });
