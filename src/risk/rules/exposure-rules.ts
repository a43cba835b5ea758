import { money, type OrderProposal, type RiskContext, type RiskRule, type RiskVerdict } from '../risk-rule.js';

/**
 * Amounts within this of a limit count as at it: sizing floors shares with a hair of tolerance for binary rounding,
 * which must not turn an order sized exactly to a limit into a breach. A cent over is a breach.
 */
const ROUNDING_USD = 1e-6;

/** Gross position value after the order (and the working entries) ÷ net liquidation ≤ `max_gross_exposure`. */
export class GrossExposureRule implements RiskRule {
  readonly name = 'gross_exposure';

  constructor(private readonly maxMultiple: number) {}

  check(proposal: OrderProposal, context: RiskContext): RiskVerdict | null {
    if (!proposal.increases) return null;
    const { account } = context;
    // Working entries will add their value too: entries decided on one bar must not each use the same room.
    const after = account.grossPositionsValue + context.committedCash() + proposal.order.quantity * proposal.price;
    const limit = this.maxMultiple * account.equity;
    if (after <= limit + ROUNDING_USD) return null;
    return {
      value: account.equity > 0 ? after / account.equity : Number.POSITIVE_INFINITY,
      limit: this.maxMultiple,
      reason: `gross exposure after the order ${money(after)} above ${this.maxMultiple} × net liquidation ${money(account.equity)}`,
    };
  }
}

/**
 * No sector above `max_sector_allocation_pct` % of net liquidation after the order. Sectors come from the contract
 * details live and from `trading.sector_map` (which overrides them); a symbol without a sector is not limited.
 */
export class SectorAllocationRule implements RiskRule {
  readonly name = 'sector_allocation';
  private readonly members = new Map<string, string[]>();

  constructor(
    private readonly sectors: Readonly<Record<string, string>>,
    private readonly maxPct: number,
  ) {
    for (const [symbol, sector] of Object.entries(sectors)) {
      const list = this.members.get(sector);
      if (list) list.push(symbol);
      else this.members.set(sector, [symbol]);
    }
  }

  check(proposal: OrderProposal, context: RiskContext): RiskVerdict | null {
    if (!proposal.increases) return null;
    const sector = this.sectors[proposal.order.symbol];
    if (sector === undefined) return null;
    const { account } = context;
    let value = proposal.order.quantity * proposal.price;
    for (const member of this.members.get(sector) ?? []) {
      value += Math.abs(account.positionValue(member)) + context.pendingEntryValue(member);
    }
    const limit = (this.maxPct / 100) * account.equity;
    if (value <= limit + ROUNDING_USD) return null;
    const pct = account.equity > 0 ? (value / account.equity) * 100 : Number.POSITIVE_INFINITY;
    return {
      value: pct,
      limit: this.maxPct,
      reason: `sector ${sector} would hold ${money(value)}, ${pct.toFixed(2)}% of net liquidation ${money(account.equity)}, above ${this.maxPct}%`,
    };
  }
}
