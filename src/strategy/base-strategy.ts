import type { Bar } from '../domain/bar.js';
import { SignalDirection, type Signal } from '../domain/signal.js';
import { Atr } from '../indicators/atr.js';
import { BarHistory } from './bar-history.js';
import type { PositionView, Strategy, StrategyContext } from './strategy.js';

/** Per-symbol data every strategy gets: recent bars, the stop's ATR, and the subclass's own state. */
export interface SymbolData<S> {
  readonly symbol: string;
  readonly history: BarHistory;
  readonly atr: Atr;
  readonly state: S;
}

/** Bars kept per symbol unless a subclass needs more. */
export const DEFAULT_HISTORY_SIZE = 64;

/**
 * The common part of a strategy: per-symbol state created on a symbol's first bar, a bounded bar history, the ATR
 * behind protective stops, position awareness and the construction of signals. A subclass only decides.
 * `onBar` allocates nothing but the returned signal: indicators are fed with `updateBar` and read through their
 * `value` fields, so no double crosses a call the JIT might not inline (see ExactSum).
 */
export abstract class BaseStrategy<S> implements Strategy {
  readonly id: string;
  protected readonly positions: PositionView;
  protected readonly atrPeriod: number;
  protected readonly atrMultiplier: number;
  private readonly historySize: number;
  private readonly bySymbol = new Map<string, SymbolData<S>>();
  // Bars of one symbol often arrive back to back; skip the map lookup then.
  private lastSymbol: string | null = null;
  private lastData: SymbolData<S> | null = null;

  protected constructor(name: string, context: StrategyContext, historySize = DEFAULT_HISTORY_SIZE) {
    this.id = context.id ?? name;
    this.positions = context.positions;
    this.atrPeriod = context.atrPeriod;
    this.atrMultiplier = context.atrMultiplier;
    this.historySize = Math.max(2, historySize);
  }

  /** The subclass's own need and the ATR's (its first value needs one bar more than its period). */
  get warmUpBars(): number {
    return Math.max(this.decisionWarmUpBars, this.atrPeriod + 1);
  }

  /** Bars before the subclass's first decision. */
  protected abstract readonly decisionWarmUpBars: number;

  onBar(bar: Bar): Signal | null {
    const data = this.dataFor(bar.symbol);
    data.history.push(bar);
    data.atr.updateBar(bar);
    const direction = this.decide(bar, data);
    return direction === null ? null : this.signal(bar, direction, data.atr.value);
  }

  /** The symbol's data once it has had a bar. */
  symbolData(symbol: string): SymbolData<S> | undefined {
    return this.bySymbol.get(symbol);
  }

  /** Protective stop for an entry at `price`: price ∓ atrMultiplier × ATR; NaN for exits or without an ATR. */
  stopPrice(direction: SignalDirection, price: number, atr: number): number {
    switch (direction) {
      case SignalDirection.Long:
        return price - this.atrMultiplier * atr;
      case SignalDirection.Short:
        return price + this.atrMultiplier * atr;
      case SignalDirection.Exit:
        return Number.NaN;
    }
  }

  /** Signed shares held in `symbol` now. */
  protected position(symbol: string): number {
    return this.positions.quantity(symbol);
  }

  /** Long-only advice: LONG on `enter` while flat, EXIT on `exit` while long, else none. */
  protected longOnly(symbol: string, enter: boolean, exit: boolean): SignalDirection | null {
    if (enter) return this.position(symbol) === 0 ? SignalDirection.Long : null;
    if (exit) return this.position(symbol) > 0 ? SignalDirection.Exit : null;
    return null;
  }

  /** Short-only advice: SHORT on `enter` while flat, EXIT (a cover) on `exit` while short, else none. */
  protected shortOnly(symbol: string, enter: boolean, exit: boolean): SignalDirection | null {
    if (enter) return this.position(symbol) === 0 ? SignalDirection.Short : null;
    if (exit) return this.position(symbol) < 0 ? SignalDirection.Exit : null;
    return null;
  }

  protected abstract createState(symbol: string): S;

  /** Called after the bar is in `data.history` and the ATR; returns the advice for this bar, if any. */
  protected abstract decide(bar: Bar, data: SymbolData<S>): SignalDirection | null;

  private dataFor(symbol: string): SymbolData<S> {
    if (symbol === this.lastSymbol) return this.lastData!;
    let data = this.bySymbol.get(symbol);
    if (data === undefined) {
      data = {
        symbol,
        history: new BarHistory(this.historySize),
        atr: new Atr(this.atrPeriod),
        state: this.createState(symbol),
      };
      this.bySymbol.set(symbol, data);
    }
    this.lastSymbol = symbol;
    this.lastData = data;
    return data;
  }

  private signal(bar: Bar, direction: SignalDirection, atr: number): Signal {
    return {
      strategyId: this.id,
      symbol: bar.symbol,
      direction,
      price: bar.close,
      stopPrice: this.stopPrice(direction, bar.close, atr),
      atr,
      strength: 1,
    };
  }
}
