/**
 * Client-side pacing of IB historical-data requests (TWS API docs, "Historical Data Limitations" and "Pacing
 * Violations for Small Bars"). Pure scheduling: it knows keys and times, never the socket, so it can be tested with
 * fake time and reused by anything that asks IB for history.
 */

import { SlidingWindowCounter } from './sliding-window-counter.js';

/** IB's historical-data limits. */
export const HISTORY_LIMITS = {
  /** Simultaneous open requests, any bar size. */
  maxOpen: 50,
  /** No identical small-bar request within this window. */
  identicalWindowMs: 15_000,
  /** At most `sameContractMax` small-bar requests for one contract, exchange and tick type within this window. */
  sameContractWindowMs: 2_000,
  sameContractMax: 5,
  /** At most `tenMinuteMax` small-bar requests within any ten minutes. */
  tenMinuteWindowMs: 600_000,
  tenMinuteMax: 60,
  /** Bars of this many seconds or fewer are "small bars". */
  smallBarMaxSeconds: 30,
} as const;

/** Why a request waits. */
export const PacingReason = {
  MaxOpen: 'max-open',
  Identical: 'identical-request',
  SameContract: 'same-contract',
  TenMinutes: 'ten-minute-window',
  /** An earlier queued request waits for the same budget; FIFO keeps it ahead. */
  Behind: 'behind-earlier-request',
} as const;
export type PacingReason = (typeof PacingReason)[keyof typeof PacingReason];

export interface PacedRequestKey {
  /** Everything that makes two requests identical (contract, end, duration, bar size, what to show, RTH). */
  readonly identityKey: string;
  /** Contract, exchange and tick type (what to show). */
  readonly contractKey: string;
  /** Bar size of 30 seconds or less: the small-bar rules apply. */
  readonly smallBars: boolean;
  /** BID_ASK counts twice. */
  readonly weight?: 1 | 2;
}

/** An error IB answered a request with (the `error` event's code and text). */
export class IbRequestError extends Error {
  override readonly name = 'IbRequestError';

  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const HISTORICAL_DATA_ERROR = 162;

/**
 * IB answers pacing violations and empty results with the same code 162; only the text tells them apart. A "no
 * data" answer would be the same on every retry, so only the pacing text is worth retrying.
 */
export function isPacingViolation(code: number, message: string): boolean {
  return code === HISTORICAL_DATA_ERROR && /pacing violation/i.test(message);
}

export interface HistoryPacerOptions {
  /** Simultaneous open requests allowed (IB's limit is 50; stay below it when other code also asks for history). */
  readonly maxOpen: number;
  /** Retries after a pacing violation before the error propagates (default 5). */
  readonly retries?: number;
  /** First delay after a pacing violation, doubling on each further one (default 2000 ms). */
  readonly initialBackoffMs?: number;
  /** Cap on the backoff delay (default 60 000 ms). */
  readonly maxBackoffMs?: number;
  /**
   * Added to every time window (default 100 ms). IB measures the windows on its side: a request delayed on the way
   * (our outgoing message queue, the network) and the next one sent on time can arrive closer together than we sent
   * them, so a request sent exactly as a window closes could still be counted inside it.
   */
  readonly marginMs?: number;
  /** Wall clock in ms; injectable for tests. */
  readonly now?: () => number;
  /** Timer; injectable for tests. */
  readonly setTimer?: (callback: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
  /** A request could not start at once: why, and the estimated wait (0 when it waits for an open request to end). */
  readonly onWait?: (info: { readonly key: PacedRequestKey; readonly waitMs: number; readonly reason: string }) => void;
  /** A request was refused for pacing and will be retried after `delayMs`. */
  readonly onRetry?: (info: {
    readonly key: PacedRequestKey;
    readonly attempt: number;
    readonly delayMs: number;
    readonly message: string;
  }) => void;
}

export interface HistoryPacerStats {
  /** Attempts started, retries included. */
  readonly started: number;
  /** Retries after a pacing violation. */
  readonly retried: number;
  /** Attempts started and not yet settled. */
  readonly open: number;
  /** Requests waiting to start (including those backing off before a retry). */
  readonly queued: number;
  /** Longest a request waited for the rules before an attempt started (backoff delays excluded). */
  readonly longestWaitMs: number;
}

interface Entry {
  /** Arrival order; a retry keeps its place ahead of later requests. */
  readonly seq: number;
  readonly key: PacedRequestKey;
  readonly weight: number;
  /** The cancelQueued generation it belongs to: attempts in flight across a cancel are not retried. */
  readonly epoch: number;
  readonly attempt: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Not before this time (the end of a backoff delay). */
  notBefore: number;
  /** Since when the entry has been ready and waiting for the rules. */
  readyAt: number;
  retries: number;
  waitReported: boolean;
}

type Verdict =
  | { readonly kind: 'start' }
  | {
      readonly kind: 'wait';
      readonly reason: PacingReason;
      /** When its own rules allow it; undefined when that depends on something else finishing first. */
      readonly until: number | undefined;
      /** Later small-bar requests for the same contract must wait behind it (FIFO within a contract). */
      readonly holdsContract: boolean;
      /** Later small-bar requests must wait behind it for the ten-minute budget. */
      readonly holdsWindow: boolean;
    };

/**
 * Starts historical requests no faster than IB's rules allow: at most `maxOpen` open at once and, for bars of 30 s
 * or less, no identical request within 15 s, at most five per contract/exchange/tick type within 2 s, at most 60
 * within 10 minutes, each request counted in those windows from its answer (IB counts it on arrival, which can be
 * well after we sent it, and is never after it answered). IB counts a BID_ASK request twice; we weigh it two in
 * both counts, which can only err on the safe side. Queued requests start in arrival order as the rules allow; a request
 * held back only by its own contract's budget does not hold back other contracts, so a start-up asking for many
 * symbols proceeds at the global rate rather than one contract's. One timer at a time, set for the earliest moment
 * something can start.
 *
 * A refusal for pacing (IB's clock or another client can disagree with ours) is retried with exponential backoff.
 */
export class HistoryPacer {
  private readonly maxOpen: number;
  private readonly retries: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly identicalWindowMs: number;
  private readonly sameContractWindowMs: number;
  private readonly now: () => number;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;
  private readonly onWait: HistoryPacerOptions['onWait'];
  private readonly onRetry: HistoryPacerOptions['onRetry'];

