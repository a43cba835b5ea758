import {
  EventName,
  type CommissionReport,
  type Contract,
  type Execution,
  type Order,
  type OrderState,
} from '@stoqey/ib';
import type { Clock } from '../../core/clock.js';
import type { CancelOrderEvent, EventSink, OrderEvent } from '../../domain/events.js';
import type { Fill } from '../../domain/fill.js';
import { OrderSide, type OrderRequest } from '../../domain/order.js';
import { timeZone, type TimeZone } from '../../domain/time-zone.js';
import type { CommissionModel } from '../../execution/commission-model.js';
import type { ExecutionClient } from '../../execution/execution-client.js';
import type { OerChange, OrderEfficiencyRatio } from '../../execution/order-efficiency-ratio.js';
import type { OrderIdSequence } from '../../execution/order-ids.js';
import { validateOrder } from '../../execution/order-validation.js';
import type { Logger } from '../../logging/logger.js';
import type { IbClient, IbClientOptions } from './ib-client.js';
import { IbCode } from './ib-codes.js';
import { IbEventOutbox } from './ib-event-outbox.js';
import { parseIbExecutionTime } from './ib-execution-time.js';
import { endDateTime } from './ib-request-text.js';
import { IbFillBooker } from './ib-fill-booker.js';
import {
  ibContractOf,
  isOpenState,
  orderStateOf,
  parseOrderRef,
  requestFromIbOrder,
  toIbOrder,
  type IbTradableContract,
} from './ib-order-mapping.js';
import { IbOrderTracker, type IbTrackedOrder } from './ib-order-tracker.js';
import {
  IbReconciliation,
  applyReconciliation,
  chronological,
  type ReconcileOptions,
  type ReconcileReport,
} from './ib-reconciliation.js';
import { describeOrder, viewOf, type IbWorkingOrder } from './ib-working-order.js';

/** The zone exchange times are in: a filter's time names it, so that TWS reads it whatever its login zone. */
const EXCHANGE_ZONE = timeZone('America/New_York')!;

/** The parts of IbClient the execution client uses (a fake in unit tests). */
export type IbOrderConnection = Pick<
  IbClient,
  'connected' | 'on' | 'onMessage' | 'onClosed' | 'send' | 'nextRequestId'
> & {
  readonly options: Pick<IbClientOptions, 'clientId'>;
};

export interface IbExecutionClientOptions {
  readonly client: IbOrderConnection;
  /** Where order reports go: the engine's `receive`. */
  readonly sink: EventSink;
  /** The account orders are booked to (ibkr.account_id). */
  readonly account: string;
  /** Qualified contracts of the symbols the node trades; undefined for a symbol it cannot trade. */
  readonly contracts: (symbol: string) => IbTradableContract | undefined;
  /** Exchange time for event times. */
  readonly clock: Clock;
  /** Log what would be sent and send nothing; every order fails so that the router releases the symbol. */
  readonly readOnly: boolean;
  /** The estimate booked when IB's commission report does not come within `commissionWaitMs`. */
  readonly commission: CommissionModel;
  readonly commissionWaitMs: number;
  /** Counts every placeOrder, cancelOrder and executed order of the day. */
  readonly oer: OrderEfficiencyRatio;
  readonly logger: Logger;
  /** The node's order id sequence: moved past every id TWS reports, so that no id is ever sent twice. */
  readonly orderIds: OrderIdSequence;
  /** Called synchronously before the first placeOrder of an event leaves (a journal reserves the ids there). */
  readonly beforeSend?: (event: OrderEvent) => void;
  /** Zone of execution times TWS writes without a zone name: the TWS login's zone. Default America/New_York. */
  readonly twsTimeZone?: string;
  /** How long `reconcile` waits for the answers of reqOpenOrders and reqExecutions. Default 10 s. */
  readonly reconcileTimeoutMs?: number;
}

const DEFAULT_RECONCILE_TIMEOUT_MS = 10_000;

