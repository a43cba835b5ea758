import { describe, expect, it } from 'vitest';
import { refusals } from '../../src/cli/print-live-summary.js';

describe("the live summary's refused signals", () => {
  it('says how many the risk rules refused when entry holds refused others, which risk_events.csv does not list', () => {
    expect(refusals({ rejectedSignals: 1, riskRefusals: 1 })).toBe('1 signal refused');
    expect(refusals({ rejectedSignals: 9, riskRefusals: 9 })).toBe('9 signals refused');
    expect(refusals({ rejectedSignals: 10, riskRefusals: 9 })).toBe(
      '10 signals refused, 9 by the risk rules (risk_events.csv)',
    );
    expect(refusals({ rejectedSignals: 2, riskRefusals: 0 })).toBe(
      '2 signals refused, 0 by the risk rules (risk_events.csv)',
    );
  });
});
