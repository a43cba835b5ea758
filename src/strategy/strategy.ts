import type { Bar } from '../domain/bar.js';
import type { PositionView } from '../domain/position-view.js';
import type { Signal } from '../domain/signal.js';

export type { PositionView } from '../domain/position-view.js';

/** Turns bars into advice; never talks to a broker. `onBar` is called once per bar, in time order per symbol. */
export interface Strategy {
  readonly id: string;
  /** Bars of a symbol before the strategy can decide on it (and its stops have an ATR): the history a live start needs. */
  readonly warmUpBars: number;
  onBar(bar: Bar): Signal | null;
}

export interface StrategyContext {
  readonly positions: PositionView;
  /** Bars of the ATR behind the protective stop. */
  readonly atrPeriod: number;
  /** Stop distance in ATRs: a long entry's stop is price − atrMultiplier × ATR. */
  readonly atrMultiplier: number;
  /** Strategy id on signals; the strategy's name when absent. */
  readonly id?: string;
}
