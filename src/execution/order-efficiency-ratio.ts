import { MS_PER_DAY, dayNumber, formatDate } from '../domain/time.js';

export type OerState = 'ok' | 'warn' | 'halt';

/** The day's order activity as IB's ratio counts it. */
export interface OerCounts {
  /** Exchange day (days since 1970-01-01) the counts belong to. */
  readonly day: number;
  readonly submissions: number;
  readonly modifications: number;
  readonly cancellations: number;
  /** Orders with at least one execution today (several executions of one order count once). */
  readonly executedOrders: number;
}

/** The ratio's state changed: a new day reset it, or the day's activity crossed a threshold. */
export interface OerChange {
  readonly from: OerState;
  readonly to: OerState;
  readonly ratio: number;
  readonly counts: OerCounts;
}

export interface OrderEfficiencyRatioOptions {
  /** Above this ratio the day's activity is worth a warning. */
  readonly warnRatio: number;
  /** Above this ratio no new entries for the rest of the day (IB calls a ratio above 20 excessive). */
  readonly haltRatio: number;
  /**
   * Order messages (submissions + modifications + cancellations) the day needs before warn or halt can trigger;
   * default 20. Below it the ratio says nothing: one cancelled bracket is 3 submissions and a cancel against no
   * execution, a ratio of 4, and a quiet day of a few such brackets would read as "excessive". IB aims the ratio at
   * automated systems sending thousands of orders with little execution, not at a client with a handful of orders.
   */
  readonly minMessages?: number;
  /** Called on every state change, e.g. to log the warning and hold entries. */
  readonly onChange?: (change: OerChange) => void;
}

export const DEFAULT_OER_MIN_MESSAGES = 20;

const RANK: Readonly<Record<OerState, number>> = { ok: 0, warn: 1, halt: 2 };

/**
 * IB's daily Order Efficiency Ratio: (submissions + modifications + cancellations) / (executed orders + 1), counted
 * per exchange day from the times the caller passes (the day changes with the first count or query of a new day).
 * Count only what this client sends: IB's own cancellations (DAY orders expiring, OCA siblings) do not count.
 *
 * The state only escalates within a day (ok → warn → halt): an execution later in the day lowers the ratio, but
 * entries that resumed and halted again with every fill would make the day's trading depend on noise.
 */
export class OrderEfficiencyRatio {
  private readonly warnRatio: number;
  private readonly haltRatio: number;
  private readonly minMessages: number;
  private readonly onChange: ((change: OerChange) => void) | undefined;
  private day = Number.NEGATIVE_INFINITY;
  private submissions = 0;
  private modifications = 0;
  private cancellations = 0;
  private readonly executedIds = new Set<number>();
  private current: OerState = 'ok';
  /** The day change the last roll made, handed out by the count that caused it. */
  private rolled: OerChange | undefined;

  constructor(options: OrderEfficiencyRatioOptions) {
    const { warnRatio, haltRatio } = options;
    if (!(Number.isFinite(warnRatio) && warnRatio > 0)) throw new RangeError(`warnRatio ${warnRatio} must be > 0`);
    if (!(Number.isFinite(haltRatio) && haltRatio >= warnRatio)) {
      throw new RangeError(`haltRatio ${haltRatio} must be a number ≥ warnRatio ${warnRatio}`);
    }
    const minMessages = options.minMessages ?? DEFAULT_OER_MIN_MESSAGES;
    if (!(Number.isSafeInteger(minMessages) && minMessages >= 0)) {
      throw new RangeError(`minMessages ${minMessages} must be a whole number ≥ 0`);
    }
    this.warnRatio = warnRatio;
    this.haltRatio = haltRatio;
    this.minMessages = minMessages;
    this.onChange = options.onChange;
  }

  /** Orders sent (each order of a bracket is one submission). */
  submitted(time: number, count = 1): OerChange | undefined {
    if (!this.roll(time)) return undefined;
    this.submissions += count;
    return this.evaluate() ?? this.takeRolled();
  }

  /** Modifications of working orders (an order re-sent with its id). */
  modified(time: number, count = 1): OerChange | undefined {
    if (!this.roll(time)) return undefined;
    this.modifications += count;
    return this.evaluate() ?? this.takeRolled();
  }

  /** Cancel requests sent. */
  cancelled(time: number, count = 1): OerChange | undefined {
    if (!this.roll(time)) return undefined;
    this.cancellations += count;
    return this.evaluate() ?? this.takeRolled();
  }

  /** An execution of `orderId`: the order counts as executed once a day however many partial fills it gets. */
  executed(orderId: number, time: number): OerChange | undefined {
    if (!this.roll(time)) return undefined;
    if (this.executedIds.has(orderId)) return this.takeRolled();
    this.executedIds.add(orderId);
    return this.evaluate() ?? this.takeRolled();
  }

  /** The ratio of the day counted last. */
  get ratio(): number {
    return this.messages / (this.executedIds.size + 1);
  }

  get state(): OerState {
    return this.current;
  }

  counts(): OerCounts {
    return {
      day: this.day,
      submissions: this.submissions,
      modifications: this.modifications,
      cancellations: this.cancellations,
      executedOrders: this.executedIds.size,
    };
  }

  /**
   * Why no entry may open at `time`, or null: the router's EntryGate. A halt lasts for the rest of its exchange day;
   * asking on a later day starts that day afresh.
   */
  entryBlockReason(time: number): string | null {
    this.roll(time);
    this.rolled = undefined;
    if (this.current !== 'halt') return null;
    return `order efficiency ratio ${this.ratio.toFixed(1)} is above ${this.haltRatio} on ${formatDate(this.day * MS_PER_DAY)}: no new entries until the next day`;
  }

  private get messages(): number {
    return this.submissions + this.modifications + this.cancellations;
  }

  /** Moves to the day of `time`; false for a time of an earlier day, which counts for nothing. */
  private roll(time: number): boolean {
    const day = dayNumber(time);
    if (day === this.day) return true;
    if (day < this.day) return false;
    const from = this.current;
    this.day = day;
    this.submissions = 0;
    this.modifications = 0;
    this.cancellations = 0;
    this.executedIds.clear();
    this.current = 'ok';
    if (from !== 'ok') {
      this.rolled = { from, to: 'ok', ratio: 0, counts: this.counts() };
      this.onChange?.(this.rolled);
    }
    return true;
  }

  private takeRolled(): OerChange | undefined {
    const rolled = this.rolled;
    this.rolled = undefined;
    return rolled;
  }

  private evaluate(): OerChange | undefined {
    const reached = this.reached();
    if (RANK[reached] <= RANK[this.current]) return undefined;
    const change: OerChange = { from: this.current, to: reached, ratio: this.ratio, counts: this.counts() };
    this.current = reached;
    this.onChange?.(change);
    return change;
  }

  private reached(): OerState {
    if (this.messages < this.minMessages) return 'ok';
    const ratio = this.ratio;
    if (ratio > this.haltRatio) return 'halt';
    if (ratio > this.warnRatio) return 'warn';
    return 'ok';
  }
}
