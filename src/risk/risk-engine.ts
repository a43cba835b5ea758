import type { Bar } from '../domain/bar.js';
import type { AccountView } from '../portfolio/account-view.js';
import { AtrRiskScale, type AtrRiskScaleSettings } from './atr-risk-scale.js';
import { LimitRule, type PortfolioLimits } from './portfolio-limits.js';
import { RapidLossMonitor, type RapidLossSettings } from './rapid-loss.js';
import { TradingState, type RiskEvent, type RiskEventSink } from './risk-events.js';
import type { OrderProposal, RiskContext, RiskRule, RiskVerdict } from './risk-rule.js';
import { DuplicateEntryRule, MaxActivePositionsRule, OrderRateRule } from './rules/entry-rules.js';
import { GrossExposureRule, SectorAllocationRule } from './rules/exposure-rules.js';
import { BuyingPowerRule, MaxOrderNotionalRule, MaxPositionRule, MinQuantityRule } from './rules/order-size-rules.js';
import { PriceBandRule } from './rules/price-band-rule.js';
import { TradingStateRule } from './rules/state-rule.js';
import { VolatilityPauseRule } from './rules/volatility-rule.js';
import { TradingStateMachine, type StateCondition, type TradingStateView } from './trading-state.js';
import { VolatilityMonitor, type VolatilitySettings } from './volatility-monitor.js';

/**
 * metrics.json's `risk_events`: refusals by rule, changes of trading state by the rule that caused them, and notices
 * (volatility data's standing, halts and manual resets that changed no state) by rule.
 */
export interface RiskCounts {
  readonly rejected: Record<string, number>;
  readonly state_changes: Record<string, number>;
  readonly notices: Record<string, number>;
}

function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** What a breached portfolio limit does: block new entries (REDUCING), or also flatten (HALTED). */
export type LimitAction = 'block_entries' | 'flatten';

export interface RiskSettings {
  readonly maxActivePositions: number;
  readonly dailyLossAction: LimitAction;
  readonly drawdownAction: LimitAction;
  readonly maxOrderNotional: number | null;
  readonly maxPositionShares: number | null;
  readonly maxPositionNotional: number | null;
  readonly priceBandPct: number | null;
  readonly maxOrdersPerMinute: number | null;
  readonly maxGrossExposure: number;
  readonly maxSectorAllocationPct: number;
  /** symbol → sector: contract details live, overridden by `trading.sector_map`. */
  readonly sectors: Readonly<Record<string, string>>;
  readonly volatility: VolatilitySettings | null;
  readonly rapidLoss: (RapidLossSettings & { readonly flatten: boolean }) | null;
  readonly atrScale: AtrRiskScaleSettings | null;
}

/** A halt asked for from outside: the kill switch (`ets halt`, SIGUSR2, the halt file) or a dashboard. */
export interface HaltRequest {
  readonly flatten: boolean;
  readonly source: string;
  readonly reason: string;
}

/** The manual reset asked for from outside (`ets resume`): lifts the halts that wait for a person. */
export interface ResumeRequest {
  readonly source: string;
  readonly reason: string;
}

/** What the router must do after the state got stricter: cancel working entries, and maybe close every position. */
export interface RiskActions {
  readonly cancelEntries: boolean;
  readonly flatten: boolean;
  readonly reason: string;
}

/**
 * The risk engine that backtests and live sessions share: the pre-trade rules, in this fixed order —
 *
 *   1. trading_state        REDUCING: only exposure-reducing orders; HALTED: no strategy orders
 *   2. max_active_positions open positions + working entries < trading.max_active_positions
 *   3. volatility           entries pause above trading.volatility.pause_above, or without current index data
 *   4. duplicate_entry      no entry while an entry for the same symbol is working
 *   5. min_quantity         a whole number of shares ≥ 1
 *   6. max_order_notional   entry value ≤ trading.pre_trade.max_order_notional
 *   7. max_position         position after the entry ≤ max_position_shares / max_position_notional
 *   8. price_band           limit / stop prices within price_band_pct of the last trade
 *   9. order_rate           entries per minute ≤ max_orders_per_minute
 *  10. buying_power         entry cost ≤ cash not committed to working entries
 *  11. gross_exposure       gross position value after the entry ≤ max_gross_exposure × net liquidation
 *  12. sector_allocation    sector value after the entry ≤ max_sector_allocation_pct % of net liquidation
 *
 * — and the monitors that move the trading state: daily loss and drawdown (PortfolioLimits), rapid loss, the kill
 * switch. Every refusal and every change of state is a typed RiskEvent given to the sinks and counted by rule.
 */
export class RiskEngine {
  readonly rules: readonly RiskRule[];
  readonly state: TradingStateMachine;
  readonly volatility: VolatilityMonitor | null;
  private readonly rapidLoss: RapidLossMonitor | null;
  private readonly atrScale: AtrRiskScale | null;
  private readonly sinks: RiskEventSink[] = [];
  private readonly counts: RiskCounts = { rejected: {}, state_changes: {}, notices: {} };
  private pending: RiskActions | null = null;

