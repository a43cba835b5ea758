import type { HaltRequest } from '../risk/risk-engine.js';
import type { TradingStateView } from '../risk/trading-state.js';

export type { HaltRequest } from '../risk/risk-engine.js';
/** The trading state as the dashboard shows it: the risk engine's own view. */
export type TradingState = TradingStateView;
export type { TradingState as TradingStateName } from '../risk/risk-events.js';

/** The live node's kill switch, as the dashboard uses it (the risk engine's, through LiveNode). */
export interface KillSwitch {
  halt(request: HaltRequest): void;
  tradingState(): TradingState;
}
