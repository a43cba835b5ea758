import type { IbExecutionClient } from '../adapters/ib/ib-execution-client.js';

/**
 * Open orders and executions against the broker's (`applyFills`: book the executions not seen yet); a reconciliation
 * that could not complete fails the step that needed it, so startup stops or the reconnection is tried again.
 */
export async function reconcileOrders(execution: IbExecutionClient, applyFills: boolean): Promise<void> {
  const report = await execution.reconcile({ applyFills });
  if (!report.ok) throw new Error(`could not reconcile orders with TWS: ${report.reason}`);
}
