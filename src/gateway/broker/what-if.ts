import { OrderSide, type OrderRequest } from '../../domain/order.js';
import type { CommissionModel } from '../../execution/commission-model.js';
import type { WhatIfFigures } from '../protocol/encoders/orders.js';
import { MARGIN_RATES, type PaperAccount } from './paper-account.js';

/**
 * What TWS answers to a what-if order: the margin and equity before and after it would fill at `price`, and its
 * commission. Nothing is booked.
 */
export function whatIfFigures(
  account: PaperAccount,
  day: number,
  priceOf: (symbol: string) => number,
  commissionModel: CommissionModel,
  request: OrderRequest,
  price: number,
  time: number,
): WhatIfFigures {
  const before = account.figures(day, priceOf);
  const commission = commissionModel.commission(request.side, request.quantity, price, time);
  const position = account.position(request.symbol)?.quantity ?? 0;
  const after = position + (request.side === OrderSide.Buy ? request.quantity : -request.quantity);
  const margin = (quantity: number): number => {
    if (account.type === 'cash') return Math.max(0, quantity) * price;
    return Math.abs(quantity) * price * (quantity >= 0 ? MARGIN_RATES.long : MARGIN_RATES.short);
  };
  const change = margin(after) - margin(position);
  return {
    initMarginBefore: before.initMarginReq,
    maintMarginBefore: before.maintMarginReq,
    equityWithLoanBefore: before.equityWithLoanValue,
    initMarginAfter: before.initMarginReq + change,
    maintMarginAfter: before.maintMarginReq + change,
    equityWithLoanAfter: before.equityWithLoanValue - commission,
    commission,
  };
}
