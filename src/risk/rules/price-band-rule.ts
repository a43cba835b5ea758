import type { OrderRequest } from '../../domain/order.js';
import type { OrderProposal, RiskRule, RiskVerdict } from '../risk-rule.js';

/**
 * A limit or stop price more than `bandPct` % from the last trade is refused (with the order's bracket): such a
 * price is a fat finger or a stale reference, not a decision. Market orders have no price to check.
 */
export class PriceBandRule implements RiskRule {
  readonly name = 'price_band';

  constructor(private readonly bandPct: number) {}

  check(proposal: OrderProposal): RiskVerdict | null {
    const last = proposal.price;
    if (!(last > 0)) return null;
    return this.judge(proposal.order, last) ?? this.judgeChildren(proposal.children, last);
  }

  private judgeChildren(children: readonly OrderRequest[], last: number): RiskVerdict | null {
    for (const child of children) {
      const verdict = this.judge(child, last);
      if (verdict !== null) return verdict;
    }
    return null;
  }

  private judge(order: OrderRequest, last: number): RiskVerdict | null {
    for (const price of [order.limitPrice, order.stopPrice]) {
      if (price === undefined) continue;
      const away = (Math.abs(price - last) / last) * 100;
      if (away > this.bandPct) {
        return {
          value: away,
          limit: this.bandPct,
          // By purpose, not id: an order refused here is a draft that never takes an id.
          reason: `${order.type} price ${price} of the ${order.purpose.replace('_', ' ')} is ${away.toFixed(2)}% from the last trade ${last}, outside the ${this.bandPct}% band`,
        };
      }
    }
    return null;
  }
}
