import type { Fill } from '../../domain/fill.js';
import type { CommissionModel } from '../../execution/commission-model.js';
import type { Logger } from '../../logging/logger.js';
import { decimalValue } from '../../performance/decimal-format.js';
import type { IbEventOutbox, OutboxSlot } from './ib-event-outbox.js';

/** An execution as the fill it becomes, before its commission is known. */
export type FillDraft = Omit<Fill, 'commission'>;

export interface IbFillBookerOptions {
  readonly outbox: IbEventOutbox;
  /** The fallback when IB's commission report does not come in time. */
  readonly commission: CommissionModel;
  /** How long a fill waits for its commission report; 0 books it at once with the estimate. */
  readonly commissionWaitMs: number;
  readonly logger: Logger;
  /** The time of a commission correction. */
  readonly now: () => number;
}

/** What booking an execution did. */
export type BookResult = 'booked' | 'duplicate' | 'correction';

interface Booked {
  readonly draft: FillDraft;
  /** The commission the fill was booked with, undefined while it waits. */
  commission: number | undefined;
  estimated: boolean;
}

interface Waiting {
  readonly booked: Booked;
  readonly slot: OutboxSlot;
  /** Undefined while the wait is paused (no connection to TWS). */
  timer: NodeJS.Timeout | undefined;
}

/** A commission report this close to the estimate booked before it only confirms it. */
const HALF_CENT = 0.005;

/** Commission reports of executions not seen yet are kept this long (they normally follow their execution). */
const MAX_EARLY_REPORTS = 1000;

/**
 * How long after a fill is booked with the estimate its report is still booked when it comes (wall time, the
 * connection up). Meanwhile the account's cash is not compared with IB's, which may or may not include the commission
 * yet; after it, IB's cash is the truth again and a report still later is only logged, as booking it could pay the
 * commission a second time on top of IB's figure.
 */
export const REPORT_DOUBT_MS = 5 * 60_000;

/**
 * Turns IB executions into fills exactly once per execId, each with the commission of IB's commissionReport
 * matched by execId. IB repeats executions (reqExecutions after a reconnection, TWS re-sending) and the report may
 * come before or after its execution, or not at all: a fill waits up to `commissionWaitMs` for it, then is booked
 * with the model's estimate, and a report arriving later corrects it (a `commission_corrected` event: the difference
 * is paid or refunded). The wait stops while TWS cannot send the report (connection lost) and starts again in full
 * when it can: after a reconnection, the reconciliation's executions come with their reports, so a fill executed just
 * before a disconnection still gets IB's commission.
 */
export class IbFillBooker {
  /** Every execution booked; null for those only marked seen. */
  private readonly booked = new Map<string, Booked | null>();
  /** execId without its last dotted part → the execId booked: IB marks corrections by changing that part. */
  private readonly bases = new Map<string, string>();
  private readonly early = new Map<string, number>();
  private readonly waiting = new Map<string, Waiting>();
  /** Fills booked with the estimate whose report has not come: execId → since when (wall ms) it is expected. */
  private readonly unreported = new Map<string, number>();
  private settledWaiters: { readonly ids: ReadonlySet<string>; readonly done: () => void }[] = [];
  private paused = false;

  constructor(private readonly options: IbFillBookerOptions) {}

  /** Whether the execution was booked (or marked seen) before. */
  has(execId: string): boolean {
    return this.booked.has(execId);
  }

  /** Fills waiting for their commission report. */
  get pending(): number {
    return this.waiting.size;
  }

  /**
   * Fills booked with the estimate whose report may still come (for `REPORT_DOUBT_MS`): while there are any, our cash
   * and IB's can differ by their commissions, and comparing them would book a difference the reports book again.
   */
  commissionsInDoubt(): number {
    const expired = Date.now() - REPORT_DOUBT_MS;
    for (const [execId, since] of this.unreported) if (since < expired) this.unreported.delete(execId);
    return this.unreported.size;
  }

  /** Execution ids booked or marked seen, for a journal. */
  execIds(): string[] {
    return [...this.booked.keys()];
  }

