import type { Contract, Execution, Order } from '@stoqey/ib';

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
