import type { OrderRequest } from '../domain/order.js';
import type { AccountView } from '../portfolio/account-view.js';
import type { TradingState } from './risk-events.js';

/** An order on its way to the execution client, with what the rules need to judge it. */
export interface OrderProposal {
  readonly time: number;
  readonly order: OrderRequest;
  /** Bracket children that go with it (their prices are checked too). */
  readonly children: readonly OrderRequest[];
  /** The last trade price the order was decided on. */
  readonly price: number;
  /** True when the order adds exposure (an entry); exits and protective orders reduce it. */
  readonly increases: boolean;
}

/** What the rules read besides the order: the account, the state, the orders in flight. */
export interface RiskContext {
  readonly account: AccountView;
  readonly state: TradingState;
  /** Open positions plus working entries for symbols not held yet. */
  activePositions(): number;
  /** Whether an entry order for the symbol is working. */
  entryWorking(symbol: string): boolean;
  /** Cash the working entries will still spend: the value they will add to the positions. */
  committedCash(): number;
  /** The part of it for one symbol's working entries. */
  pendingEntryValue(symbol: string): number;
}

/** Why a rule refused an order, with the figure it measured and its limit. */
export interface RiskVerdict {
  readonly value: number;
  readonly limit: number;
  readonly reason: string;
}

/**
 * One pre-trade rule. The engine runs its rules in a fixed order on every order before it reaches the execution
 * client; the first verdict refuses the order. A rule is O(1) or O(symbols of a sector) and never throws.
 */
export interface RiskRule {
  /** The rule's name as it appears in risk_events.csv and metrics.json. */
  readonly name: string;
  /** Judges entries before they are sized (it does not read the quantity): the state, counts, the index. */
  readonly screens?: boolean;
  check(proposal: OrderProposal, context: RiskContext): RiskVerdict | null;
  /** An order that passed every rule goes out (rate rules count it). */
  accepted?(proposal: OrderProposal): void;
}

export function money(x: number): string {
  return x.toFixed(2);
}
