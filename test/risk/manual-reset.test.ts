import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { PortfolioLimits } from '../../src/risk/portfolio-limits.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import type { RiskEvent } from '../../src/risk/risk-events.js';
import { limitSettingsFromConfig, riskSettingsFromConfig } from '../../src/risk/risk-settings.js';
import { TradingStateMachine, type StateCondition } from '../../src/risk/trading-state.js';

const REQUEST = { source: 'ets resume', reason: 'looked at it' };
const RESET = 'manual reset (ets resume): looked at it';

/** A risk engine over an account whose equity the test sets, with the config's trading keys. */
function engine(trading: Record<string, unknown>) {
  const config = validateConfig({ trading: { max_daily_loss_pct: 100, ...trading } });
  const account = { equity: 100_000 };
  const view = {
    get equity() {
      return account.equity;
    },
    cash: 0,
    settledCash: 0,
    positionsValue: 0,
    grossPositionsValue: 0,
    openPositionCount: 0,
    quantity: () => 0,
    positionValue: () => 0,
    lastPrice: () => Number.NaN,
  };
  const risk = new RiskEngine(
    riskSettingsFromConfig(config),
    new PortfolioLimits(limitSettingsFromConfig(config), view),
    view,
  );
  const events: RiskEvent[] = [];
  risk.onEvent((e) => events.push(e));
  return { risk, account, events };
}

describe('the manual reset (ets resume)', () => {
  it('lifts only the conditions released by hand, emitting the change with its cause', () => {
    const events: RiskEvent[] = [];
    const states = new TradingStateMachine((e) => events.push(e));
    const base = { value: 1, limit: 1, reason: 'x' };
    const daily: StateCondition = { ...base, rule: 'daily_loss', state: 'REDUCING', release: 'next_day' };
    const kill: StateCondition = { ...base, rule: 'kill_switch', state: 'HALTED', release: 'manual' };
    states.enter(1, daily);
    states.enter(2, kill);
    const cause = { rule: 'manual_reset', value: Number.NaN, limit: Number.NaN, reason: RESET };
    expect(states.releaseManual(3, cause)).toEqual(['kill_switch']);
    expect(states.view()).toEqual({ state: 'REDUCING', reason: 'x', rule: 'daily_loss' });
    expect(events.at(-1)).toEqual({ type: 'trading_state', time: 3, from: 'HALTED', to: 'REDUCING', ...cause });
    expect(states.releaseManual(4, cause)).toEqual([]);
    expect(events).toHaveLength(3);
  });

  it('returns a drawdown halt to ACTIVE, measuring the drawdown from the equity at the reset', () => {
    const { risk, account, events } = engine({ max_drawdown_pct: 10, drawdown_action: 'flatten' });
    risk.observe(1);
    account.equity = 89_000;
    risk.observe(2);
    expect(risk.tradingState()).toMatchObject({ state: 'HALTED', rule: 'drawdown' });
    risk.resume(3, REQUEST);
    expect(risk.tradingState()).toEqual({ state: 'ACTIVE' });
    expect(events.at(-1)).toMatchObject({ type: 'trading_state', from: 'HALTED', to: 'ACTIVE', rule: 'manual_reset' });
    // The next bar does not trip the old breach again: the peak is now 89,000, and 10% below it trips anew.
    risk.observe(4);
    account.equity = 80_101;
    risk.observe(5);
    expect(risk.tradingState().state).toBe('ACTIVE');
    account.equity = 80_100;
    risk.observe(6);
    expect(risk.tradingState()).toMatchObject({ state: 'HALTED', rule: 'drawdown' });
    expect(risk.countsByRule().state_changes).toEqual({ drawdown: 2, manual_reset: 1 });
  });

  it('forgets the rapid-loss window, so the loss before the reset does not halt again', () => {
    const { risk, account } = engine({ rapid_loss: { enabled: true, window_minutes: 60, loss_pct: 2 } });
    risk.observe(0);
    account.equity = 97_000;
    risk.observe(60_000);
    expect(risk.tradingState()).toMatchObject({ state: 'HALTED', rule: 'rapid_loss' });
    risk.resume(120_000, REQUEST);
    account.equity = 96_000;
    risk.observe(180_000);
    expect(risk.tradingState()).toEqual({ state: 'ACTIVE' });
  });

  it('lifts the kill switch but keeps a daily-loss block, and says so when the state does not change', () => {
    const { risk, account, events } = engine({ max_daily_loss_pct: 3, daily_loss_action: 'flatten' });
    risk.startDay(1, 0);
    account.equity = 96_000;
    risk.observe(1);
    risk.halt(2, { flatten: false, source: 'ets halt', reason: 'news' });
    risk.resume(3, REQUEST);
    expect(risk.tradingState()).toMatchObject({ state: 'HALTED', rule: 'daily_loss' });
    expect(events.at(-1)).toEqual({
      type: 'risk_notice',
      time: 3,
      rule: 'manual_reset',
      value: Number.NaN,
      limit: Number.NaN,
      reason: `${RESET}: lifted kill_switch; the state stays HALTED by daily_loss`,
    });
  });

  it('records a reset with nothing to lift as a notice', () => {
    const { risk, events } = engine({});
    risk.resume(1, REQUEST);
    expect(events).toEqual([
      {
        type: 'risk_notice',
        time: 1,
        rule: 'manual_reset',
        value: Number.NaN,
        limit: Number.NaN,
        reason: `${RESET}: nothing to reset; the state stays ACTIVE`,
      },
    ]);
  });
});

describe('a kill-switch halt that changes no state', () => {
  const notice = (reason: string) => ({
    type: 'risk_notice',
    time: 2,
    rule: 'kill_switch',
    value: Number.NaN,
    limit: Number.NaN,
    reason,
  });

  it('is a kill_switch notice with its source and reason, and its flattening still happens', () => {
    const { risk, events } = engine({});
    risk.halt(1, { flatten: false, source: 'ets halt', reason: 'first' });
    expect(risk.takeActions()).toMatchObject({ cancelEntries: true, flatten: false });
    risk.halt(2, { flatten: true, source: 'ets halt', reason: 'second' });
    expect(risk.takeActions()).toMatchObject({ cancelEntries: true, flatten: true });
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual(
      notice('kill switch (ets halt): second, flattening: the state stays HALTED by kill_switch'),
    );
    expect(risk.tradingState()).toEqual({
      state: 'HALTED',
      rule: 'kill_switch',
      reason: 'kill switch (ets halt): first',
    });
    expect(risk.countsByRule()).toMatchObject({ state_changes: { kill_switch: 1 }, notices: { kill_switch: 1 } });
  });

  it('is a notice too while another rule holds the session HALTED', () => {
    const { risk, account, events } = engine({ max_drawdown_pct: 10, drawdown_action: 'flatten' });
    risk.observe(1);
    account.equity = 89_000;
    risk.observe(1);
    risk.halt(2, { flatten: false, source: 'SIGUSR2', reason: 'halt signal' });
    expect(events.at(-1)).toEqual(notice('kill switch (SIGUSR2): halt signal: the state stays HALTED by drawdown'));
  });
});
