import type { RiskEventSink } from './risk-events.js';
import type { RiskVerdict } from './risk-rule.js';

export interface VolatilitySettings {
  /** The index watched (VIX by default): for messages. */
  readonly symbol: string;
  /** Above this level no entry opens. */
  readonly pauseAbove: number;
  /** Above this level (up to pauseAbove) risk per trade is multiplied by riskFactor. */
  readonly reduceAbove: number;
  readonly riskFactor: number;
  /** An index value older than this is stale. */
  readonly staleAfterMs: number;
  /** Without a current value: hold entries (`pause_entries`) or trade at full risk (`allow`). */
  readonly whenMissing: 'pause_entries' | 'allow';
}

export type VolatilityStanding = 'ok' | 'missing' | 'stale';

/**
 * The volatility regime from an index (VIX): fed with the index's values as they become known — from a CSV in
 * backtests, from IB's index bars live — and asked, at each entry, whether entries pause and by how much risk is
 * scaled. Missing data (nothing yet) and stale data (the latest value older than `staleAfterMs`) are handled as
 * `whenMissing` says, and each change of standing is reported once as a notice, so it is logged and written.
 */
export class VolatilityMonitor {
  private value = Number.NaN;
  private valueTime = Number.NaN;
  private standing: VolatilityStanding = 'missing';
  private reported = false;

  constructor(
    readonly settings: VolatilitySettings,
    private readonly emit: RiskEventSink,
  ) {}

  /** The index's value as of `time` (its bar's time). */
  update(time: number, value: number): void {
    if (!(value > 0) || !Number.isFinite(value)) return;
    this.value = value;
    this.valueTime = time;
  }

  get level(): number {
    return this.value;
  }

  /** Re-evaluates the standing at `now` and reports a change. */
  observe(now: number): VolatilityStanding {
    const standing = this.standingAt(now);
    if (standing !== this.standing || !this.reported) {
      const previous = this.standing;
      this.standing = standing;
      // The first "missing" before any data is expected at start; it is reported only if trading depends on it.
      if (this.reported || standing !== 'ok') this.notice(now, standing, previous);
      this.reported = true;
    }
    return standing;
  }

  /** Why entries pause now, or null. */
  pauseVerdict(now: number): RiskVerdict | null {
    const s = this.settings;
    const standing = this.observe(now);
    if (standing !== 'ok') {
      if (s.whenMissing === 'allow') return null;
      return {
        value: this.value,
        limit: s.pauseAbove,
        reason: `${s.symbol} data ${standing === 'missing' ? 'missing' : `stale (last ${this.value} is older than ${s.staleAfterMs / 3_600_000} h)`}: entries paused`,
      };
    }
    if (this.value <= s.pauseAbove) return null;
    return {
      value: this.value,
      limit: s.pauseAbove,
      reason: `${s.symbol} ${this.value} above ${s.pauseAbove}: entries paused`,
    };
  }

  /** The factor on risk per trade now: riskFactor above reduceAbove, 1 otherwise (and without current data). */
  riskFactor(now: number): number {
    if (this.standingAt(now) !== 'ok') return 1;
    return this.value > this.settings.reduceAbove ? this.settings.riskFactor : 1;
  }

  private standingAt(now: number): VolatilityStanding {
    if (Number.isNaN(this.valueTime)) return 'missing';
    return now - this.valueTime > this.settings.staleAfterMs ? 'stale' : 'ok';
  }

  private notice(time: number, standing: VolatilityStanding, previous: VolatilityStanding): void {
    const s = this.settings;
    // The limit in the config key's unit (stale_after_hours), as risk_events.csv shows it.
    const hours = s.staleAfterMs / 3_600_000;
    const consequence = s.whenMissing === 'allow' ? 'entries trade at full risk' : 'entries paused';
    const reason =
      standing === 'ok'
        ? `${s.symbol} data current again (${this.value}) after being ${previous}`
        : standing === 'missing'
          ? `no ${s.symbol} data yet: ${consequence}`
          : `${s.symbol} data stale: last value ${this.value} older than ${hours} h: ${consequence}`;
    this.emit({ type: 'risk_notice', time, rule: 'volatility_data', value: this.value, limit: hours, reason });
  }
}
