export interface LimitSettings {
  /** Open positions plus working entry orders allowed at once. */
  readonly maxActivePositions: number;
  /** Loss since the session's starting equity, in percent, that blocks entries for the rest of the session. */
  readonly maxDailyLossPct: number;
  /** Fall from the peak equity, in percent, that halts entries for the rest of the run. */
  readonly maxDrawdownPct: number;
}

export const LimitRule = {
  MaxActivePositions: 'max_active_positions',
  DailyLoss: 'daily_loss',
  Drawdown: 'drawdown',
} as const;
export type LimitRule = (typeof LimitRule)[keyof typeof LimitRule];

/** A limit that has just been breached; reported once per breach for logging. */
export interface LimitBreach {
  readonly rule: typeof LimitRule.DailyLoss | typeof LimitRule.Drawdown;
  readonly time: number;
  readonly equity: number;
  /** The loss or drawdown in percent that breached the limit. */
  readonly valuePct: number;
  readonly limitPct: number;
  readonly reason: string;
}

/** Why entries are blocked now, for logs and status pages. */
export interface LimitState {
  readonly sessionDay: number;
  readonly sessionStartEquity: number;
  readonly peakEquity: number;
  readonly dailyLossPct: number;
  readonly drawdownPct: number;
  readonly dailyLossBlocked: boolean;
  readonly halted: boolean;
  /** The breach that blocks entries (a halt outranks a daily block); null when entries may open. */
  readonly block: LimitBreach | null;
}

interface EquitySource {
  readonly equity: number;
}

/** A loss only counts as hitting a limit when there is a loss: a 0 % limit blocks on any loss, not on none. */
function hits(lossPct: number, limitPct: number): boolean {
  return lossPct > 0 && lossPct >= limitPct;
}

function pct(x: number): string {
  return `${x.toFixed(2)}%`;
}

/**
 * The peak once `equity` has been seen. The peak is stored on every call rather than when it rises: these run on
 * every bar inside the backtest's loop, and V8 throws the compiled loop away the first time it reaches a store it
 * has never seen made (a new peak at a session's start, some way into a run: seen with --trace-deopt).
 */
function raisedPeak(peak: number, equity: number): number {
  return equity > peak ? equity : peak;
}

/**
 * Portfolio-level entry limits. They block only new entries: exits must always be possible. The daily-loss block
 * lasts until the next session starts; the drawdown halt lasts for the rest of the run, as a halt that needs a
 * person to look at the account should.
 *
 * `observe` is meant to run once per bar after prices are marked (O(1), no allocation unless a limit is breached),
 * so the peak equity sees every bar and not only the bars with signals.
 */
export class PortfolioLimits {
  private sessionDay = Number.NaN;
  private sessionStart: number;
  private peak: number;
  private dailyBreach: LimitBreach | null = null;
  private haltBreach: LimitBreach | null = null;

  constructor(
    readonly settings: LimitSettings,
    private readonly account: EquitySource,
  ) {
    this.sessionStart = account.equity;
    this.peak = account.equity;
  }

  /** Starts the session of `day`: the current equity becomes the daily-loss reference and a daily block lifts. */
  startSession(day: number): void {
    if (day === this.sessionDay) return;
    const start = this.account.equity;
    this.sessionDay = day;
    this.sessionStart = start;
    this.dailyBreach = null;
    this.peak = raisedPeak(this.peak, start);
  }

  /** Tracks the peak and detects breaches at the current equity; returns a breach the first time it happens. */
  observe(time: number): LimitBreach | null {
    const equity = this.account.equity;
    this.peak = raisedPeak(this.peak, equity);
    if (this.haltBreach === null) {
      const drawdown = this.drawdownPct(equity);
      if (hits(drawdown, this.settings.maxDrawdownPct)) {
        this.haltBreach = {
          rule: LimitRule.Drawdown,
          time,
          equity,
          valuePct: drawdown,
          limitPct: this.settings.maxDrawdownPct,
          reason: `drawdown ${pct(drawdown)} from peak equity ${this.peak.toFixed(2)} reached the ${pct(this.settings.maxDrawdownPct)} limit`,
        };
        return this.haltBreach;
      }
    }
    if (this.dailyBreach === null) {
      const loss = this.dailyLossPct(equity);
      if (hits(loss, this.settings.maxDailyLossPct)) {
        this.dailyBreach = {
          rule: LimitRule.DailyLoss,
          time,
          equity,
          valuePct: loss,
          limitPct: this.settings.maxDailyLossPct,
          reason: `entries blocked for the session: loss ${pct(loss)} since the session start equity ${this.sessionStart.toFixed(2)} reached the ${pct(this.settings.maxDailyLossPct)} limit`,
        };
        return this.dailyBreach;
      }
    }
    return null;
  }

  /**
   * Why a new entry may not open now (null when it may). `activePositions` counts open positions plus working entry
   * orders for symbols not yet held.
   */
  entryBlockReason(time: number, activePositions: number): string | null {
    this.observe(time);
    if (this.haltBreach !== null) return this.haltBreach.reason;
    if (this.dailyBreach !== null) return this.dailyBreach.reason;
    if (activePositions >= this.settings.maxActivePositions) {
      return `max active positions reached: ${activePositions} of ${this.settings.maxActivePositions} (open positions and working entries)`;
    }
    return null;
  }

  /** After a manual reset: the drawdown halt lifts and the peak starts again at the equity now. */
  restartPeak(): void {
    this.haltBreach = null;
    this.peak = this.account.equity;
  }

  /** The daily-loss breach blocking entries this session, or null. */
  get dailyBlock(): LimitBreach | null {
    return this.dailyBreach;
  }

  /** The drawdown breach halting entries for the run, or null. */
  get haltBlock(): LimitBreach | null {
    return this.haltBreach;
  }

  get halted(): boolean {
    return this.haltBreach !== null;
  }

  get state(): LimitState {
    const equity = this.account.equity;
    return {
      sessionDay: this.sessionDay,
      sessionStartEquity: this.sessionStart,
      peakEquity: Math.max(this.peak, equity),
      dailyLossPct: this.dailyLossPct(equity),
      drawdownPct: this.drawdownPct(equity),
      dailyLossBlocked: this.dailyBreach !== null,
      halted: this.haltBreach !== null,
      block: this.haltBreach ?? this.dailyBreach,
    };
  }

  private drawdownPct(equity: number): number {
    return this.peak > 0 ? ((this.peak - equity) / this.peak) * 100 : 0;
  }

  private dailyLossPct(equity: number): number {
    return this.sessionStart > 0 ? ((this.sessionStart - equity) / this.sessionStart) * 100 : 0;
  }
}