/**
 * The live venue: places orders and brackets on TWS / IB Gateway through the IbClient, and reports what becomes of
 * them with the same events, in the same order, as the simulated execution client does in a backtest.
 *
 * `place` is synchronous down to the socket write (the node measures bar → placeOrder latency): a bracket goes out
 * as the parent and each child with transmit=false on all but the last, so that TWS activates it atomically. A
 * message that cannot be sent fails the order at once (504); nothing is queued for a later connection. Fills come
 * from executions only, once per execId, with IB's commission. After every (re)connection `reconcile` asks TWS for
 * the open orders and the day's executions and reports what changed while the client was not listening.
 */
export class IbExecutionClient implements ExecutionClient {
  private readonly client: IbOrderConnection;
  private readonly clientId: number;
  private readonly outbox: IbEventOutbox;
  private readonly tracker: IbOrderTracker;
  private readonly booker: IbFillBooker;
  private readonly twsZone: TimeZone;
  private readonly reconcileTimeoutMs: number;
  private run: IbReconciliation | undefined;
  private executionsSince: number | undefined;
  private readonly timeOf = (execution: Execution): number | undefined =>
    parseIbExecutionTime(execution.time, this.twsZone);
  private inflight: Promise<ReconcileReport> | undefined;

  constructor(private readonly options: IbExecutionClientOptions) {
    this.client = options.client;
    this.clientId = options.client.options.clientId;
    this.outbox = new IbEventOutbox(options.sink);
    this.tracker = new IbOrderTracker({
      outbox: this.outbox,
      clock: options.clock,
      logger: options.logger,
      onFailed: (order) => {
        this.cancelBracketOf(order);
      },
    });
    this.booker = new IbFillBooker({
      outbox: this.outbox,
      commission: options.commission,
      commissionWaitMs: options.commissionWaitMs,
      logger: options.logger,
      now: () => options.clock.now(),
    });
    const zoneName = options.twsTimeZone ?? 'America/New_York';
    const zone = timeZone(zoneName);
    if (zone === undefined) throw new RangeError(`unknown TWS time zone ${zoneName}`);
    this.twsZone = zone;
    this.reconcileTimeoutMs = options.reconcileTimeoutMs ?? DEFAULT_RECONCILE_TIMEOUT_MS;
    this.listen();
  }

  place(event: OrderEvent): void {
    const orders = [event.order, ...event.children];
    const problem = this.problemWith(event);
    if (problem !== undefined) {
      this.failAll(orders, problem);
      return;
    }
    if (this.options.readOnly) {
      for (const order of orders)
        this.options.logger.info(describeOrder(order), 'read-only session: would place order');
      this.failAll(orders, 'read-only session: not sent');
      return;
    }
    if (!this.client.connected) {
      this.failAll(orders, 'not connected to TWS: order not sent', IbCode.NotConnected);
      return;
    }
    this.options.beforeSend?.(event);
    const now = this.options.clock.now();
    for (let i = 0; i < orders.length; i++) {
      const order = orders[i]!;
      const tradable = this.options.contracts(order.symbol)!;
      const contract = ibContractOf(tradable.contract);
      const minTick = tradable.minTick;
      const ibOrder = toIbOrder(order, { account: this.options.account, minTick, transmit: i === orders.length - 1 });
      this.tracker.sent(order);
      const sent = this.client.send((api) => {
        api.placeOrder(order.id, contract, ibOrder);
      });
      if (!sent) {
        // Only a connection dropping between two sends of one call gets here; the rest of the bracket fails with it.
        this.options.logger.error({ orderId: order.id }, 'connection lost while placing a bracket');
        this.failTracked(orders.slice(i), 'not connected to TWS: order not sent', IbCode.NotConnected);
        return;
      }
      this.oerChanged(this.options.oer.submitted(now));
    }
  }

  cancel(event: CancelOrderEvent): void {
    this.requestCancel(event.orderId, event.reason);
  }

  /** Orders placed or adopted that have not ended, ascending id. */
  workingOrders(): IbWorkingOrder[] {
    return this.tracker.open().map(viewOf);
  }

  /** Any order this session followed, ended ones included. */
  order(orderId: number): IbWorkingOrder | undefined {
    const order = this.tracker.get(orderId);
    return order === undefined ? undefined : viewOf(order);
  }

