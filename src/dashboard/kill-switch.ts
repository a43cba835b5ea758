/** A request to stop trading: from the dashboard, `ets halt`, or a risk rule. */
export interface HaltRequest {
  /** Also close every position at market (protective orders are cancelled first). */
  readonly flatten: boolean;
  /** Who asked: `dashboard`, `cli`, a rule's name. */
  readonly source: string;
  readonly reason: string;
}

export type TradingStateName = 'ACTIVE' | 'REDUCING' | 'HALTED';

export interface TradingState {
  readonly state: TradingStateName;
  readonly reason?: string;
  readonly rule?: string;
}

/** The live node's kill switch, as the dashboard uses it. */
export interface KillSwitch {
  halt(request: HaltRequest): void;
  tradingState(): TradingState;
}
