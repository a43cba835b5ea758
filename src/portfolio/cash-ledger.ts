/**
 * Cash of a cash account under T+N settlement. Buys and commissions are paid from settled funds at once; sale
 * proceeds count as cash at once but become settled only at the start of the N-th session after the sale.
 *
 * Sessions are the data's own trading days (the caller announces each with `startSession`), so weekends and
 * holidays never count. Pending proceeds sit in N buckets indexed by session number modulo N: a sale made in
 * session s lands in bucket s mod N, which is exactly the bucket released when session s + N starts. That keeps
 * every operation O(N) with N ≤ 5 and allocation-free.
 */
export class CashLedger {
  private settled: number;
  private readonly pending: Float64Array;
  private pendingTotal = 0;
  private session = 0;
  private currentDay = Number.NaN;

  constructor(
    initialCash: number,
    readonly settlementDays: number,
  ) {
    if (!Number.isFinite(initialCash)) throw new RangeError(`initial cash must be a finite number, got ${initialCash}`);
    if (!Number.isInteger(settlementDays) || settlementDays < 0) {
      throw new RangeError(`settlement days must be a whole number ≥ 0, got ${settlementDays}`);
    }
    this.settled = initialCash;
    this.pending = new Float64Array(Math.max(1, settlementDays));
  }

  /** Total cash: settled funds plus sale proceeds still waiting to settle. */
  get cash(): number {
    return this.settled + this.pendingTotal;
  }

  get settledCash(): number {
    return this.settled;
  }

  get unsettledCash(): number {
    return this.pendingTotal;
  }

  /** The session date (days since epoch) last started; NaN before the first session. */
  get day(): number {
    return this.currentDay;
  }

  /**
   * Starts the session of `day` (whole days since epoch) and settles the proceeds that fall due in it. Calling it
   * again for the same day does nothing, so the engine may announce a day once per symbol without double counting.
   */
  startSession(day: number): void {
    if (day === this.currentDay) return;
    if (day < this.currentDay) {
      throw new RangeError(`session day ${day} is before the current session day ${this.currentDay}`);
    }
    const first = Number.isNaN(this.currentDay);
    this.currentDay = day;
    this.session++;
    // Nothing falls due on the first session: the only proceeds pending then are the broker's (see reset), which
    // settle on a later day.
    if (this.settlementDays === 0 || first) return;
    const bucket = this.session % this.settlementDays;
    const due = this.pending[bucket]!;
    if (due !== 0) {
      this.pending[bucket] = 0;
      this.settled += due;
      this.pendingTotal = this.sumPending();
    }
  }

  /**
   * Takes the broker's figures as the truth (live reconciliation): total and settled cash. What is not settled yet
   * is taken to settle at the start of the next session after the current one, the earliest a T+N ledger can tell;
   * before any session has started (a live start-up), after the first one's day, since the broker's unsettled
   * proceeds include that day's sales.
   */
  reset(cash: number, settledCash: number): void {
    if (!Number.isFinite(cash) || !Number.isFinite(settledCash)) {
      throw new RangeError(`cash ${cash} and settled cash ${settledCash} must be finite numbers`);
    }
    this.pending.fill(0);
    this.settled = settledCash;
    const unsettled = cash - settledCash;
    if (unsettled !== 0 && this.settlementDays > 0) {
      const ahead = Number.isNaN(this.currentDay) ? 2 : 1;
      this.pending[(this.session + ahead) % this.settlementDays] = unsettled;
    } else {
      this.settled = cash;
    }
    this.pendingTotal = this.sumPending();
  }

  /** A payment (purchase or commission): leaves settled funds at once. */
  pay(amount: number): void {
    this.settled -= amount;
  }

  /** Sale proceeds: cash now, settled at the start of the N-th later session. */
  receiveSaleProceeds(amount: number): void {
    if (this.settlementDays === 0) {
      this.settled += amount;
      return;
    }
    const bucket = this.session % this.settlementDays;
    this.pending[bucket] = this.pending[bucket]! + amount;
    this.pendingTotal = this.sumPending();
  }

  /**
   * Summing the few buckets instead of keeping a running total means the total is exactly zero once every bucket
   * has settled, so settled cash equals total cash then, without rounding residue.
   */
  private sumPending(): number {
    let total = 0;
    for (let i = 0; i < this.pending.length; i++) total += this.pending[i]!;
    return total;
  }
}