  /**
   * Cancels every working entry order (shutdown: protective stop-loss and take-profit orders stay at the broker).
   * Returns how many cancels were sent.
   */
  cancelWorkingEntries(reason = 'shutdown: working entry orders are cancelled'): number {
    let sent = 0;
    for (const order of this.tracker.open()) {
      if (order.request.purpose !== 'entry') continue;
      if (this.requestCancel(order.request.id, reason)) sent++;
    }
    return sent;
  }

  /** Fills waiting for their commission report. */
  get pendingFills(): number {
    return this.booker.pending;
  }

  /** Fills booked with the estimate whose commission report may still come (see IbFillBooker). */
  commissionsInDoubt(): number {
    return this.booker.commissionsInDoubt();
  }

  /**
   * As the session ends: waits, while connected and for at most `ms`, for the commission reports still expected (of
   * fills waiting for theirs, and of fills booked with the estimate that a report would correct), then books every
   * fill still waiting with the estimate. Without it a fill executed in the session's last seconds would leave with
   * the process unbooked, and one booked with the estimate would keep it.
   */
  async settleCommissions(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    const expected = () => this.booker.pending > 0 || this.booker.commissionsInDoubt() > 0;
    while (this.client.connected && expected() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.booker.settleAll();
  }

  /** Execution ids booked this session (and marked seen), for a journal. */
  seenExecutions(): string[] {
    return this.booker.execIds();
  }

  /**
   * Asks the next reconciliation for the executions since `time` (exchange time) rather than today's alone: a
   * restart on a later day than the last execution journaled recovers those of the days in between, as far back
   * as TWS keeps them (its trade log: up to 7 days). Repeats of executions already seen book nothing.
   */
  recoverExecutionsSince(time: number): void {
    this.executionsSince = time;
  }

  /** Marks executions as accounted for (a journal's execIds at start-up): IB repeating them books nothing. */
  markExecutionsSeen(execIds: Iterable<string>): void {
    for (const execId of execIds) this.booker.markSeen(execId);
  }

  /** Fills a journal holds with the estimate: the reports the reconciliation brings correct them (see IbFillBooker). */
  expectCommissions(fills: readonly Fill[]): void {
    for (const fill of fills) this.booker.expectReport(fill);
  }

  /** IB's cash was taken as the truth: commission reports still expected are no longer booked (see IbFillBooker). */
  forgetCommissionReports(): void {
    const execIds = this.booker.forgetReports();
    if (execIds.length === 0) return;
    this.options.logger.warn(
      { execIds: execIds.join(' ') },
      "no IB commission report for these executions: they keep the estimate (IB's cash, taken now, holds it)",
    );
  }

  /**
   * Asks TWS for this client's open orders and the day's executions, then, in this order: adopts the open orders
   * not known (order_accepted, rebuilt from the broker's order and its orderRef), books the executions not seen yet
   * as fills, and reports orders believed working that are neither open nor filled as cancelled. Never re-sends an
   * order. One reconciliation runs at a time; a second call while one runs gets the same report.
   */
  reconcile(options: ReconcileOptions = {}): Promise<ReconcileReport> {
    this.inflight ??= this.reconcileOnce(options).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async reconcileOnce(options: ReconcileOptions): Promise<ReconcileReport> {
    if (!this.client.connected) return { ok: false, reason: 'not connected to TWS' };
    // Connected again: the reports of fills that waited through the disconnection come with the executions below.
    this.booker.resume();
    const reqId = this.client.nextRequestId();
    const known = new Set(this.tracker.open().map((o) => o.request.id));
    const run = new IbReconciliation(reqId, known, this.reconcileTimeoutMs);
    this.run = run;
    const sent =
      this.client.send((api) => {
        api.reqOpenOrders();
      }) &&
      this.client.send((api) => {
        const since = this.executionsSince;
        api.reqExecutions(reqId, {
          clientId: String(this.clientId),
          acctCode: this.options.account,
          // A second early: TWS lists the executions after the time, and the one at it may be the journal's last.
          ...(since === undefined ? {} : { time: endDateTime(since - 1000, EXCHANGE_ZONE) }),
        });
      });
    if (!sent) run.fail('not connected to TWS');
    const outcome = await run.done;
    this.run = undefined;
    if (!outcome.ok) {
      this.options.logger.warn({ reason: outcome.reason }, 'reconciliation with TWS did not complete');
      // What TWS reported live meanwhile is booked all the same.
      for (const { contract, execution } of chronological(run.live, this.timeOf)) {
        this.bookExecution(contract, execution);
      }
      return outcome;
    }
    this.executionsSince = undefined;
    const report = this.applyReconciliation(run, options.applyFills ?? true);
    await this.booker.whenSettled(run.executions.map((e) => e.execution.execId ?? ''));
    return report;
  }

  private applyReconciliation(run: IbReconciliation, applyFills: boolean): ReconcileReport {
    const report = applyReconciliation(
      run,
      {
        tracker: this.tracker,
        booker: this.booker,
        now: () => this.options.clock.now(),
        isOurs: (execution) => this.isOurs(execution),
        book: (contract, execution) => this.bookExecution(contract, execution),
        timeOf: this.timeOf,
      },
      applyFills,
    );
    const { differences } = report;
    this.options.logger.info(
      { ...report, differences: differences.length },
      differences.length === 0 ? 'reconciled with TWS: no differences' : 'reconciled with TWS',
    );
    for (const line of differences) this.options.logger.info(line);
    return report;
  }

  private listen(): void {
    const client = this.client;
    client.on(EventName.openOrder, (orderId: number, contract: Contract, order: Order, state: OrderState) => {
      this.onOpenOrder(orderId, contract, order, state);
    });
    client.on(EventName.openOrderEnd, () => {
      this.run?.openOrderEnd();
    });
    client.on(
      EventName.orderStatus,
      (
        orderId: number,
        status: string,
        filled: number,
        _remaining: number,
        _avg: number,
        _perm: number,
        _parent: number,
        _last: number,
        clientId?: number,
      ) => {
        this.onOrderStatus(orderId, status, filled, clientId);
      },
    );
    client.on(EventName.execDetails, (reqId: number, contract: Contract, execution: Execution) => {
      const run = this.run;
      if (run !== undefined && reqId === run.reqId) run.execution(contract, execution);
      else if (!this.isOurs(execution)) return;
      else if (run !== undefined) run.liveExecution(contract, execution);
      else this.bookExecution(contract, execution);
    });
    client.on(EventName.execDetailsEnd, (reqId: number) => {
      if (this.run !== undefined && reqId === this.run.reqId) this.run.executionsEnd();
    });
    client.on(EventName.commissionReport, (report: CommissionReport) => {
      this.booker.commissionReport(report.execId, report.commission);
    });
    client.onMessage((id, code, message) => {
      this.onMessage(id, code, message);
    });
    client.onClosed(() => {
      this.booker.pause();
      this.run?.fail('the connection to TWS was lost during reconciliation');
    });
  }

  private onOpenOrder(orderId: number, contract: Contract, order: Order, state: OrderState): void {
    if (order.clientId !== undefined && order.clientId !== this.clientId) return;
    this.options.orderIds.advanceTo(orderId + 1);
    const ibState = orderStateOf(state.status);
    const run = this.run;
    if (run !== undefined && isOpenState(ibState)) run.openOrder(orderId, contract, order, state.status);
    if (this.tracker.has(orderId)) {
      if (order.totalQuantity !== undefined) this.tracker.resized(orderId, order.totalQuantity);
      if (ibState !== undefined) this.tracker.status(orderId, ibState, undefined);
      return;
    }
    // Unknown and open: an order of an earlier session (TWS lists them on connection). A reconciliation in progress
    // adopts it once the executions are in, so that its quantity is right.
    // Orders placed by hand in TWS carry no positive id of this client; they are not ours to follow.
    if (run !== undefined || !isOpenState(ibState) || orderId <= 0) return;
    const filledBefore = order.filledQuantity ?? 0;
    const quantity = (order.totalQuantity ?? 0) - filledBefore;
    const request =
      quantity > 0
        ? requestFromIbOrder(orderId, contract.symbol ?? '', order, quantity, this.options.clock.now())
        : undefined;
    if (request === undefined) {
      this.options.logger.warn(
        { orderId, type: order.orderType },
        'open order of a type this system does not place: left alone',
      );
      return;
    }
    this.tracker.adopt(request, ibState!, filledBefore);
    this.options.logger.info(describeOrder(request), 'adopted an open order reported by TWS');
  }

  private onOrderStatus(orderId: number, status: string, filled: number, clientId: number | undefined): void {
    if (clientId !== undefined && clientId !== this.clientId) return;
    this.options.orderIds.advanceTo(orderId + 1);
    this.run?.orderStatus(orderId, filled);
    const state = orderStateOf(status);
    if (state === undefined) {
      this.options.logger.debug({ orderId, status }, 'order status without a meaning here');
      return;
    }
    this.tracker.status(orderId, state, filled);
  }

  private onMessage(id: number, code: number, message: string): void {
    // TWS without its connection to IB sends no commission report until the connection is back (1101/1102).
    if (code === IbCode.ConnectivityLost) this.booker.pause();
    else if (code === IbCode.RestoredDataLost || code === IbCode.RestoredDataKept) this.booker.resume();
    // Request ids live at 100,000,000 and above (IbClient): errors about them belong to other modules.
    if (id <= 0 || id >= 100_000_000) return;
    this.tracker.error(id, code, message);
  }

  private isOurs(execution: Execution): boolean {
    return execution.clientId === undefined || execution.clientId === this.clientId;
  }

  /** Books an execution as a fill (once per execId), counting it on the order and in the OER. */
  private bookExecution(contract: Contract, execution: Execution): 'booked' | 'duplicate' | 'correction' {
    const execId = execution.execId;
    const orderId = execution.orderId ?? 0;
    if (execId === undefined || execId === '') {
      this.options.logger.warn({ orderId }, 'execution without an execId ignored');
      return 'duplicate';
    }
    if (this.booker.has(execId)) return 'duplicate';
    if (orderId > 0) this.options.orderIds.advanceTo(orderId + 1);
    const tracked = this.tracker.get(orderId)?.request;
    const ref = parseOrderRef(execution.orderRef);
    const side = tracked?.side ?? (execution.side === 'SLD' ? OrderSide.Sell : OrderSide.Buy);
    let time = parseIbExecutionTime(execution.time, this.twsZone);
    if (time === undefined) {
      time = this.options.clock.now();
      this.options.logger.warn({ execId, time: execution.time }, 'unreadable execution time: the fill is stamped now');
    }
    const strategyId = tracked?.strategyId ?? ref?.strategyId;
    this.tracker.executing(orderId);
    const result = this.booker.book({
      orderId,
      execId,
      symbol: tracked?.symbol ?? contract.symbol ?? '',
      side,
      quantity: execution.shares ?? 0,
      price: execution.price ?? 0,
      time,
      purpose: tracked?.purpose ?? ref?.purpose ?? (side === OrderSide.Buy ? 'entry' : 'exit'),
      ...(strategyId === undefined ? {} : { strategyId }),
    });
    if (result !== 'booked') return result;
    if (tracked === undefined) {
      // An order of ours (its orderRef says so) that ended while no session followed it is expected after a restart;
      // anything else traded on this client id by another program deserves a look.
      const fields = { execId, orderId, symbol: contract.symbol };
      if (ref === undefined) this.options.logger.warn(fields, 'execution of an order not placed by this system');
      else this.options.logger.info(fields, 'execution of an order of an earlier session booked');
    }
    this.tracker.executed(orderId, execution.shares ?? 0);
    this.oerChanged(this.options.oer.executed(orderId, time));
    return result;
  }

  /** Sends a cancel unless the order has ended or a cancel is already on its way; true when one was sent. */
  private requestCancel(orderId: number, reason: string): boolean {
    const order = this.tracker.get(orderId);
    if (order === undefined || order.ended) {
      this.options.logger.debug({ orderId, reason }, 'cancel of an order that is not working: nothing to do');
      return false;
    }
    if (order.cancelReason !== undefined) return false;
    if (this.options.readOnly) {
      this.options.logger.info(
        { orderId, symbol: order.request.symbol, reason },
        'read-only session: would cancel order',
      );
      return false;
    }
    const sent = this.client.send((api) => {
      // An empty manual cancel time: from server version 169 @stoqey sends the field, and "" means "now".
      api.cancelOrder(orderId, '');
    });
    if (!sent) {
      this.options.logger.warn(
        { orderId, reason },
        'not connected to TWS: cancel not sent; the order stays at the broker',
      );
      return false;
    }
    this.tracker.cancelRequested(orderId, reason);
    this.oerChanged(this.options.oer.cancelled(this.options.clock.now()));
    return true;
  }

  /** The counting happens here, so the warning does too; halting entries is the node's gate (the ratio itself). */
  private oerChanged(change: OerChange | undefined): void {
    if (change === undefined) return;
    const context = { ...change.counts, ratio: Number(change.ratio.toFixed(2)), from: change.from };
    if (change.to === 'halt') {
      this.options.logger.error(context, 'order efficiency ratio above the halt level: no new entries today');
    } else if (change.to === 'warn') {
      this.options.logger.warn(context, 'order efficiency ratio above the warning level');
    } else {
      this.options.logger.info(context, 'order efficiency ratio reset for the new day');
    }
  }

  /**
   * A bracket is all or nothing, as in the simulated venue: when a child fails before its parent has filled, the
   * parent is cancelled (TWS then cancels the staged siblings), so that no entry works without its protection.
   */
  private cancelBracketOf(order: IbTrackedOrder): void {
    const parentId = order.request.parentId;
    if (parentId === undefined) return;
    const parent = this.tracker.get(parentId);
    if (parent === undefined || parent.ended) return;
    if (parent.filled > 0) {
      this.options.logger.error(
        { orderId: order.request.id, parentId },
        'a protective order failed after its entry filled: the position is not protected by it',
      );
      return;
    }
    this.requestCancel(parentId, `bracket child ${order.request.id} failed`);
  }

  private problemWith(event: OrderEvent): string | undefined {
    const parent = event.order;
    for (const order of [parent, ...event.children]) {
      const invalid = validateOrder(order);
      if (invalid !== undefined) return invalid;
      if (this.tracker.has(order.id)) return `order ${order.id}: id was already used`;
      if (this.options.contracts(order.symbol) === undefined) {
        return `order ${order.id}: no qualified IB contract for ${order.symbol}`;
      }
    }
    for (const child of event.children) {
      if (child.parentId !== parent.id) {
        return `order ${child.id}: a bracket child must have parentId ${parent.id}, not ${String(child.parentId)}`;
      }
      if (child.symbol !== parent.symbol) return `order ${child.id}: must trade its parent's symbol ${parent.symbol}`;
    }
    if (new Set([parent.id, ...event.children.map((c) => c.id)]).size !== event.children.length + 1) {
      return `order ${parent.id}: a bracket uses one id twice`;
    }
    return undefined;
  }

  /** Fails orders that were never sent (nothing was tracked for them). */
  private failAll(orders: readonly OrderRequest[], reason: string, code?: number): void {
    const time = this.options.clock.now();
    for (const order of orders) {
      this.outbox.emit(order.symbol, {
        type: 'order_failed',
        time,
        orderId: order.id,
        symbol: order.symbol,
        reason,
        ...(code === undefined ? {} : { code }),
      });
    }
  }

  /** Fails orders already tracked but not sent. */
  private failTracked(orders: readonly OrderRequest[], reason: string, code: number): void {
    for (const order of orders) {
      if (!this.tracker.has(order.id)) this.tracker.sent(order);
      this.tracker.error(order.id, code, reason);
    }
  }
}

export type { IbContractFields, IbTradableContract } from './ib-order-mapping.js';
export type { ReconcileOptions, ReconcileReport } from './ib-reconciliation.js';
export type { IbWorkingOrder } from './ib-working-order.js';
