import type { Bar } from '../domain/bar.js';
import { Atr } from '../indicators/atr.js';

export interface AtrRiskScaleSettings {
  readonly atrPeriod: number;
  /** ATR% values per symbol the median is taken over. */
  readonly lookbackBars: number;
}

interface SymbolVolatility {
  readonly atr: Atr;
  /** The last `lookbackBars` ATR% values, a ring. */
  readonly ring: Float64Array;
  count: number;
  next: number;
  current: number;
}

/**
 * Volatility-scaled risk: risk per trade × (median ATR% ÷ current ATR%), at most 1, so a symbol more volatile than
 * usual is traded smaller and a calm one never above the configured risk. ATR% is ATR ÷ close, kept per bar for the
 * last `lookbackBars` bars; until the ring is full the scale is 1.
 */
export class AtrRiskScale {
  private readonly symbols = new Map<string, SymbolVolatility>();
  private readonly scratch: Float64Array;

  constructor(private readonly settings: AtrRiskScaleSettings) {
    this.scratch = new Float64Array(settings.lookbackBars);
  }

  onBar(bar: Bar & { readonly symbol: string }): void {
    let state = this.symbols.get(bar.symbol);
    if (state === undefined) {
      state = {
        atr: new Atr(this.settings.atrPeriod),
        ring: new Float64Array(this.settings.lookbackBars),
        count: 0,
        next: 0,
        current: Number.NaN,
      };
      this.symbols.set(bar.symbol, state);
    }
    const atr = state.atr.update(bar.high, bar.low, bar.close);
    if (!state.atr.ready || !(bar.close > 0)) return;
    const pct = atr / bar.close;
    state.current = pct;
    state.ring[state.next] = pct;
    state.next = (state.next + 1) % state.ring.length;
    if (state.count < state.ring.length) state.count++;
  }

  /** The factor on risk per trade for `symbol` now (1 until enough bars are seen). */
  factor(symbol: string): number {
    const state = this.symbols.get(symbol);
    if (state === undefined || state.count < state.ring.length || !(state.current > 0)) return 1;
    this.scratch.set(state.ring);
    this.scratch.sort();
    const n = this.scratch.length;
    const median = n % 2 === 1 ? this.scratch[(n - 1) / 2]! : (this.scratch[n / 2 - 1]! + this.scratch[n / 2]!) / 2;
    return Math.min(1, median / state.current);
  }
}
