import type { BrokerAccountSnapshot } from '../adapters/ib/account-sync.js';
import { formatTime } from '../domain/time.js';
import type { Logger } from '../logging/logger.js';
import type { Portfolio } from '../portfolio/portfolio.js';

/** One figure on which our book and the broker's disagree. */
export interface AccountDifference {
  readonly field: 'cash' | 'position';
  readonly symbol?: string;
  readonly ours: number;
  readonly broker: number;
}

/** TWS reports money in cents; our sums of float prices may sit half a cent away without being wrong. */
const CASH_TOLERANCE = 0.011;

/**
 * The differences between the portfolio and a broker snapshot: total cash and each position's quantity. Settled cash
 * is not compared: it changes when a day's settlement runs, which the broker and our ledger do at moments a
 * snapshot cannot tell apart (TWS at midnight, our ledger with the day's first bar); our ledger keeps it by the same
 * T+N rule the backtest uses, from the broker's figure at startup.
 */
export function compareAccount(
  portfolio: Portfolio,
  snapshot: BrokerAccountSnapshot,
  compareCash = true,
): AccountDifference[] {
  const out: AccountDifference[] = [];
  const { totalCash } = snapshot.values;
  if (compareCash && Number.isFinite(totalCash) && Math.abs(portfolio.cash - totalCash) > CASH_TOLERANCE) {
    out.push({ field: 'cash', ours: portfolio.cash, broker: totalCash });
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
 * way (an execution TWS has booked but we have not yet applied would show as a false difference), and with
 * `compareCash` false while a fill's commission report may still come (IB's cash may already hold the commission
 * that the report will book).
 */
export function reconcileAccount(
  portfolio: Portfolio,
  snapshot: BrokerAccountSnapshot,
  time: number,
  logger: Logger,
  compareCash = true,
): AccountDifference[] {
  const differences = compareAccount(portfolio, snapshot, compareCash);
  if (differences.length === 0) return differences;
  const { totalCash } = snapshot.values;
  for (const d of differences) {
    logger.warn(
      {
        field: d.field,
        ...(d.symbol === undefined ? {} : { symbol: d.symbol }),
        ours: d.ours,
        broker: d.broker,
        at: formatTime(time),
      },
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
  if (differences.some((d) => d.field === 'cash')) {
    // The cash difference lands in settled cash too: it is money that is there (or not) now.
    portfolio.setCash(totalCash, portfolio.settledCash + (totalCash - portfolio.cash));
  }
  return differences;
}

/**
 * Takes IB's settled cash over the ledger's at a start that restored the book from the journal: the journal's figure
 * is the ledger as the last session left it, and proceeds that settled while no session ran (a day or more) would
 * stay unspendable until the ledger's next day. Call it after the start-up reconciliation, when our cash is IB's
 * (the executions recovered are in IB's figures already). True when settled cash changed.
 */
export function takeSettledCash(portfolio: Portfolio, snapshot: BrokerAccountSnapshot, logger: Logger): boolean {
  const broker = snapshot.values.settledCash;
  const ours = portfolio.settledCash;
  if (!Number.isFinite(broker) || Math.abs(broker - ours) <= CASH_TOLERANCE) return false;
  // Within a cent of the cash, it is all of it: our float sums must not leave a sliver waiting to settle.
  const settled = Math.abs(portfolio.cash - broker) <= CASH_TOLERANCE ? portfolio.cash : broker;
  portfolio.setCash(portfolio.cash, settled);
  logger.info({ ours, broker }, "settled cash taken from IB's figure");
  return true;
}
