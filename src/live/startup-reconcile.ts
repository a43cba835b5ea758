import type { BrokerAccountSnapshot } from '../adapters/ib/account-sync.js';
import type { IbExecutionClient } from '../adapters/ib/ib-execution-client.js';
import type { LiveJournal } from '../journal/live-journal.js';
import type { Logger } from '../logging/logger.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import { reconcileAccount, takeSettledCash } from './account-reconciler.js';
import { reconcileOrders } from './reconcile-orders.js';

/**
 * The start-up's reconciliation with the broker. Without a journal, today's executions are in the broker's positions
 * and cash already: marked seen, not booked. With one, the executions it lacks are applied once on top of its book,
 * and the reports of those it holds with the estimate correct their commissions; then the broker's figures rule, its
 * cash included, which holds every commission: a report still expected after that is not booked.
 */
export async function reconcileAtStart(
  execution: IbExecutionClient,
  journal: LiveJournal | undefined,
  portfolio: Portfolio,
  broker: BrokerAccountSnapshot,
  now: () => number,
  logger: Logger,
): Promise<void> {
  if (journal === undefined) {
    await reconcileOrders(execution, false);
    return;
  }
  await journal.recover(execution, () => reconcileOrders(execution, journal.resumed));
  journal.reconciled(execution, now());
  const differences = reconcileAccount(portfolio, broker, now(), logger);
  execution.forgetCommissionReports();
  journal.differences(differences, portfolio, now(), takeSettledCash(portfolio, broker, logger));
}
