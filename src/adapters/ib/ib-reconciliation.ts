import type { Contract, Execution, Order } from '@stoqey/ib';
import type { BookResult, IbFillBooker } from './ib-fill-booker.js';
import { IbOrderState, orderStateOf, requestFromIbOrder } from './ib-order-mapping.js';
import type { IbOrderTracker } from './ib-order-tracker.js';
import { summary } from './ib-working-order.js';

/** What reconciling with the broker changed, for the log. */
export interface ReconcileDone {
  readonly ok: true;
  /** Open orders at the broker (of this client id). */
  readonly openAtBroker: number;
  /** Open orders this session did not know, now followed and reported accepted. */
  readonly adopted: number;
  /** Executions not seen before, emitted as fills. */
  readonly fillsRecovered: number;
  /** Executions taken as already accounted for (a start-up baseline), not emitted. */
  readonly baselined: number;
  /** Orders believed working that had ended at the broker, reported cancelled (or failed if never acknowledged). */
  readonly ended: number;
  /** One line per difference between our book and the broker's. */
  readonly differences: readonly string[];
}

/** Reconciling did not complete (not connected, the connection dropped, no answer in time); nothing was ended. */
export interface ReconcileFailed {
  readonly ok: false;
  readonly reason: string;
}

export type ReconcileReport = ReconcileDone | ReconcileFailed;

export interface ReconcileOptions {
  /**
   * Whether today's executions not seen before are emitted as fills (default true: a reconnection, or a start with a
   * journal of the execIds already booked). False only marks them seen, for a start whose positions and cash come
   * from the account, which already contains them.
   */
  readonly applyFills?: boolean;
}

/** An open order as reqOpenOrders reported it. */
export interface BrokerOpenOrder {
  readonly orderId: number;
  readonly contract: Contract;
  readonly order: Order;
  readonly status: string;
  /** Filled shares by its orderStatus (or the order's filledQuantity). */
  filled: number;
}

export interface BrokerExecution {
  readonly contract: Contract;
  readonly execution: Execution;
}

/**
 * One round of reqOpenOrders + reqExecutions: the answers it collects until both ends arrive. Settles with a reason
 * when the connection drops or TWS does not answer in time.
 */
export class IbReconciliation {
  readonly openOrders = new Map<number, BrokerOpenOrder>();
  readonly executions: BrokerExecution[] = [];
  /**
   * Executions TWS reported as they happened while the round ran: held, and booked with the round's in the order
   * they all happened, so that none is booked ahead of an earlier one the round recovers.
   */
  readonly live: BrokerExecution[] = [];
  readonly done: Promise<{ readonly ok: true } | ReconcileFailed>;
  private openEnded = false;
  private executionsEnded = false;
  private settle: ((outcome: { readonly ok: true } | ReconcileFailed) => void) | undefined;
  private readonly timer: NodeJS.Timeout;

  /**
   * `knownAtStart`: ids of the orders we believed working when the requests left; only those can be found missing
   * (an order placed later may be missing from the answer because it is newer).
   */
  constructor(
    readonly reqId: number,
    readonly knownAtStart: ReadonlySet<number>,
    timeoutMs: number,
  ) {
    this.done = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.timer = setTimeout(() => {
      this.fail(`TWS did not answer reqOpenOrders / reqExecutions within ${timeoutMs / 1000} s`);
    }, timeoutMs);
  }

  get settled(): boolean {
    return this.settle === undefined;
  }

  openOrder(orderId: number, contract: Contract, order: Order, status: string): void {
    if (this.openEnded) return;
    const known = this.openOrders.get(orderId);
    this.openOrders.set(orderId, {
      orderId,
      contract,
      order,
      status,
      filled: known?.filled ?? order.filledQuantity ?? 0,
    });
  }

  orderStatus(orderId: number, filled: number): void {
    const open = this.openOrders.get(orderId);
    if (open !== undefined && !this.openEnded) open.filled = filled;
  }

  openOrderEnd(): void {
    this.openEnded = true;
    this.check();
  }

  execution(contract: Contract, execution: Execution): void {
    if (!this.executionsEnded) this.executions.push({ contract, execution });
  }

  liveExecution(contract: Contract, execution: Execution): void {
    this.live.push({ contract, execution });
  }

  executionsEnd(): void {
    this.executionsEnded = true;
    this.check();
  }

  fail(reason: string): void {
    this.finish({ ok: false, reason });
  }

  private check(): void {
    if (this.openEnded && this.executionsEnded) this.finish({ ok: true });
  }

  private finish(outcome: { readonly ok: true } | ReconcileFailed): void {
    const settle = this.settle;
    if (settle === undefined) return;
    this.settle = undefined;
    clearTimeout(this.timer);
    settle(outcome);
  }
}

/** What applying a reconciliation acts on. */
export interface ReconcileTargets {
  readonly tracker: IbOrderTracker;
  readonly booker: IbFillBooker;
  readonly now: () => number;
  /** Whether an execution belongs to this client. */
  readonly isOurs: (execution: Execution) => boolean;
  /** Books an execution as a fill (once per execId). */
  readonly book: (contract: Contract, execution: Execution) => BookResult;
  /** The exchange time of an execution; undefined when its time cannot be read. */
  readonly timeOf: (execution: Execution) => number | undefined;
}

