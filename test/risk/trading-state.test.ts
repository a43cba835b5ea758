import { describe, expect, it } from 'vitest';
import type { RiskEvent } from '../../src/risk/risk-events.js';
import { TradingStateMachine, type StateCondition } from '../../src/risk/trading-state.js';

function machine() {
  const events: RiskEvent[] = [];
  return { events, states: new TradingStateMachine((e) => events.push(e)) };
}

const daily: StateCondition = {
  rule: 'daily_loss',
  state: 'REDUCING',
  release: 'next_day',
  value: 3.2,
  limit: 3,
  reason: 'daily loss',
};
const drawdown: StateCondition = { ...daily, rule: 'drawdown', release: 'manual', reason: 'drawdown' };
const kill: StateCondition = { ...daily, rule: 'kill_switch', state: 'HALTED', release: 'manual', reason: 'halt' };

describe('TradingStateMachine', () => {
  it('starts ACTIVE with no reason', () => {
    expect(machine().states.view()).toEqual({ state: 'ACTIVE' });
  });

  it('moves to the strictest condition and emits each change with its rule and numbers', () => {
    const { states, events } = machine();
    expect(states.enter(1, daily)).toBe(true);
    expect(states.enter(2, daily)).toBe(false);
    expect(states.enter(3, kill)).toBe(true);
    expect(states.view()).toEqual({ state: 'HALTED', reason: 'halt', rule: 'kill_switch' });
    expect(events).toEqual([
      {
        type: 'trading_state',
        time: 1,
        from: 'ACTIVE',
        to: 'REDUCING',
        rule: 'daily_loss',
        value: 3.2,
        limit: 3,
        reason: 'daily loss',
      },
      {
        type: 'trading_state',
        time: 3,
        from: 'REDUCING',
        to: 'HALTED',
        rule: 'kill_switch',
        value: 3.2,
        limit: 3,
        reason: 'halt',
      },
    ]);
  });

  it('releases the daily-loss block at the next day and keeps manual conditions', () => {
    const { states, events } = machine();
    states.enter(1, daily);
    states.startDay(2);
    expect(states.view()).toEqual({ state: 'ACTIVE' });
    expect(events.at(-1)).toMatchObject({ from: 'REDUCING', to: 'ACTIVE', rule: 'release' });
    states.enter(3, drawdown);
    states.enter(3, daily);
    states.startDay(4);
    expect(states.view()).toEqual({ state: 'REDUCING', reason: 'drawdown', rule: 'drawdown' });
  });

  it('leaves a manual halt only by reset', () => {
    const { states } = machine();
    states.enter(1, kill);
    states.enter(1, daily);
    states.startDay(2);
    expect(states.state).toBe('HALTED');
    states.reset(3, 'kill_switch');
    expect(states.state).toBe('ACTIVE');
  });
});
