import { stateRank, TradingState, type RiskEventSink } from './risk-events.js';

/** How a condition that moved the state is lifted. */
export type ConditionRelease = 'next_day' | 'manual';

/** One reason for restricting trading, held until it is released. */
export interface StateCondition {
  readonly rule: string;
  readonly state: Exclude<TradingState, 'ACTIVE'>;
  readonly release: ConditionRelease;
  readonly value: number;
  readonly limit: number;
  readonly reason: string;
}

/** What a change of state is reported with: the rule that made it and its numbers. */
export type StateCause = Pick<StateCondition, 'rule' | 'value' | 'limit' | 'reason'>;

/** What a dashboard reads: the state and, unless ACTIVE, the rule and the reason that hold it there. */
export interface TradingStateView {
  readonly state: TradingState;
  readonly reason?: string;
  readonly rule?: string;
}

/**
 * ACTIVE → REDUCING (only orders that reduce exposure) → HALTED (no new orders from strategies). The state is the
 * most restrictive of the conditions held: each rule that fires adds its condition once, and each condition leaves
 * by its own release — `next_day` at the next exchange day (the daily-loss block), `manual` only by `reset` (the
 * drawdown halt, rapid loss, the kill switch), which a new session or an operator does. Every change of state is
 * emitted with the rule and numbers of the condition that caused it.
 */
export class TradingStateMachine {
  private readonly conditions = new Map<string, StateCondition>();
  private current: TradingState = TradingState.Active;
  private cause: StateCondition | undefined;

  constructor(private readonly emit: RiskEventSink) {}

  get state(): TradingState {
    return this.current;
  }

  view(): TradingStateView {
    if (this.cause === undefined) return { state: this.current };
    return { state: this.current, reason: this.cause.reason, rule: this.cause.rule };
  }

  has(rule: string): boolean {
    return this.conditions.has(rule);
  }

  /** Adds a condition (a rule already holding keeps its first one); returns whether the state got stricter. */
  enter(time: number, condition: StateCondition): boolean {
    if (this.conditions.has(condition.rule)) return false;
    this.conditions.set(condition.rule, condition);
    return this.settle(time, condition);
  }

  /** Lifts the conditions released at a new exchange day. */
  startDay(time: number): void {
    // Every new day asks; with no condition held there is nothing to iterate (and no iterator to allocate).
    if (this.conditions.size === 0) return;
    let changed = false;
    for (const [rule, condition] of this.conditions) {
      if (condition.release === 'next_day') {
        this.conditions.delete(rule);
        changed = true;
      }
    }
    if (changed) this.settle(time, undefined);
  }

  /** Lifts every condition (`rule` given: that one only), as an operator's reset does. */
  reset(time: number, rule?: string): void {
    if (rule === undefined) this.conditions.clear();
    else this.conditions.delete(rule);
    this.settle(time, undefined);
  }

  /**
   * Lifts the conditions only a person may lift (`manual`: drawdown, rapid loss, the kill switch), as `ets resume`
   * does; a change of state is emitted with `cause`. Returns the rules lifted.
   */
  releaseManual(time: number, cause: StateCause): string[] {
    const lifted: string[] = [];
    for (const [rule, condition] of this.conditions) {
      if (condition.release !== 'manual') continue;
      this.conditions.delete(rule);
      lifted.push(rule);
    }
    if (lifted.length > 0) this.settle(time, cause);
    return lifted;
  }

  /** Recomputes the state from the conditions; returns whether it became stricter. */
  private settle(time: number, added: StateCause | undefined): boolean {
    let strictest: StateCondition | undefined;
    for (const condition of this.conditions.values()) {
      if (strictest === undefined || stateRank(condition.state) > stateRank(strictest.state)) strictest = condition;
    }
    const next = strictest?.state ?? TradingState.Active;
    const from = this.current;
    this.cause = strictest;
    if (next === from) return false;
    this.current = next;
    const why = added ?? strictest;
    this.emit({
      type: 'trading_state',
      time,
      from,
      to: next,
      rule: why?.rule ?? 'release',
      value: why?.value ?? Number.NaN,
      limit: why?.limit ?? Number.NaN,
      reason: why?.reason ?? 'every condition released: trading resumes',
    });
    return stateRank(next) > stateRank(from);
  }
}
