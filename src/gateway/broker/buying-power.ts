import { OrderSide, type OrderRequest } from '../../domain/order.js';
import { MARGIN_RATES, type PaperAccount } from './paper-account.js';

function usd(amount: number): string {
  return `${amount.toFixed(2)} USD`;
}

/**
 * Why the account cannot take an order that adds exposure, in TWS's words, or undefined when it can. Orders that
 * only reduce a position always pass. A cash account pays for buys from available (settled) funds and cannot
 * sell short; a margin account needs equity with loan value above the initial margin after the trade.
 */
export function buyingPowerProblem(
  account: PaperAccount,
  day: number,
  request: OrderRequest,
  price: number,
  priceOf: (symbol: string) => number,
): string | undefined {
  const position = account.position(request.symbol)?.quantity ?? 0;
  const after = position + (request.side === OrderSide.Buy ? request.quantity : -request.quantity);
  const added = Math.abs(after) - Math.abs(position);
  if (added <= 0) return undefined;
  if (!(Number.isFinite(price) && price > 0)) return `No market price is available for ${request.symbol}`;
  const figures = account.figures(day, priceOf);
  if (account.type === 'cash') {
    if (after < 0) return 'Short sales are not allowed in a cash account';
    const value = added * price;
    if (value > figures.availableFunds) {
      return `Insufficient buying power: the order value ${usd(value)} exceeds the available funds ${usd(figures.availableFunds)}`;
    }
    return undefined;
  }
  const margin = added * price * (after >= 0 ? MARGIN_RATES.long : MARGIN_RATES.short);
  const required = figures.initMarginReq + margin;
  if (required > figures.equityWithLoanValue) {
    return (
      'YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR EQUITY WITH LOAN VALUE ' +
      `[${usd(figures.equityWithLoanValue)}] MUST EXCEED THE INITIAL MARGIN [${usd(required)}]`
    );
  }
  return undefined;
}