/**
 * Applies a completed round, in the order that keeps the engine's book right: adopt the unknown open orders (so
 * that their replayed executions find them), book the executions not seen yet, and only then end the orders that
 * are neither open nor filled, so that an order which filled while we were away is never reported cancelled.
 */
export function applyReconciliation(
  run: IbReconciliation,
  targets: ReconcileTargets,
  applyFills: boolean,
): ReconcileDone {
  const { tracker, booker } = targets;
  const differences: string[] = [];
  // TWS may list an execution twice; each counts once, and only if this session has not booked it.
  const unseen = (e: BrokerExecution): boolean =>
    e.execution.execId !== undefined && targets.isOurs(e.execution) && !booker.has(e.execution.execId);
  const listed = byExecId(run.executions);
  const live = byExecId(run.live);
  // Without applying fills, the listed executions are in the broker's figures already: only marked seen. Those
  // reported live while the round ran are booked either way, as they would have been without a round.
  const toBook = chronological(
    [...(applyFills ? new Map([...listed, ...live]) : live).values()].filter(unseen),
    targets.timeOf,
  );
  const toMark = applyFills ? [] : [...listed.values()].filter((e) => unseen(e) && !live.has(e.execution.execId!));
  const replayed = new Map<number, number>();
  for (const { execution } of toBook) {
    const id = execution.orderId ?? 0;
    replayed.set(id, (replayed.get(id) ?? 0) + (execution.shares ?? 0));
  }

  let adopted = 0;
  for (const open of run.openOrders.values()) {
    const known = tracker.get(open.orderId);
    if (known !== undefined) {
      if (known.ended) {
        differences.push(`order ${open.orderId} is open at the broker (${open.status}) though it was reported ended`);
      }
      continue;
    }
    // The adopted order counts what is left at the broker plus the executions about to be replayed for it.
    const total = open.order.totalQuantity ?? 0;
    const replayedShares = replayed.get(open.orderId) ?? 0;
    const quantity = total - open.filled + replayedShares;
    const symbol = open.contract.symbol ?? '';
    const request =
      quantity > 0 ? requestFromIbOrder(open.orderId, symbol, open.order, quantity, targets.now()) : undefined;
    if (request === undefined) {
      differences.push(
        `order ${open.orderId} (${symbol} ${open.order.action ?? ''} ${total} ${open.order.orderType}) is open at the broker but cannot be followed: left alone`,
      );
      continue;
    }
    tracker.adopt(request, orderStateOf(open.status) ?? IbOrderState.Working, open.filled - replayedShares);
    adopted++;
    differences.push(`adopted order ${open.orderId} from the broker: ${summary(request)}`);
  }

  let fillsRecovered = 0;
  let baselined = 0;
  for (const { execution } of toMark) {
    booker.markSeen(execution.execId!);
    baselined++;
  }
  for (const { contract, execution } of toBook) {
    const execId = execution.execId!;
    if (targets.book(contract, execution) !== 'booked' || !listed.has(execId)) continue;
    fillsRecovered++;
    differences.push(
      `recovered execution ${execId} of order ${execution.orderId ?? 0}: ${execution.side ?? ''} ${execution.shares ?? 0} ${contract.symbol ?? ''} @ ${execution.price ?? 0}`,
    );
  }

  let ended = 0;
  for (const orderId of run.knownAtStart) {
    const order = tracker.get(orderId);
    if (order === undefined || order.ended || run.openOrders.has(orderId)) continue;
    if (order.state === IbOrderState.Filled) {
      differences.push(`order ${orderId} is filled at the broker but not all of its executions were reported`);
      continue;
    }
    const { request } = order;
    differences.push(
      order.acknowledged || order.filled > 0
        ? `order ${orderId} (${request.symbol} ${request.purpose}) ended at the broker while disconnected: ${order.filled} of ${request.quantity} filled`
        : `order ${orderId} (${request.symbol} ${request.purpose}) never reached TWS: reported failed`,
    );
    tracker.endedAway(orderId);
    ended++;
  }
  return { ok: true, openAtBroker: run.openOrders.size, adopted, fillsRecovered, baselined, ended, differences };
}

function byExecId(executions: readonly BrokerExecution[]): Map<string, BrokerExecution> {
  return new Map(executions.map((e) => [e.execution.execId ?? '', e]));
}

/**
 * In the order they happened: TWS lists executions in an order of its own (by order, say), and a sale booked
 * before the earlier purchase it followed would open a short that the purchase then closes. The sort is stable:
 * executions of one second keep their order, and one whose time cannot be read goes last.
 */
export function chronological(
  executions: readonly BrokerExecution[],
  timeOf: (execution: Execution) => number | undefined,
): BrokerExecution[] {
  return executions
    .map((e) => ({ e, time: timeOf(e.execution) ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => (a.time === b.time ? 0 : a.time - b.time))
    .map(({ e }) => e);
}
