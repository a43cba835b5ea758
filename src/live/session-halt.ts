import type { Clock } from '../core/clock.js';
import type { TradingKernel } from '../core/trading-kernel.js';
import type { TradingState } from '../dashboard/kill-switch.js';
import type { HaltRequest } from '../risk/risk-engine.js';
import type { KillSwitchFile } from './kill-switch.js';

/**
 * The live session's kill switch. Halts asked for by the dashboard, `ets halt` (the halt file) or SIGUSR2 go to the
 * risk engine once the session trades: working entry orders are cancelled, every position is closed at market when
 * `flatten`, and no strategy order goes out for the rest of the session. A halt asked for before that waits and
 * holds from the session's first order on.
 */
export class SessionHalt {
  private early: HaltRequest | undefined;
  private target: { readonly kernel: TradingKernel; readonly clock: Clock } | undefined;

  constructor(private readonly file: KillSwitchFile) {}

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

  /** The trading state (ACTIVE, REDUCING, HALTED) with the rule and reason that hold it. */
  tradingState(): TradingState {
    if (this.target !== undefined) return this.target.kernel.risk.tradingState();
    const early = this.early;
    return early === undefined ? { state: 'ACTIVE' } : { state: 'HALTED', reason: early.reason, rule: 'kill_switch' };
  }

  /** The session trades from now on: a request left in the halt file, or asked for early, applies at once. */
  attach(kernel: TradingKernel, clock: Clock): void {
    this.target = { kernel, clock };
    const pulled = this.file.take() ?? this.early;
    this.early = undefined;
    if (pulled !== undefined) this.halt(pulled);
  }

  /** Takes a request written to the halt file since the last look (the node's clock tick). */
  poll(): void {
    const pulled = this.file.take();
    if (pulled !== null) this.halt(pulled);
  }
}