  constructor(
    private readonly settings: RiskSettings,
    private readonly limits: PortfolioLimits,
    private readonly account: AccountView,
  ) {
    const emit: RiskEventSink = (event) => {
      this.record(event);
    };
    this.state = new TradingStateMachine(emit);
    this.volatility = settings.volatility === null ? null : new VolatilityMonitor(settings.volatility, emit);
    this.rapidLoss = settings.rapidLoss === null ? null : new RapidLossMonitor(settings.rapidLoss);
    this.atrScale = settings.atrScale === null ? null : new AtrRiskScale(settings.atrScale);
    const rules: RiskRule[] = [
      new TradingStateRule(() => this.state.view().reason),
      new MaxActivePositionsRule(settings.maxActivePositions),
    ];
    if (this.volatility !== null) rules.push(new VolatilityPauseRule(this.volatility));
    rules.push(new DuplicateEntryRule(), new MinQuantityRule());
    if (settings.maxOrderNotional !== null) rules.push(new MaxOrderNotionalRule(settings.maxOrderNotional));
    if (settings.maxPositionShares !== null || settings.maxPositionNotional !== null) {
      rules.push(new MaxPositionRule(settings.maxPositionShares, settings.maxPositionNotional));
    }
    if (settings.priceBandPct !== null) rules.push(new PriceBandRule(settings.priceBandPct));
    if (settings.maxOrdersPerMinute !== null) rules.push(new OrderRateRule(settings.maxOrdersPerMinute));
    rules.push(
      new BuyingPowerRule(),
      new GrossExposureRule(settings.maxGrossExposure),
      new SectorAllocationRule(settings.sectors, settings.maxSectorAllocationPct),
    );
    this.rules = rules;
  }

  /** Receives every risk event (the result files, the log). */
  onEvent(sink: RiskEventSink): void {
    this.sinks.push(sink);
  }

  /** Refusals, state changes and notices so far, by rule: metrics.json's `risk_events`. */
  countsByRule(): RiskCounts {
    return {
      rejected: sorted(this.counts.rejected),
      state_changes: sorted(this.counts.state_changes),
      notices: sorted(this.counts.notices),
    };
  }

  /** Whether the rules need every bar (volatility-scaled risk keeps an ATR per symbol). */
  get needsBars(): boolean {
    return this.atrScale !== null;
  }

  onBar(bar: Bar & { readonly symbol: string }): void {
    this.atrScale?.onBar(bar);
  }

  tradingState(): TradingStateView {
    return this.state.view();
  }

  /** A new exchange day: the daily-loss reference resets and the conditions released at the day boundary lift. */
  startDay(day: number, time: number): void {
    this.limits.startSession(day);
    this.state.startDay(time);
  }

  /** The factor on risk per trade for an entry in `symbol` now: the volatility regime × the ATR scale. */
  riskScale(symbol: string, time: number): number {
    const regime = this.volatility?.riskFactor(time) ?? 1;
    const atr = this.atrScale?.factor(symbol) ?? 1;
    return regime * atr;
  }

  /**
   * Checks the account against the monitors (after prices are marked): the limits' breaches, rapid loss, the
   * volatility data's standing. Cheap when nothing happens: a few comparisons.
   */
  observe(time: number): void {
    this.limits.observe(time);
    const daily = this.limits.dailyBlock;
    if (daily !== null && !this.state.has(LimitRule.DailyLoss)) {
      this.condition(time, LimitRule.DailyLoss, this.settings.dailyLossAction, 'next_day', daily);
    }
    const drawdown = this.limits.haltBlock;
    if (drawdown !== null && !this.state.has(LimitRule.Drawdown)) {
      this.condition(time, LimitRule.Drawdown, this.settings.drawdownAction, 'manual', drawdown);
    }
    if (this.rapidLoss !== null && !this.state.has('rapid_loss')) {
      const verdict = this.rapidLoss.observe(time, this.account.equity);
      if (verdict !== null) {
        this.enter(time, { rule: 'rapid_loss', state: TradingState.Halted, release: 'manual', ...verdict });
        this.request(this.settings.rapidLoss!.flatten, verdict.reason);
      }
    }
    this.volatility?.observe(time);
  }

  /**
   * The kill switch: halts (cancelling working entries, flattening if asked) until reset. A request that finds the
   * state HALTED already (a second `ets halt`, say with `--flatten`) changes no state, so it is a `kill_switch`
   * notice: who asked, why and whether to flatten are recorded whatever the state was.
   */
  halt(time: number, request: HaltRequest): void {
    const reason = `kill switch (${request.source}): ${request.reason}${request.flatten ? ', flattening' : ''}`;
    const before = this.state.state;
    this.enter(time, {
      rule: 'kill_switch',
      state: TradingState.Halted,
      release: 'manual',
      value: Number.NaN,
      limit: Number.NaN,
      reason,
    });
    // A second request may add flattening to a halt already in force.
    this.request(request.flatten, reason);
    if (this.state.state === before) this.notice(time, 'kill_switch', `${reason}: ${this.stays()}`);
  }

