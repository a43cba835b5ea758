import type { BrokerAccountSnapshot } from '../adapters/ib/account-sync.js';
import type { Logger } from '../logging/logger.js';
import type { Portfolio } from '../portfolio/portfolio.js';

/** One figure on which our book and the broker's disagree. */
export interface AccountDifference {
  readonly field: 'cash' | 'settled_cash' | 'position';
  readonly symbol?: string;
  readonly ours: number;
  readonly broker: number;
}

/** TWS reports money in cents; our sums of float prices may sit half a cent away without being wrong. */
const CASH_TOLERANCE = 0.011;

/** The differences between the portfolio and a broker snapshot: cash, settled cash and each position's quantity. */
export function compareAccount(portfolio: Portfolio, snapshot: BrokerAccountSnapshot): AccountDifference[] {
  const out: AccountDifference[] = [];
  const { totalCash, settledCash } = snapshot.values;
  if (Number.isFinite(totalCash) && Math.abs(portfolio.cash - totalCash) > CASH_TOLERANCE) {
    out.push({ field: 'cash', ours: portfolio.cash, broker: totalCash });
  }
  if (Number.isFinite(settledCash) && Math.abs(portfolio.settledCash - settledCash) > CASH_TOLERANCE) {
    out.push({ field: 'settled_cash', ours: portfolio.settledCash, broker: settledCash });
  }
  const symbols = new Set<string>(snapshot.positions.keys());
  for (const position of portfolio.openPositions()) symbols.add(position.symbol);
  for (const symbol of symbols) {
    const ours = portfolio.quantity(symbol);
    const broker = snapshot.positions.get(symbol)?.quantity ?? 0;
    if (ours !== broker) out.push({ field: 'position', symbol, ours, broker });
  }
  return out;
}

/**
 * Keeps our book consistent with the broker's, the broker being the truth for cash and positions: each difference
 * is logged as a warning with both values, then the broker's figure is taken. Only call it when no fill is on its
 * way (an execution TWS has booked but we have not yet applied would show as a false difference).
 */
export function reconcileAccount(
  portfolio: Portfolio,
  snapshot: BrokerAccountSnapshot,
  time: number,
  logger: Logger,
): AccountDifference[] {
  const differences = compareAccount(portfolio, snapshot);
  if (differences.length === 0) return differences;
  const { totalCash, settledCash } = snapshot.values;
  for (const d of differences) {
    logger.warn(
      { field: d.field, ...(d.symbol === undefined ? {} : { symbol: d.symbol }), ours: d.ours, broker: d.broker },
      `our book differs from IB's ${d.field}${d.symbol === undefined ? '' : ` in ${d.symbol}`}: ours ${d.ours}, IB ${d.broker}; taking IB's`,
    );
    if (d.field === 'position') {
      const line = snapshot.positions.get(d.symbol!);
      portfolio.setPosition(
        d.symbol!,
        d.broker,
        line?.averageCost ?? Number.NaN,
        line?.marketPrice ?? portfolio.lastPrice(d.symbol!),
        time,
      );
    }
  }
  if (differences.some((d) => d.field !== 'position')) {
    portfolio.setCash(
      Number.isFinite(totalCash) ? totalCash : portfolio.cash,
      Number.isFinite(settledCash) ? settledCash : portfolio.settledCash,
    );
  }
  return differences;
}
