import type { OrderProposal, RiskContext, RiskRule, RiskVerdict } from '../risk-rule.js';

/** Open positions plus working entries for symbols not held yet may not exceed `max_active_positions`. */
export class MaxActivePositionsRule implements RiskRule {
  readonly name = 'max_active_positions';
  readonly screens = true;

  constructor(private readonly max: number) {}

  check(proposal: OrderProposal, context: RiskContext): RiskVerdict | null {
    if (!proposal.increases) return null;
    const active = context.activePositions();
    if (active < this.max) return null;
    return {
      value: active,
      limit: this.max,
      reason: `max active positions reached: ${active} of ${this.max} (open positions and working entries)`,
    };
  }
}

/** A second entry for a symbol while one is working would double the position the sizing meant. */
export class DuplicateEntryRule implements RiskRule {
  readonly name = 'duplicate_entry';
  readonly screens = true;

  check(proposal: OrderProposal, context: RiskContext): RiskVerdict | null {
    if (!proposal.increases || !context.entryWorking(proposal.order.symbol)) return null;
    return { value: 1, limit: 0, reason: `an entry order for ${proposal.order.symbol} is already working` };
  }
}

const MINUTE_MS = 60_000;

/**
 * At most `max` entries submitted in any minute of exchange time (the clock of the bars, so a backtest and a live
 * session count alike). Exits are never held back by it: closing risk must not wait.
 */
export class OrderRateRule implements RiskRule {
  readonly name = 'order_rate';
  private readonly times: number[] = [];

  constructor(private readonly max: number) {}

  check(proposal: OrderProposal): RiskVerdict | null {
    if (!proposal.increases) return null;
    this.forget(proposal.time);
    const count = this.times.length;
    if (count < this.max) return null;
    return {
      value: count + 1,
      limit: this.max,
      reason: `order rate: ${count + 1} entries within a minute exceed the limit of ${this.max}`,
    };
  }

  accepted(proposal: OrderProposal): void {
    if (proposal.increases) this.times.push(proposal.time);
  }

  private forget(now: number): void {
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= now - MINUTE_MS) drop++;
    if (drop > 0) this.times.splice(0, drop);
  }
}