  private readonly window: SlidingWindowCounter;
  private readonly contracts = new Map<string, SlidingWindowCounter>();
  /** Last start of each small-bar identity within the identical-request window. */
  private readonly identities = new Map<string, number>();
  private queue: Entry[] = [];
  private seq = 0;
  private epoch = 0;
  private openCount = 0;
  private startedCount = 0;
  private retriedCount = 0;
  private longestWait = 0;
  private timer: unknown = undefined;
  private timerAt = Infinity;
  private pumping = false;
  private again = false;

  constructor(options: HistoryPacerOptions) {
    const { maxOpen } = options;
    if (!(Number.isInteger(maxOpen) && maxOpen > 0 && maxOpen <= HISTORY_LIMITS.maxOpen)) {
      throw new RangeError(`maxOpen ${maxOpen} must be a whole number from 1 to ${HISTORY_LIMITS.maxOpen}`);
    }
    this.maxOpen = maxOpen;
    this.retries = options.retries ?? 5;
    this.initialBackoffMs = options.initialBackoffMs ?? 2_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    if (!(Number.isInteger(this.retries) && this.retries >= 0)) throw new RangeError(`retries ${this.retries} < 0`);
    const margin = options.marginMs ?? 100;
    if (!(margin >= 0)) throw new RangeError(`marginMs ${margin} must be ≥ 0`);
    this.identicalWindowMs = HISTORY_LIMITS.identicalWindowMs + margin;
    this.sameContractWindowMs = HISTORY_LIMITS.sameContractWindowMs + margin;
    this.window = new SlidingWindowCounter(HISTORY_LIMITS.tenMinuteMax, HISTORY_LIMITS.tenMinuteWindowMs + margin);
    this.now = options.now ?? (() => Date.now());
    this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.clearTimer =
      options.clearTimer ??
      ((timer) => {
        clearTimeout(timer as NodeJS.Timeout);
      });
    this.onWait = options.onWait;
    this.onRetry = options.onRetry;
  }

  /** Runs `attempt` once the rules allow, retrying it after pacing refusals; settles as the last attempt does. */
  run<T>(key: PacedRequestKey, attempt: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const now = this.now();
      this.queue.push({
        seq: this.seq++,
        key,
        weight: key.weight ?? 1,
        epoch: this.epoch,
        attempt,
        resolve: (value) => {
          resolve(value as T);
        },
        reject,
        notBefore: now,
        readyAt: now,
        retries: 0,
        waitReported: false,
      });
      this.pump();
    });
  }