  /**
   * Records an execution whose effect is already accounted for (a journal's execIds, today's executions at a
   * start-up whose positions come from the account), so that IB repeating it books nothing.
   */
  markSeen(execId: string): void {
    if (this.booked.has(execId)) return;
    this.booked.set(execId, null);
    this.bases.set(baseOf(execId), execId);
    this.early.delete(execId);
  }

  /**
   * Records a fill booked with the estimate before this process (a journal's): its report, which IB sends with the
   * executions of the reconciliation, corrects the commission as a report after the estimate does.
   */
  expectReport(fill: Fill): void {
    const { commission, commissionEstimated: _estimated, ...draft } = fill;
    this.booked.set(fill.execId, { draft, commission, estimated: true });
    this.bases.set(baseOf(fill.execId), fill.execId);
    this.unreported.set(fill.execId, Date.now());
  }

  /**
   * IB's cash has just been taken as the truth: it holds the commissions of every execution IB made, so a report
   * still expected could only pay its commission a second time. A report that comes after this is only logged.
   * Returns the executions that keep the estimate.
   */
  forgetReports(): string[] {
    const ids = [...this.unreported.keys()];
    this.unreported.clear();
    return ids;
  }

  /**
   * Books an execution: its fill leaves (in its symbol's lane of the outbox) when the commission is known. A repeat
   * books nothing; a correction (same execution, new last part of the id) is logged and not booked, as reversing a
   * fill is beyond what the engine's events can say.
   */
  book(draft: FillDraft): BookResult {
    const { execId } = draft;
    if (this.booked.has(execId)) return 'duplicate';
    const base = baseOf(execId);
    const corrected = this.bases.get(base);
    if (corrected !== undefined) {
      const previous = this.booked.get(corrected)?.draft;
      this.options.logger.error(
        {
          execId,
          corrects: corrected,
          orderId: draft.orderId,
          symbol: draft.symbol,
          quantity: draft.quantity,
          price: draft.price,
          previousQuantity: previous?.quantity,
          previousPrice: previous?.price,
        },
        'IB corrected an execution; the correction is not booked: check the position and cash against the account',
      );
      return 'correction';
    }
    const booked: Booked = { draft, commission: undefined, estimated: false };
    this.booked.set(execId, booked);
    this.bases.set(base, execId);
    const reported = this.early.get(execId);
    if (reported !== undefined) {
      this.early.delete(execId);
      booked.commission = reported;
      this.options.outbox.emit(draft.symbol, fillEvent(draft, reported));
      return 'booked';
    }
    const slot = this.options.outbox.reserve(draft.symbol);
    if (this.options.commissionWaitMs <= 0) {
      this.bookEstimate(booked, slot, 0);
      return 'booked';
    }
    this.waiting.set(execId, { booked, slot, timer: this.paused ? undefined : this.expireLater(execId) });
    return 'booked';
  }

  /** TWS can send no commission report for now (the connection is lost): the fills waiting for one keep waiting. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    for (const waiting of this.waiting.values()) {
      clearTimeout(waiting.timer);
      waiting.timer = undefined;
    }
  }

  /** TWS can send commission reports again: each fill still waiting gets the whole wait from now. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const [execId, waiting] of this.waiting) waiting.timer = this.expireLater(execId);
    const now = Date.now();
    for (const execId of this.unreported.keys()) this.unreported.set(execId, now);
  }

  /** IB's commission report for an execution. */
  commissionReport(execId: string | undefined, commission: number | undefined): void {
    if (execId === undefined || execId === '') return;
    // IB fills unknown amounts with Double.MAX_VALUE; such a report is no report.
    if (commission === undefined || !Number.isFinite(commission) || Math.abs(commission) >= 1e300) return;
    const waiting = this.waiting.get(execId);
    if (waiting !== undefined) {
      this.waiting.delete(execId);
      clearTimeout(waiting.timer);
      waiting.booked.commission = commission;
      this.options.outbox.fulfil(waiting.slot, fillEvent(waiting.booked.draft, commission));
      this.notifySettled();
      return;
    }
    const booked = this.booked.get(execId);
    if (booked === null) return;
    if (booked === undefined) {
      if (this.early.size >= MAX_EARLY_REPORTS) this.early.delete(this.early.keys().next().value!);
      this.early.set(execId, commission);
      return;
    }
    if (booked.estimated && booked.commission !== undefined) {
      const { draft } = booked;
      const estimate = booked.commission;
      booked.estimated = false;
      const since = this.unreported.get(execId);
      this.unreported.delete(execId);
      if (since === undefined || Date.now() - since > REPORT_DOUBT_MS) {
        this.options.logger.warn(
          { execId, orderId: draft.orderId, symbol: draft.symbol, estimated: estimate, reported: commission },
          "IB commission report arrived too late to be booked: IB's cash, which includes it, rules the account by now",
        );
        return;
      }
      booked.commission = commission;
      const difference = decimalValue(commission - estimate);
      // Within half a cent the estimate was right: worth a line in the log, not a warning.
      const level = Math.abs(difference) < HALF_CENT ? 'info' : 'warn';
      this.options.logger[level](
        {
          execId,
          orderId: draft.orderId,
          symbol: draft.symbol,
          estimated: decimalValue(estimate),
          reported: commission,
          difference,
        },
        'IB commission report arrived after the fill was booked with the estimate: the difference is booked',
      );
      // Also when it equals the estimate: the journal then holds IB's figure, which a restart need not ask for again.
      this.options.outbox.emit(draft.symbol, {
        type: 'commission_corrected',
        time: Math.max(this.options.now(), draft.time),
        execId,
        orderId: draft.orderId,
        symbol: draft.symbol,
        side: draft.side,
        fillTime: draft.time,
        commission,
        estimate,
      });
    }
  }