  /**
   * The manual reset (`ets resume`): lifts the drawdown, rapid-loss and kill-switch halts, with the drawdown's peak
   * and the rapid-loss window starting again from the equity now (else the next bar would trip them again); a
   * daily-loss block stays until the next exchange day. A change of state is a `manual_reset` state event; a
   * reset that changes nothing is a `manual_reset` notice, so every request is logged and written.
   */
  resume(time: number, request: ResumeRequest): void {
    const reason = `manual reset (${request.source}): ${request.reason}`;
    const before = this.state.state;
    const lifted = this.state.releaseManual(time, {
      rule: 'manual_reset',
      value: Number.NaN,
      limit: Number.NaN,
      reason,
    });
    if (lifted.length > 0) {
      this.limits.restartPeak();
      this.rapidLoss?.restart();
    }
    if (this.state.state !== before) return;
    const what = lifted.length === 0 ? 'nothing to reset' : `lifted ${lifted.join(', ')}`;
    this.notice(time, 'manual_reset', `${reason}: ${what}; ${this.stays()}`);
  }

  /** Lifts every condition (or one rule's): an operator's decision after looking at the account. */
  reset(time: number, rule?: string): void {
    this.state.reset(time, rule);
  }

  /** The actions due since the last call, or null. */
  takeActions(): RiskActions | null {
    const actions = this.pending;
    this.pending = null;
    return actions;
  }

  /**
   * Runs the rules in order on an order about to go out; returns the first refusal, recorded, or null. `phase`:
   * `screen` runs the rules that judge an entry before it is sized (1–4), `sized` the rest, `all` every rule.
   */
  check(proposal: OrderProposal, context: RiskContext, phase: 'screen' | 'sized' | 'all' = 'all'): RiskVerdict | null {
    // Limits see the equity of the moment an entry is decided, not only the bar's end.
    if (proposal.increases && phase !== 'sized') this.observe(proposal.time);
    for (const rule of this.rules) {
      if ((phase === 'screen' && rule.screens !== true) || (phase === 'sized' && rule.screens === true)) continue;
      const verdict = rule.check(proposal, context);
      if (verdict === null) continue;
      const { order } = proposal;
      this.record({
        type: 'risk_rejected',
        time: proposal.time,
        rule: rule.name,
        symbol: order.symbol,
        side: order.side,
        quantity: order.quantity,
        ...verdict,
      });
      return verdict;
    }
    if (phase !== 'screen') for (const rule of this.rules) rule.accepted?.(proposal);
    return null;
  }

  /**
   * The position sizer found no share to buy or sell (not enough cash, a risk budget below one share, no room under
   * an exposure or sector limit): recorded under the rule `sizing`, as the rules' refusals are, so that every refused
   * entry is in risk_events.csv and counted in metrics.json. The reason carries the figures.
   */
  sizingRefused(time: number, symbol: string, side: string, reason: string): void {
    this.record({
      type: 'risk_rejected',
      time,
      rule: 'sizing',
      symbol,
      side,
      quantity: 0,
      value: Number.NaN,
      limit: Number.NaN,
      reason,
    });
  }

  private condition(
    time: number,
    rule: string,
    action: LimitAction,
    release: StateCondition['release'],
    breach: { readonly equity: number; readonly valuePct: number; readonly limitPct: number; readonly reason: string },
  ): void {
    const halt = action === 'flatten';
    this.enter(time, {
      rule,
      state: halt ? TradingState.Halted : TradingState.Reducing,
      release,
      value: breach.valuePct,
      limit: breach.limitPct,
      reason: halt ? `${breach.reason}; flattening` : breach.reason,
    });
    if (halt) this.request(true, breach.reason);
  }

  private enter(time: number, condition: StateCondition): void {
    const stricter = this.state.enter(time, condition);
    if (stricter && this.state.state === TradingState.Halted) this.request(false, condition.reason);
  }

  private request(flatten: boolean, reason: string): void {
    const before = this.pending;
    this.pending = {
      cancelEntries: true,
      flatten: flatten || (before?.flatten ?? false),
      reason: before?.reason ?? reason,
    };
  }

  /** "the state stays HALTED by drawdown": what a request that changed nothing found. */
  private stays(): string {
    const view = this.state.view();
    return `the state stays ${view.state}${view.rule === undefined ? '' : ` by ${view.rule}`}`;
  }

  /** A request from outside that changed no state, recorded so that every one is logged, written and counted. */
  private notice(time: number, rule: string, reason: string): void {
    this.record({ type: 'risk_notice', time, rule, value: Number.NaN, limit: Number.NaN, reason });
  }

  private record(event: RiskEvent): void {
    const group =
      event.type === 'risk_rejected'
        ? this.counts.rejected
        : event.type === 'trading_state'
          ? this.counts.state_changes
          : this.counts.notices;
    group[event.rule] = (group[event.rule] ?? 0) + 1;
    for (const sink of this.sinks) sink(event);
  }
}
