import { describe, expect, it } from 'vitest';
import { formatDate } from '../../src/domain/time.js';
import { ENTRY_PATH, runScenario, series } from './risk-scenario-helpers.js';

/**
 * Scenario backtests, one per rule, on data built for it. ENTRY_PATH enters AAA on 2024-01-07 at 49 (1,000 shares),
 * and the account peaks at 102,500 on 2024-01-10 (close 51.5). CRASH then drops to 46 on 2024-01-11: 97,000.
 */
const CRASH = [...ENTRY_PATH.slice(0, 10), 46, 46.5, 47, 47.5, 48];
const CRASH_LOSS_PCT = (5_500 / 102_500) * 100;

function fillDays(scenario: ReturnType<typeof runScenario>): string[] {
  return scenario.result.fills.map((f) => `${formatDate(f.time)} ${f.side} ${f.quantity} ${f.symbol} ${f.purpose}`);
}

describe('risk scenarios in backtests', () => {
  it('a crash day blocks entries for the session (daily loss) and the next day releases the block', () => {
    const s = runScenario({ max_daily_loss_pct: 3 }, [series('AAA', CRASH)]);
    expect(s.rows).toEqual([
      `2024-01-11,state,daily_loss,,,,5.36585366,3,ACTIVE,REDUCING,entries blocked for the session: loss 5.37% since the session start equity 102500.00 reached the 3.00% limit`,
      '2024-01-12,state,release,,,,,,REDUCING,ACTIVE,every condition released: trading resumes',
    ]);
    expect(s.result.riskEvents[0]).toMatchObject({ value: CRASH_LOSS_PCT });
    expect(s.result.riskCounts).toEqual({
      rejected: {},
      state_changes: { daily_loss: 1, release: 1 },
      notices: {},
    });
  });

  it('a crash day past the drawdown limit with the flatten action halts and closes every position', () => {
    // BBB climbs on: no exit signal of its own, so its sale is the flattening.
    const s = runScenario({ max_drawdown_pct: 4, drawdown_action: 'flatten' }, [
      series('AAA', CRASH),
      series('BBB', ENTRY_PATH),
    ]);
    expect(s.rows).toEqual([
      '2024-01-11,state,drawdown,,,,4.76190476,4,ACTIVE,HALTED,drawdown 4.76% from peak equity 105000.00 reached the 4.00% limit; flattening',
      '2024-01-13,rejected,trading_state,AAA,BUY,,,,,,drawdown 4.76% from peak equity 105000.00 reached the 4.00% limit; flattening',
    ]);
    expect(fillDays(s).slice(2)).toEqual(['2024-01-12 SELL 1000 AAA exit', '2024-01-12 SELL 1000 BBB exit']);
    // AAA's own exit signal went out at the crash bar's close; BBB's sale is the risk engine's.
    expect(s.result.orders.map((o) => `${o.order.symbol} ${o.order.purpose} ${o.order.strategyId}`)).toEqual([
      'AAA entry sma_crossover',
      'BBB entry sma_crossover',
      'AAA exit sma_crossover',
      'BBB exit risk',
    ]);
  });

  it('rapid loss halts at the crash bar', () => {
    const s = runScenario({ rapid_loss: { enabled: true, window_minutes: 2, loss_pct: 4 } }, [series('AAA', CRASH)]);
    expect(s.rows).toEqual([
      '2024-01-11,state,rapid_loss,,,,5.36585366,4,ACTIVE,HALTED,rapid loss: portfolio value 97000.00 is 5.37% below its peak 102500.00 within 2 bars (limit 4%)',
      '2024-01-13,rejected,trading_state,AAA,BUY,,,,,,rapid loss: portfolio value 97000.00 is 5.37% below its peak 102500.00 within 2 bars (limit 4%)',
    ]);
  });

  it('a VIX spike above pause_above refuses the entry of that bar', () => {
    const vix = [20, 21, 22, 23, 24, 40, 38, 30, 28, 26, 25, 24, 23, 22, 21];
    const s = runScenario({ volatility: { enabled: true } }, [series('AAA', ENTRY_PATH)], vix);
    expect(s.rows).toEqual(['2024-01-06,rejected,volatility,AAA,BUY,,40,35,,,VIX 40 above 35: entries paused']);
    expect(s.result.fills).toHaveLength(0);
  });

  it('three stocks of one sector: the third entry would take the sector above its share', () => {
    const s = runScenario(
      { sector_map: { AAA: 'tech', BBB: 'tech', CCC: 'tech' }, max_sector_allocation_pct: 60 },
      ['AAA', 'BBB', 'CCC'].map((symbol) => series(symbol, ENTRY_PATH)),
      undefined,
      'fixed:500',
    );
    expect(s.rows).toEqual([
      '2024-01-06,rejected,sector_allocation,CCC,BUY,500,73.5,60,,,"sector tech would hold 73500.00, 73.50% of net liquidation 100000.00, above 60%"',
    ]);
    expect(fillDays(s)).toEqual(['2024-01-07 BUY 500 AAA entry', '2024-01-07 BUY 500 BBB entry']);
  });
});

describe('risk scaling in backtests', () => {
  it('a VIX between reduce_above and pause_above halves the risk budget, and so the shares', () => {
    const trading = { atr_period: 3, volatility: { enabled: true } };
    const run = (vix: number) => runScenario(trading, [series('AAA', ENTRY_PATH)], Array<number>(15).fill(vix), 'risk');
    const calm = run(20);
    const nervous = run(30);
    const shares = (s: ReturnType<typeof runScenario>) => s.result.orders[0]!.order.quantity;
    // 1% of 100,000 over the signal's stop distance, then × 0.5 (risk_factor), floored.
    expect(shares(calm)).toBeGreaterThan(10);
    expect(shares(nervous)).toBe(Math.floor(shares(calm) / 2));
    expect(nervous.rows).toEqual([]);
  });
});
