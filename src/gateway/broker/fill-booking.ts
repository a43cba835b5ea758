import { OrderSide } from '../../domain/order.js';
import { dayNumber } from '../../domain/time.js';
import type { CommissionModel } from '../../execution/commission-model.js';
import type { TradingCalendar } from '../market/exchange-calendar.js';
import type { BrokerOrder, ExecutionRecord } from './broker-records.js';
import type { OrderRegistry } from './order-registry.js';
import type { PaperAccount } from './paper-account.js';

export interface FillBooks {
  readonly account: PaperAccount;
  readonly orders: OrderRegistry;
  readonly commission: CommissionModel;
  readonly calendar: TradingCalendar;
  readonly settlementDays: number;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * Books one execution: the commission (billed per order across its partial fills), the account (cash, T+N
 * settlement of sale proceeds, position, realized P&L), the order's filled quantity and average price, and the
 * execution record with an id unique across the account ("permId.sequence.01.01", as TWS's are dotted hex).
 */
export function bookExecution(
  books: FillBooks,
  order: BrokerOrder,
  quantity: number,
  price: number,
  time: number,
  exchange: string,
): ExecutionRecord {
  const day = dayNumber(time);
  const side = order.request.side;
  const commission = books.commission.commission(side, quantity, price, time, order.permId);
  const settleDay = side === OrderSide.Sell ? books.calendar.addTradingDays(day, books.settlementDays) : day;
  const effect = books.account.applyFill(order.symbol, side, quantity, price, commission, day, settleDay);
  const cumQty = order.filled + quantity;
  order.avgFillPrice = (order.avgFillPrice * order.filled + price * quantity) / cumQty;
  order.filled = cumQty;
  order.lastFillPrice = price;
  order.updatedAt = time;
  order.state = cumQty >= order.wire.totalQuantity ? 'Filled' : 'Submitted';
  const execution: ExecutionRecord = {
    execId: `${hex8(order.permId)}.${hex8(++books.orders.execSeq)}.01.01`,
    permId: order.permId,
    clientId: order.clientId,
    orderId: order.orderId,
    symbol: order.symbol,
    side: side === OrderSide.Buy ? 'BOT' : 'SLD',
    shares: quantity,
    price,
    time,
    cumQty,
    avgPrice: order.avgFillPrice,
    commission,
    realizedPnl: effect.realizedPnl,
    orderRef: order.wire.orderRef,
    exchange,
  };
  books.orders.executions.push(execution);
  return execution;
}
