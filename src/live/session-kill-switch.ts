import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TradingKernel } from '../core/trading-kernel.js';
import type { HaltRequest, KillSwitch, TradingState } from '../dashboard/kill-switch.js';
import { SignalDirection } from '../domain/signal.js';
import { formatTime } from '../domain/time.js';
import type { Logger } from '../logging/logger.js';
import { csvField } from '../performance/report-writer.js';
import type { EntryGate } from '../risk/signal-router.js';
import type { BrokerClock } from './broker-clock.js';

export const RISK_EVENTS_HEADER = 'time,rule,action,symbol,detail';

interface Attached {
  readonly kernel: TradingKernel;
  readonly clock: BrokerClock;
  readonly riskEvents: string;
}

/**
 * The session's kill switch: a halt stops new entries for the rest of the session and, with `flatten`, closes
 * every position through the engine's own exit path (an EXIT signal per position: the router cancels the symbol's
 * protective orders and sells at market). Each halt is a row of risk_events.csv.
 */
export class SessionKillSwitch implements KillSwitch, EntryGate {
  private state: TradingState = { state: 'ACTIVE' };
  private attached: Attached | undefined;
  /** Set by a halt with flatten: positions are closed, also what fills of cancelled entries add afterwards. */
  private flattening = false;

  constructor(private readonly logger: Logger) {}

  /** Once the kernel exists: where exits go and where risk events are written. */
  attach(kernel: TradingKernel, clock: BrokerClock, resultsDirectory: string): void {
    this.attached = { kernel, clock, riskEvents: join(resultsDirectory, 'risk_events.csv') };
    // An entry filling in parts can still fill after its cancel was sent: what it adds is closed too.
    kernel.engine.observe({
      onFill: () => {
        if (this.flattening) this.flatten(clock.now());
      },
    });
  }

  entryBlockReason(): string | null {
    return this.state.state === 'HALTED' ? `halted: ${this.state.reason ?? ''}` : null;
  }

  tradingState(): TradingState {
    return this.state;
  }

  halt(request: HaltRequest): void {
    const reason = `${request.reason} (${request.source})`;
    this.state = { state: 'HALTED', reason, rule: 'kill_switch' };
    this.logger.warn({ source: request.source, flatten: request.flatten }, `trading halted: ${request.reason}`);
    const attached = this.attached;
    if (attached === undefined) return;
    const time = attached.clock.now();
    this.record(time, request.flatten ? 'halt_flatten' : 'halt', '', reason);
    if (!request.flatten) return;
    this.flattening = true;
    this.flatten(time);
  }

  /** An exit at market for every position that has none working yet. */
  private flatten(time: number): void {
    const { kernel } = this.attached!;
    for (const position of kernel.portfolio.openPositions()) {
      if (kernel.router.working.has(position.symbol, 'exit')) continue;
      this.record(time, 'flatten', position.symbol, `${position.quantity} shares at market`);
      kernel.engine.receive({
        type: 'signal',
        time,
        signal: {
          strategyId: 'kill_switch',
          symbol: position.symbol,
          direction: SignalDirection.Exit,
          price: position.lastPrice,
          stopPrice: Number.NaN,
          atr: Number.NaN,
          strength: 1,
        },
      });
    }
  }

  private record(time: number, action: string, symbol: string, detail: string): void {
    const path = this.attached!.riskEvents;
    const header = existsSync(path) ? '' : `${RISK_EVENTS_HEADER}\n`;
    appendFileSync(
      path,
      `${header}${formatTime(time)},kill_switch,${action},${csvField(symbol)},${csvField(detail)}\n`,
    );
  }
}
