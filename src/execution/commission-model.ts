import type { CommissionModelName, CommissionRates } from '../config/schema.js';
import { assertNever } from '../domain/events.js';
import { OrderSide } from '../domain/order.js';
import { IbTieredCommission } from './ib-tiered-commission.js';
import { OrderDayLedger, perOrderCharges } from './order-day-ledger.js';

/**
 * Commission and fees, in USD, for one execution. Models may keep state (monthly volume, the executions of an
 * order so far), so each backtest or broker session needs its own instance.
 */
export interface CommissionModel {
  /**
   * `orderKey` identifies the order the execution belongs to: executions of one order on one day share the
   * per-order minimum and maximum, as brokers bill an order once however many partial fills it gets. Without it
   * the execution is billed as a whole order. A venue that treats a modified order as a new one for billing passes
   * a key per order version.
   */
  commission(side: OrderSide, quantity: number, price: number, time: number, orderKey?: number | string): number;
}

class ZeroCommission implements CommissionModel {
  commission(): number {
    return 0;
  }
}

/**
 * IB Fixed: one all-in per-share rate with a per-order minimum and a maximum of a percent of trade value; the
 * maximum covers that commission, which includes exchange and most regulatory fees. The transaction fees on sales
 * (SEC fee, FINRA TAF) are passed through on top, uncapped by it, at the regulators' rates.
 */
class IbFixedCommission implements CommissionModel {
  private readonly ledger = new OrderDayLedger();

  constructor(private readonly rates: CommissionRates) {}

  commission(side: OrderSide, quantity: number, price: number, time: number, orderKey?: number | string): number {
    const { fixed, regulatory } = this.rates;
    const sell = side === OrderSide.Sell;
    const value = quantity * price;
    const entry = this.ledger.entry(orderKey, time, fixed.per_share);
    const charges = perOrderCharges(entry, quantity, value, {
      minimum: fixed.min_per_order,
      maxPctOfValue: fixed.max_pct_of_value,
      tafPerShare: sell ? regulatory.finra_taf_per_share : 0,
      tafMax: regulatory.finra_taf_max,
    });
    const secFee = sell ? regulatory.sec_fee_rate * value : 0;
    return charges.commission + charges.taf + secFee;
  }
}

export function createCommissionModel(name: CommissionModelName, rates: CommissionRates): CommissionModel {
  switch (name) {
    case 'zero':
      return new ZeroCommission();
    case 'ib-fixed':
      return new IbFixedCommission(rates);
    case 'ib-tiered':
      return new IbTieredCommission(rates);
    default:
      return assertNever(name);
  }
}
