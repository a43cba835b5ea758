import { TradingState } from '../risk-events.js';
import type { OrderProposal, RiskContext, RiskRule, RiskVerdict } from '../risk-rule.js';

/** REDUCING lets only orders that reduce exposure through; HALTED lets no strategy order through. */
export class TradingStateRule implements RiskRule {
  readonly name = 'trading_state';
  readonly screens = true;

  constructor(private readonly why: () => string | undefined) {}

  check(proposal: OrderProposal, context: RiskContext): RiskVerdict | null {
    const state = context.state;
    if (state === TradingState.Active) return null;
    if (state === TradingState.Reducing && !proposal.increases) return null;
    const why = this.why() ?? `trading is ${state}`;
    return {
      value: Number.NaN,
      limit: Number.NaN,
      reason: proposal.increases ? why : `trading is ${state}, no strategy orders go out: ${why}`,
    };
  }
}
