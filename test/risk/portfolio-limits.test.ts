import { describe, expect, it } from 'vitest';
import { PortfolioLimits } from '../../src/risk/portfolio-limits.js';

function setup(equity = 100_000) {
  const account = { equity };
  const limits = new PortfolioLimits({ maxActivePositions: 2, maxDailyLossPct: 3, maxDrawdownPct: 10 }, account);
  return { account, limits };
}

describe('PortfolioLimits', () => {
  it('allows entries below every limit', () => {
    const { limits } = setup();
    limits.startSession(1);
    expect(limits.entryBlockReason(0, 1)).toBeNull();
    expect(limits.state).toMatchObject({ halted: false, dailyLossBlocked: false, block: null, peakEquity: 100_000 });
  });

  it('blocks at max active positions', () => {
    const { limits } = setup();
    expect(limits.entryBlockReason(0, 2)).toBe(
      'max active positions reached: 2 of 2 (open positions and working entries)',
    );
  });

  it('blocks entries for the rest of the session once the daily loss reaches the limit', () => {
    const { account, limits } = setup();
    limits.startSession(1);
    account.equity = 97_100;
    expect(limits.observe(1)).toBeNull();
    account.equity = 97_000;
    const breach = limits.observe(2);
    expect(breach).toMatchObject({ rule: 'daily_loss', time: 2, equity: 97_000, limitPct: 3 });
    expect(breach?.valuePct).toBeCloseTo(3, 12);
    expect(limits.observe(3)).toBeNull(); // reported once
    account.equity = 99_000; // recovering within the session does not lift the block
    expect(limits.entryBlockReason(4, 0)).toMatch(/^entries blocked for the session: loss 3.00%/);
    limits.startSession(2);
    expect(limits.entryBlockReason(5, 0)).toBeNull();
    expect(limits.state.sessionStartEquity).toBe(99_000);
  });

  it('measures the daily loss from the equity at the session start, not from the peak', () => {
    const account = { equity: 100_000 };
    const limits = new PortfolioLimits({ maxActivePositions: 5, maxDailyLossPct: 3, maxDrawdownPct: 100 }, account);
    limits.startSession(1);
    account.equity = 50_000;
    limits.observe(1);
    limits.startSession(2); // yesterday's loss counts for the drawdown, not for today
    expect(limits.entryBlockReason(2, 0)).toBeNull();
    account.equity = 48_600;
    expect(limits.entryBlockReason(3, 0)).toBeNull();
    account.equity = 48_500;
    expect(limits.entryBlockReason(4, 0)).toMatch(/^entries blocked for the session: loss 3.00%/);
    expect(limits.state).toMatchObject({ sessionDay: 2, sessionStartEquity: 50_000, drawdownPct: 51.5 });
  });

  it('halts entries for the rest of the run at the drawdown limit, measured from the peak', () => {
    const account = { equity: 100_000 };
    const limits = new PortfolioLimits({ maxActivePositions: 5, maxDailyLossPct: 100, maxDrawdownPct: 10 }, account);
    limits.startSession(1);
    account.equity = 120_000;
    limits.observe(1);
    limits.startSession(2);
    account.equity = 108_001;
    expect(limits.observe(2)).toBeNull();
    account.equity = 108_000;
    expect(limits.observe(3)).toMatchObject({ rule: 'drawdown', valuePct: 10 });
    expect(limits.halted).toBe(true);
    account.equity = 200_000;
    limits.startSession(3);
    expect(limits.entryBlockReason(4, 0)).toMatch(/^drawdown 10.00% from peak equity 120000.00/);
    expect(limits.state).toMatchObject({ halted: true, block: { rule: 'drawdown' } });
  });

  it('sees a peak between signals because observe runs every bar', () => {
    const account = { equity: 100 };
    const limits = new PortfolioLimits({ maxActivePositions: 5, maxDailyLossPct: 100, maxDrawdownPct: 20 }, account);
    account.equity = 150;
    limits.observe(1);
    account.equity = 119;
    expect(limits.entryBlockReason(2, 0)).toMatch(/^drawdown /);
  });

  it('treats a 0% limit as blocking on any loss, and not without one', () => {
    const account = { equity: 100 };
    const limits = new PortfolioLimits({ maxActivePositions: 5, maxDailyLossPct: 0, maxDrawdownPct: 100 }, account);
    limits.startSession(1);
    expect(limits.entryBlockReason(0, 0)).toBeNull();
    account.equity = 99.99;
    expect(limits.entryBlockReason(0, 0)).toMatch(/^entries blocked/);
  });
});
