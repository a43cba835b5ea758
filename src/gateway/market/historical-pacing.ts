import type { BarSize } from './historical-request.js';

/** IB's historical-data pacing limits (wall-clock time: pacing is about load on IB's servers, not replay time). */
const PACING_LIMITS = {
  identicalWindowMs: 15_000,
  sameContractWindowMs: 2_000,
  sameContractMax: 5,
  windowMs: 600_000,
  windowMax: 60,
  simultaneousMax: 50,
  smallBarMaxSeconds: 30,
} as const;

/** Whether IB's "Pacing Violations for Small Bars" rules apply: bars of 30 seconds or less. */
export function isSmallBarSize(size: BarSize): boolean {
  return size.kind === 'seconds' && size.seconds <= PACING_LIMITS.smallBarMaxSeconds;
}

export interface PacedRequest {
  /** Everything that makes two requests identical (contract, end, duration, bar size, type, hours). */
  readonly identityKey: string;
  /** Contract, exchange and tick type. */
  readonly contractKey: string;
  /** Bars of 30 seconds or less: only these are subject to the identical, same-contract and 10-minute rules. */
  readonly smallBars: boolean;
}

/**
 * Decides whether a historical request violates pacing: more than 50 requests open at once (any bar size) or, for
 * bars of 30 seconds or less, an identical request within 15 s, a sixth request for the same contract, exchange and
 * tick type within 2 s, or more than 60 requests in 10 minutes. IB's "Pacing Violations for Small Bars" rules do not
 * apply to larger bars, so those are neither checked nor counted. Accepted small-bar requests are recorded; refused
 * ones are not.
 */
export class HistoricalPacing {
  private readonly accepted: { time: number; request: PacedRequest }[] = [];

  constructor(private readonly wallNow: () => number = Date.now) {}

  /** The violation, or undefined when the request may proceed (and is then counted). */
  check(request: PacedRequest, openRequests: number): string | undefined {
    const now = this.wallNow();
    this.prune(now);
    if (openRequests >= PACING_LIMITS.simultaneousMax) {
      return `Max number of simultaneous historical data requests (${PACING_LIMITS.simultaneousMax}) exceeded`;
    }
    if (!request.smallBars) return undefined;
    let sameContract = 0;
    for (const entry of this.accepted) {
      const age = now - entry.time;
      if (age < PACING_LIMITS.identicalWindowMs && entry.request.identityKey === request.identityKey) {
        return 'Historical data request pacing violation';
      }
      if (age < PACING_LIMITS.sameContractWindowMs && entry.request.contractKey === request.contractKey) sameContract++;
    }
    if (sameContract >= PACING_LIMITS.sameContractMax || this.accepted.length >= PACING_LIMITS.windowMax) {
      return 'Historical data request pacing violation';
    }
    this.accepted.push({ time: now, request });
    return undefined;
  }

  private prune(now: number): void {
    let drop = 0;
    while (drop < this.accepted.length && now - this.accepted[drop]!.time >= PACING_LIMITS.windowMs) drop++;
    if (drop > 0) this.accepted.splice(0, drop);
  }
}
