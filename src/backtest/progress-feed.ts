import type { MarketEvent } from '../domain/events.js';
import type { BarFeed } from './bar-feed.js';

/** Where a running backtest reports how far it has come (a progress bar, log lines). */
export interface BacktestProgress {
  /**
   * The data's time span; `to` is NaN when not known, or a function asked when the end is first needed (finding it
   * reads the end of every file, which a run too short to show progress need not do).
   */
  start(from: number, to: number | (() => number)): void;
  /** The time of the slice reached and the bars so far. */
  update(time: number, bars: number): void;
  stop(): void;
}

/** Time slices between two progress reports: a clock read and a call per 4096 slices cost nothing per bar. */
const SLICES_PER_REPORT = 4096;
const FIRST_REPORT = 64;

/** A feed that reports its progress every few thousand slices and passes everything else through. */
export class ProgressFeed implements BarFeed {
  private slices = 0;
  private bars = 0;
  private started = false;

  constructor(
    private readonly inner: BarFeed,
    private readonly progress: BacktestProgress,
    private readonly to: number | (() => number),
  ) {}

  get time(): number {
    return this.inner.time;
  }

  get size(): number {
    return this.inner.size;
  }

  get loadSeconds(): number {
    return this.inner.loadSeconds;
  }

  event(k: number): MarketEvent {
    return this.inner.event(k);
  }

  next(): boolean {
    const more = this.inner.next();
    if (!more) return false;
    this.bars += this.inner.size;
    if (!this.started) {
      this.started = true;
      this.progress.start(this.inner.time, this.to);
    }
    // The first report comes early rather than at the first multiple: made once V8 keeps type feedback for this
    // function but before it compiles it, so that the compiled code has seen the call (else it is thrown away there).
    if (++this.slices % SLICES_PER_REPORT === FIRST_REPORT) this.progress.update(this.inner.time, this.bars);
    return true;
  }
}