  get stats(): HistoryPacerStats {
    return {
      started: this.startedCount,
      retried: this.retriedCount,
      open: this.openCount,
      queued: this.queue.length,
      longestWaitMs: this.longestWait,
    };
  }

  /** Rejects every queued (not yet started) request with the given error; used on shutdown. */
  cancelQueued(error: Error): void {
    const cancelled = this.queue;
    this.queue = [];
    this.epoch++;
    this.arm(Infinity);
    for (const entry of cancelled) entry.reject(error);
  }

  /** Starts whatever may start now, then sets the timer for the next moment something can. */
  private pump(): void {
    // A started attempt or a callback may call run() synchronously: the outer pass picks the new entry up.
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      let nextAt: number;
      do {
        nextAt = this.pass();
      } while (this.takeAgain());
      this.arm(nextAt);
    } finally {
      this.pumping = false;
    }
  }

  /** Whether run() was called re-entrantly since the last call: the queue needs another pass. */
  private takeAgain(): boolean {
    const again = this.again;
    this.again = false;
    return again;
  }

  /** One FIFO pass over the queue; returns when the earliest waiting entry can start by its own rules. */
  private pass(): number {
    const now = this.now();
    this.forget(now);
    let nextAt = Infinity;
    let windowHeldUntil: number | undefined;
    const contractsHeld = new Map<string, number | undefined>();
    let i = 0;
    while (i < this.queue.length) {
      const entry = this.queue[i]!;
      if (entry.notBefore > now) {
        nextAt = Math.min(nextAt, entry.notBefore);
        i++;
        continue;
      }
      const verdict = this.verdict(entry, now, contractsHeld, windowHeldUntil);
      if (verdict.kind === 'start') {
        this.queue.splice(i, 1);
        this.start(entry, now);
        continue;
      }
      if (verdict.reason !== PacingReason.Behind && verdict.until !== undefined) {
        nextAt = Math.min(nextAt, verdict.until);
      }
      if (verdict.holdsContract && !contractsHeld.has(entry.key.contractKey)) {
        contractsHeld.set(entry.key.contractKey, verdict.until);
      }
      if (verdict.holdsWindow && windowHeldUntil === undefined) windowHeldUntil = verdict.until ?? Infinity;
      if (!entry.waitReported) {
        entry.waitReported = true;
        const waitMs = verdict.until === undefined || !Number.isFinite(verdict.until) ? 0 : verdict.until - now;
        this.onWait?.({ key: entry.key, waitMs, reason: verdict.reason });
      }
      i++;
    }
    return nextAt;
  }

  private verdict(
    entry: Entry,
    now: number,
    contractsHeld: ReadonlyMap<string, number | undefined>,
    windowHeldUntil: number | undefined,
  ): Verdict {
    if (this.openCount >= this.maxOpen) {
      return { kind: 'wait', reason: PacingReason.MaxOpen, until: undefined, holdsContract: false, holdsWindow: false };
    }
    const { key, weight } = entry;
    if (!key.smallBars) return { kind: 'start' };
    if (contractsHeld.has(key.contractKey) || windowHeldUntil !== undefined) {
      // Its contract or the ten-minute budget is already promised to an earlier request.
      const until = contractsHeld.has(key.contractKey) ? contractsHeld.get(key.contractKey) : windowHeldUntil;
      return { kind: 'wait', reason: PacingReason.Behind, until, holdsContract: false, holdsWindow: false };
    }
    const identical = (this.identities.get(key.identityKey) ?? -Infinity) + this.identicalWindowMs;
    const contract = this.contracts.get(key.contractKey)?.earliest(now, weight) ?? now;
    const window = this.window.earliest(now, weight);
    const until = Math.max(identical, contract, window);
    if (until <= now) return { kind: 'start' };
    const reason =
      until === window
        ? PacingReason.TenMinutes
        : until === contract
          ? PacingReason.SameContract
          : PacingReason.Identical;
    // A request waiting only for its identical twin to age keeps no one else waiting.
    return { kind: 'wait', reason, until, holdsContract: contract > now, holdsWindow: window > now };
  }

  private start(entry: Entry, now: number): void {
    const { key, weight } = entry;
    let counter: SlidingWindowCounter | undefined;
    if (key.smallBars) {
      this.identities.set(key.identityKey, now);
      counter = this.contracts.get(key.contractKey);
      if (counter === undefined) {
        counter = new SlidingWindowCounter(HISTORY_LIMITS.sameContractMax, this.sameContractWindowMs);
        this.contracts.set(key.contractKey, counter);
      }
      // IB counts a request when it arrives, which a busy socket or server can put well after we sent it: the
      // request counts as long as it is open, and from its answer on (it arrived before that) it ages. A second
      // batch for a contract then never lands within two seconds of the first as IB saw it.
      counter.start(weight);
      this.window.start(weight);
    }
    this.openCount++;
    this.startedCount++;
    this.longestWait = Math.max(this.longestWait, now - entry.readyAt);
    const ended = (): void => {
      this.openCount--;
      if (counter === undefined) return;
      const at = this.now();
      counter.settle(at, weight);
      this.window.settle(at, weight);
    };
    // The executor turns an attempt that throws instead of rejecting into a rejection.
    const attempt = new Promise<unknown>((resolve) => {
      resolve(entry.attempt());
    });
    void attempt.then(
      (value) => {
        ended();
        entry.resolve(value);
        this.pump();
      },
      (error: unknown) => {
        ended();
        this.failed(entry, error);
        this.pump();
      },
    );
  }

  private failed(entry: Entry, error: unknown): void {
    const retry =
      error instanceof IbRequestError &&
      isPacingViolation(error.code, error.message) &&
      entry.retries < this.retries &&
      entry.epoch === this.epoch;
    if (!retry) {
      entry.reject(error);
      return;
    }
    const delayMs = Math.min(this.initialBackoffMs * 2 ** entry.retries, this.maxBackoffMs);
    entry.retries++;
    this.retriedCount++;
    entry.notBefore = this.now() + delayMs;
    entry.readyAt = entry.notBefore;
    entry.waitReported = false;
    let at = this.queue.findIndex((queued) => queued.seq > entry.seq);
    if (at < 0) at = this.queue.length;
    this.queue.splice(at, 0, entry);
    this.onRetry?.({ key: entry.key, attempt: entry.retries, delayMs, message: error.message });
  }

  /** Drops history that no rule can look at any more. */
  private forget(now: number): void {
    for (const [identity, time] of this.identities) {
      if (now >= time + this.identicalWindowMs) this.identities.delete(identity);
    }
    for (const [contract, counter] of this.contracts) {
      if (counter.isEmpty(now)) this.contracts.delete(contract);
    }
  }

  private arm(nextAt: number): void {
    if (nextAt === this.timerAt) return;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    if (!Number.isFinite(nextAt)) return;
    this.timerAt = nextAt;
    this.timer = this.setTimer(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(0, nextAt - this.now()),
    );
  }
}

