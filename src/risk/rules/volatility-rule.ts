import type { OrderProposal, RiskRule, RiskVerdict } from '../risk-rule.js';
import type { VolatilityMonitor } from '../volatility-monitor.js';

/** Entries pause while the volatility index is above `pause_above`, or its data is missing or stale. */
export class VolatilityPauseRule implements RiskRule {
  readonly name = 'volatility';
  readonly screens = true;

  constructor(private readonly monitor: VolatilityMonitor) {}

  check(proposal: OrderProposal): RiskVerdict | null {
    if (!proposal.increases) return null;
    return this.monitor.pauseVerdict(proposal.time);
  }
}
