import { money, type OrderProposal, type RiskContext, type RiskRule, type RiskVerdict } from '../risk-rule.js';

/** Whole shares, at least one: a fractional or empty order is a bug upstream, never sent. */
export class MinQuantityRule implements RiskRule {
  readonly name = 'min_quantity';

  check(proposal: OrderProposal): RiskVerdict | null {
    const q = proposal.order.quantity;
    if (Number.isInteger(q) && q >= 1) return null;
    return { value: q, limit: 1, reason: `order quantity ${q} is not a whole number of at least 1 share` };
  }
}

/** No single entry worth more than `max` USD at the price it was decided on. */
export class MaxOrderNotionalRule implements RiskRule {
  readonly name = 'max_order_notional';

  constructor(private readonly max: number) {}

  check(proposal: OrderProposal): RiskVerdict | null {
    if (!proposal.increases) return null;
    const notional = proposal.order.quantity * proposal.price;
    if (notional <= this.max) return null;
    return {
      value: notional,
      limit: this.max,
      reason: `order notional ${money(notional)} (${proposal.order.quantity} × ${proposal.price}) above the limit of ${money(this.max)}`,
    };
  }
}

/** A symbol's position after the order: at most `maxShares` shares and `maxNotional` USD (null: no limit). */
export class MaxPositionRule implements RiskRule {
  readonly name = 'max_position';

  constructor(
    private readonly maxShares: number | null,
    private readonly maxNotional: number | null,
  ) {}

  check(proposal: OrderProposal, context: RiskContext): RiskVerdict | null {
    if (!proposal.increases) return null;
    const { symbol, quantity } = proposal.order;
    const shares = Math.abs(context.account.quantity(symbol)) + quantity;
    if (this.maxShares !== null && shares > this.maxShares) {
      return {
        value: shares,
        limit: this.maxShares,
        reason: `position in ${symbol} would be ${shares} shares, above the limit of ${this.maxShares}`,
      };
    }
    const notional = shares * proposal.price;
    if (this.maxNotional !== null && notional > this.maxNotional) {
      return {
        value: notional,
        limit: this.maxNotional,
        reason: `position in ${symbol} would be worth ${money(notional)}, above the limit of ${money(this.maxNotional)}`,
      };
    }
    return null;
  }
}

/** An entry must be payable from the cash not already promised to entries in flight. */
export class BuyingPowerRule implements RiskRule {
  readonly name = 'buying_power';

  check(proposal: OrderProposal, context: RiskContext): RiskVerdict | null {
    if (!proposal.increases) return null;
    const cost = proposal.order.quantity * proposal.price;
    const available = context.account.cash - context.committedCash();
    if (cost <= available) return null;
    return {
      value: cost,
      limit: available,
      reason: `insufficient buying power: order costs ${money(cost)}, cash not committed to working entries is ${money(available)}`,
    };
  }
}