/** Seconds per unit of IB's bar sizes (a month as 30 days: only "more than 30 seconds" matters here). */
const BAR_UNIT_SECONDS: Readonly<Record<string, number>> = {
  sec: 1,
  min: 60,
  hour: 3_600,
  day: 86_400,
  week: 604_800,
  month: 2_592_000,
};

/** Seconds in one of IB's bar sizes ("5 secs", "1 min", "1 day", …), or undefined when it is not one. */
function barSeconds(barSize: string): number | undefined {
  const match = /^(\d+)\s*([a-z]+?)s?$/i.exec(barSize.trim());
  if (!match) return undefined;
  const unit = BAR_UNIT_SECONDS[match[2]!.toLowerCase()];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}

/** The pacing key of a reqHistoricalData request. */
export function historyRequestKey(req: {
  readonly symbol: string;
  readonly exchange: string;
  readonly endDateTime: string;
  readonly duration: string;
  readonly barSize: string;
  readonly whatToShow: string;
  readonly useRth: boolean;
}): PacedRequestKey {
  const symbol = req.symbol.trim().toUpperCase();
  const exchange = req.exchange.trim().toUpperCase();
  const what = req.whatToShow.trim().toUpperCase();
  const barSize = req.barSize.trim().toLowerCase().replace(/\s+/g, ' ');
  const duration = req.duration.trim().toUpperCase();
  const seconds = barSeconds(barSize);
  return {
    identityKey: `${symbol}|${exchange}|${req.endDateTime.trim()}|${duration}|${barSize}|${what}|${req.useRth}`,
    contractKey: [symbol, exchange, what].join('|'),
    // A bar size we cannot read is paced as small: waiting too much costs time, a violation costs a refusal.
    smallBars: seconds === undefined || seconds <= HISTORY_LIMITS.smallBarMaxSeconds,
    weight: what === 'BID_ASK' ? 2 : 1,
  };
}
