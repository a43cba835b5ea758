import type { CommissionRates } from '../config/schema.js';
import { OrderSide } from '../domain/order.js';
import type { CommissionModel } from './commission-model.js';
import { OrderDayLedger, perOrderCharges } from './order-day-ledger.js';

export type TieredRates = CommissionRates['tiered'];

function monthKey(time: number): number {
  const d = new Date(time);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/**
 * IB Tiered. The IB commission is a per-share rate chosen by the shares already traded this calendar month (the
 * whole order at the tier in force before it, the count restarting each month), raised to the per-order minimum
 * and held to the maximum percent of trade value. That maximum covers the IB commission only. On top, uncapped
 * by it: the exchange fee (per share, or a percent of value for shares under USD 1), clearing (per share, capped
 * at a percent of value), the FINRA CAT fee (per share), the FINRA pass-through (a fraction of the IB commission),
 * and on sales the SEC fee (a fraction of value) and the FINRA TAF (per share, capped per order).
 */
export class IbTieredCommission implements CommissionModel {
  private readonly tiers: readonly (readonly [number, number])[];
  private readonly ledger = new OrderDayLedger();
  private month = Number.NaN;
  private monthShares = 0;

  private readonly rates: TieredRates;
  private readonly regulatory: CommissionRates['regulatory'];

  constructor(rates: Pick<CommissionRates, 'tiered' | 'regulatory'>) {
    this.rates = rates.tiered;
    this.regulatory = rates.regulatory;
    this.tiers = [...rates.tiered.tiers].sort((a, b) => a[0] - b[0]);
  }

  /** Shares traded so far in the month of `time`. */
  monthlyVolume(time: number): number {
    return monthKey(time) === this.month ? this.monthShares : 0;
  }

  /** The per-share rate for an order whose first share is share number `sharesBefore + 1` of the month. */
  rateAfter(sharesBefore: number): number {
    for (const [bound, rate] of this.tiers) if (sharesBefore < bound) return rate;
    return this.tiers[this.tiers.length - 1]![1];
  }

  commission(side: OrderSide, quantity: number, price: number, time: number, orderKey?: number | string): number {
    const r = this.rates;
    const month = monthKey(time);
    if (month !== this.month) {
      this.month = month;
      this.monthShares = 0;
    }
    const rate = this.rateAfter(this.monthShares);
    this.monthShares += quantity;

    const sell = side === OrderSide.Sell;
    const value = quantity * price;
    const entry = this.ledger.entry(orderKey, time, rate);
    const charges = perOrderCharges(entry, quantity, value, {
      minimum: r.min_per_order,
      maxPctOfValue: r.max_pct_of_value,
      tafPerShare: sell ? this.regulatory.finra_taf_per_share : 0,
      tafMax: this.regulatory.finra_taf_max,
    });
    const exchange = price < 1 ? (r.exchange_sub_dollar_pct / 100) * value : r.exchange_per_share * quantity;
    const clearing = Math.min(r.clearing_per_share * quantity, (r.clearing_max_pct_of_value / 100) * value);
    const cat = r.cat_fee_per_share * quantity;
    const passThrough = r.finra_pass_through_rate * charges.commission;
    const secFee = sell ? this.regulatory.sec_fee_rate * value : 0;
    return charges.commission + exchange + clearing + cat + passThrough + secFee + charges.taf;
  }
}
