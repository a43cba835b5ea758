import type { Bar } from '../domain/bar.js';
import { SignalDirection } from '../domain/signal.js';
import { Rsi } from '../indicators/rsi.js';
import { BaseStrategy, type SymbolData } from './base-strategy.js';
import type { StrategyContext } from './strategy.js';

export const RSI_MEAN_REVERSION = 'rsi_mean_reversion';

export interface RsiMeanReversionParams {
  readonly period: number;
  readonly oversold: number;
  readonly overbought: number;
}

export const RSI_MEAN_REVERSION_DEFAULTS: RsiMeanReversionParams = { period: 14, oversold: 30, overbought: 70 };

interface RsiState {
  readonly rsi: Rsi;
}

/** Mean reversion: LONG when Wilder's RSI drops below `oversold` while flat, EXIT above `overbought` while long. */
export class RsiMeanReversionStrategy extends BaseStrategy<RsiState> {
  constructor(
    readonly params: RsiMeanReversionParams,
    context: StrategyContext,
  ) {
    super(RSI_MEAN_REVERSION, context);
  }

  /** Wilder's RSI needs `period` changes, so one bar more than its period. */
  protected get decisionWarmUpBars(): number {
    return this.params.period + 1;
  }

  protected createState(): RsiState {
    return { rsi: new Rsi(this.params.period) };
  }

  protected decide(bar: Bar, data: SymbolData<RsiState>): SignalDirection | null {
    const indicator = data.state.rsi;
    indicator.updateBar(bar);
    const rsi = indicator.value;
    return this.longOnly(bar.symbol, rsi < this.params.oversold, rsi > this.params.overbought);
  }
}