  /** Books every waiting fill with its estimate now (shutdown); returns how many there were. */
  settleAll(): number {
    const ids = [...this.waiting.keys()];
    for (const execId of ids) this.expire(execId);
    return ids.length;
  }

  /** Resolves once none of `execIds` waits for its commission any more. */
  whenSettled(execIds: Iterable<string>): Promise<void> {
    const ids = new Set([...execIds].filter((id) => this.waiting.has(id)));
    if (ids.size === 0) return Promise.resolve();
    return new Promise((done) => {
      this.settledWaiters.push({ ids, done });
    });
  }

  private expireLater(execId: string): NodeJS.Timeout {
    return setTimeout(() => {
      // Timers run before the socket is read in a turn of the event loop: after the process was held up longer
      // than the wait (a loaded machine, a long GC), a report already received would otherwise come too late.
      setImmediate(() => {
        this.expire(execId);
      });
    }, this.options.commissionWaitMs);
  }

  private expire(execId: string): void {
    const waiting = this.waiting.get(execId);
    if (waiting === undefined) return;
    this.waiting.delete(execId);
    clearTimeout(waiting.timer);
    this.bookEstimate(waiting.booked, waiting.slot, this.options.commissionWaitMs);
    this.notifySettled();
  }

  private bookEstimate(booked: Booked, slot: OutboxSlot, waitedMs: number): void {
    const { draft } = booked;
    const estimate = this.options.commission.commission(
      draft.side,
      draft.quantity,
      draft.price,
      draft.time,
      draft.orderId,
    );
    booked.commission = estimate;
    booked.estimated = true;
    this.unreported.set(draft.execId, Date.now());
    this.options.logger.warn(
      { execId: draft.execId, orderId: draft.orderId, symbol: draft.symbol, estimate, waitedMs },
      'no IB commission report for the execution: booked with the commission model estimate',
    );
    this.options.outbox.fulfil(slot, fillEvent(draft, estimate, true));
  }

  private notifySettled(): void {
    if (this.settledWaiters.length === 0) return;
    const still: typeof this.settledWaiters = [];
    for (const waiter of this.settledWaiters) {
      let open = false;
      for (const id of waiter.ids) if (this.waiting.has(id)) open = true;
      if (open) still.push(waiter);
      else waiter.done();
    }
    this.settledWaiters = still;
  }
}

function baseOf(execId: string): string {
  const dot = execId.lastIndexOf('.');
  return dot < 0 ? execId : execId.slice(0, dot);
}

function fillEvent(
  draft: FillDraft,
  commission: number,
  estimated = false,
): { type: 'fill'; time: number; fill: Fill } {
  return {
    type: 'fill',
    time: draft.time,
    fill: { ...draft, commission, ...(estimated && { commissionEstimated: true }) },
  };
}
