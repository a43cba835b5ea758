import type { TradingKernel } from '../core/trading-kernel.js';

/**
 * The risk engine's monitors (daily loss, drawdown, rapid loss) and the actions of a halt they find, run once per
 * time slice after every symbol's bar of that time, as a backtest runs them: judged after the first symbol's bar
 * alone, the account would be marked with the other symbols' previous prices and a limit could trip (or not) on
 * numbers the backtest never sees. A slice is complete when each traded symbol has its bar, when a bar of a later
 * time arrives, or at the node's next clock tick (a symbol without a bar for that time).
 */
export class SliceRisk {
  private pending = Number.NaN;
  private readonly seen = new Set<string>();

  constructor(
    private readonly kernel: TradingKernel,
    private readonly symbols: number,
  ) {}

  /** A strategy bar of `symbol` has gone through the engine; `time`: its time, never before an earlier bar's. */
  barDone(symbol: string, time: number): void {
    if (!Number.isNaN(this.pending) && time !== this.pending) this.run();
    this.pending = time;
    this.seen.add(symbol);
    if (this.seen.size >= this.symbols) this.run();
  }

  /** The node's clock tick: a slice still waiting for a symbol that has no bar is judged now. */
  flush(): void {
    if (!Number.isNaN(this.pending)) this.run();
  }

  private run(): void {
    const time = this.pending;
    this.pending = Number.NaN;
    this.seen.clear();
    const { risk, router, engine } = this.kernel;
    risk.observe(time);
    // A halt found at the slice's close cancels working entries (and flattens, if so configured) before the next.
    for (const action of router.riskActions(time)) engine.receive(action);
  }
}
