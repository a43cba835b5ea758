import {
  BaseStrategy,
  defineStrategy,
  param,
  Rsi,
  type Bar,
  type ParamValues,
  type SignalDirection,
  type StrategyContext,
  type SymbolData,
} from '../sdk.js';

export const RSI_MEAN_REVERSION = 'rsi_mean_reversion';

const params = {
  period: param.int({ default: 14, min: 1, max: 1000, unit: 'bars', description: 'RSI period in bars' }),
  oversold: param.number({ default: 30, min: 0, max: 100, step: 5, description: 'entry level, 0 < oversold' }),
  overbought: param.number({
    default: 70,
    min: 0,
    max: 100,
    step: 5,
    description: 'exit level, oversold < overbought < 100',
  }),
};

export type RsiMeanReversionParams = ParamValues<typeof params>;

export const RSI_MEAN_REVERSION_DEFAULTS: RsiMeanReversionParams = {
  period: params.period.default,
  oversold: params.oversold.default,
  overbought: params.overbought.default,
};

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

/** Both levels strictly inside (0, 100), oversold below overbought; the first level out of order is named. */
function levelsInOrder(p: RsiMeanReversionParams) {
  const expected = `0 < oversold < overbought < 100 (oversold = ${p.oversold}, overbought = ${p.overbought})`;
  if (!(p.oversold > 0 && p.oversold < 100)) return { param: 'oversold', expected } as const;
  if (!(p.overbought > 0 && p.overbought < 100)) return { param: 'overbought', expected } as const;
  if (!(p.oversold < p.overbought)) return { param: 'oversold', expected } as const;
  return null;
}

export const rsiMeanReversion = defineStrategy({
  name: RSI_MEAN_REVERSION,
  description: "Mean reversion: long when Wilder's RSI falls below oversold, exit when it rises above overbought",
  params,
  check: levelsInOrder,
  create: (p, context) => new RsiMeanReversionStrategy(p, context),
});
