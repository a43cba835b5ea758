/** The trading states, from least to most restrictive. */
export const TradingState = { Active: 'ACTIVE', Reducing: 'REDUCING', Halted: 'HALTED' } as const;
export type TradingState = (typeof TradingState)[keyof typeof TradingState];

/** Rank of a state: a condition can only make the state more restrictive than another condition's. */
export function stateRank(state: TradingState): number {
  return state === 'ACTIVE' ? 0 : state === 'REDUCING' ? 1 : 2;
}

/** A pre-trade rule refused an order: the rule, the figure it measured and the limit, for risk_events.csv. */
export interface RiskRejectedEvent {
  readonly type: 'risk_rejected';
  readonly time: number;
  readonly rule: string;
  readonly symbol: string;
  readonly side: string;
  readonly quantity: number;
  /** What the rule measured (notional, shares, percent, orders per minute, …); NaN when nothing is measured. */
  readonly value: number;
  readonly limit: number;
  readonly reason: string;
}

/** The trading state changed: the rule that moved it and its numbers. */
export interface TradingStateEvent {
  readonly type: 'trading_state';
  readonly time: number;
  readonly from: TradingState;
  readonly to: TradingState;
  readonly rule: string;
  readonly value: number;
  readonly limit: number;
  readonly reason: string;
}

/**
 * Something worth a row that neither refused an order nor changed the state: a watched input changed its standing
 * (volatility data missing or stale, then back), or a halt or manual reset asked for from outside changed nothing.
 */
export interface RiskNoticeEvent {
  readonly type: 'risk_notice';
  readonly time: number;
  readonly rule: string;
  readonly value: number;
  readonly limit: number;
  readonly reason: string;
}

export type RiskEvent = RiskRejectedEvent | TradingStateEvent | RiskNoticeEvent;

export type RiskEventSink = (event: RiskEvent) => void;
