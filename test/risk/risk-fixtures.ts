import type { OrderRequest } from '../../src/domain/order.js';
import type { AccountView } from '../../src/portfolio/account-view.js';
import type { TradingState } from '../../src/risk/risk-events.js';
import type { OrderProposal, RiskContext } from '../../src/risk/risk-rule.js';

/** A BUY market entry of `quantity` AAA at `price`, decided at `time`. */
export function entry(quantity: number, price: number, time = 0, symbol = 'AAA'): OrderProposal {
  const order: OrderRequest = {
    id: 0,
    symbol,
    side: 'BUY',
    quantity,
    type: 'MKT',
    tif: 'DAY',
    purpose: 'entry',
    createdAt: time,
  };
  return { time, order, children: [], price, increases: true };
}

export function exit(quantity: number, price: number, time = 0, symbol = 'AAA'): OrderProposal {
  const base = entry(quantity, price, time, symbol);
  return { ...base, order: { ...base.order, side: 'SELL', purpose: 'exit' }, increases: false };
}

export interface AccountFigures {
  equity?: number;
  cash?: number;
  gross?: number;
  positions?: Record<string, { quantity: number; value: number }>;
}

export function account(f: AccountFigures = {}): AccountView {
  const positions = f.positions ?? {};
  const gross = f.gross ?? Object.values(positions).reduce((sum, p) => sum + Math.abs(p.value), 0);
  const cash = f.cash ?? 100_000;
  return {
    equity: f.equity ?? cash + gross,
    cash,
    settledCash: cash,
    positionsValue: gross,
    grossPositionsValue: gross,
    openPositionCount: Object.keys(positions).length,
    quantity: (symbol) => positions[symbol]?.quantity ?? 0,
    positionValue: (symbol) => positions[symbol]?.value ?? 0,
    lastPrice: () => Number.NaN,
  };
}

export function context(
  view: AccountView = account(),
  options: { state?: TradingState; active?: number; working?: string[]; committed?: number } = {},
): RiskContext {
  return {
    account: view,
    state: options.state ?? 'ACTIVE',
    activePositions: () => options.active ?? view.openPositionCount,
    entryWorking: (symbol) => (options.working ?? []).includes(symbol),
    committedCash: () => options.committed ?? 0,
    pendingEntryValue: () => 0,
  };
}
