import type { Clock } from '../core/clock.js';
import type { TradingKernel } from '../core/trading-kernel.js';
import type { TradingState } from '../dashboard/kill-switch.js';
import type { HaltRequest, ResumeRequest } from '../risk/risk-engine.js';
import { isResume, type KillSwitchFile } from './kill-switch.js';

/**
 * The live session's kill switch. Halts asked for by the dashboard, `ets halt` (the halt file) or SIGUSR2 go to the
 * risk engine once the session trades: working entry orders are cancelled, every position is closed at market when
 * `flatten`, and no strategy order goes out for the rest of the session. A halt asked for before that waits and
 * holds from the session's first order on. `ets resume` (the file's resume request) is the manual reset: it lifts
 * the drawdown, rapid-loss and kill-switch halts of the running session. Something at the file's path that is not a
 * request halts too (see KillSwitchFile).
 */
export class SessionHalt {
  private early: HaltRequest | undefined;
  private target: { readonly kernel: TradingKernel; readonly clock: Clock } | undefined;

  /** `file` null: requests come through `halt` and `resume` only (a read-only session leaves the file alone). */
  constructor(private readonly file: KillSwitchFile | null) {}

  /** Safe to call at any time. */
  halt(request: HaltRequest): void {
    const target = this.target;
    if (target === undefined) {
      this.early = { ...request, flatten: request.flatten || (this.early?.flatten ?? false) };
      return;
    }
    const now = target.clock.now();
    target.kernel.risk.halt(now, request);
    for (const action of target.kernel.router.riskActions(now)) target.kernel.engine.receive(action);
  }

  /** The manual reset (see RiskEngine.resume); before the session trades it withdraws a halt asked for early. */
  resume(request: ResumeRequest): void {
    const target = this.target;
    if (target === undefined) {
      this.early = undefined;
      return;
    }
    target.kernel.risk.resume(target.clock.now(), request);
  }

  /** The trading state (ACTIVE, REDUCING, HALTED) with the rule and reason that hold it. */
  tradingState(): TradingState {
    if (this.target !== undefined) return this.target.kernel.risk.tradingState();
    const early = this.early;
    return early === undefined ? { state: 'ACTIVE' } : { state: 'HALTED', reason: early.reason, rule: 'kill_switch' };
  }

  /** The session trades from now on: a request left in the halt file, or asked for early, applies at once. */
  attach(kernel: TradingKernel, clock: Clock): void {
    this.target = { kernel, clock };
    const taken = this.file?.take() ?? null;
    // A session starts ACTIVE: a resume request left from before it has nothing to reset.
    const pulled = taken === null || isResume(taken) ? this.early : taken;
    this.early = undefined;
    if (pulled !== undefined) this.halt(pulled);
  }

  /** Takes a request written to the halt file since the last look (the node's clock tick). */
  poll(): void {
    const pulled = this.file?.take() ?? null;
    if (pulled === null) return;
    if (isResume(pulled)) this.resume(pulled);
    else this.halt(pulled);
  }
}
