/**
 * Bollinger-band mean reversion, written only against the package's public API: LONG when the close falls below
 * the lower band (mean − width × standard deviation of the last `period` closes) while flat, EXIT when it rises
 * back above the mean while long. The bands use the population standard deviation, as TA-Lib's BBANDS does.
 */
import {
  BaseStrategy,
  defineStrategy,
  param,
  Sma,
  type Bar,
  type ParamValues,
  type SignalDirection,
  type StrategyContext,
  type SymbolData,
} from 'equity-trading-system';

const params = {
  period: param.int({ default: 20, min: 2, max: 250, step: 5, unit: 'bars', description: 'band length' }),
  width: param.number({ default: 2, min: 0.5, max: 4, step: 0.5, description: 'band width in standard deviations' }),
};

type Params = ParamValues<typeof params>;

class BollingerReversion extends BaseStrategy<Sma> {
  constructor(
    private readonly params: Params,
    context: StrategyContext,
  ) {
    super('bollinger_reversion', context, params.period);
  }

  protected get decisionWarmUpBars(): number {
    return this.params.period;
  }

  protected createState(): Sma {
    return new Sma(this.params.period);
  }

  protected decide(bar: Bar, data: SymbolData<Sma>): SignalDirection | null {
    const mean = data.state;
    mean.updateBar(bar);
    if (!mean.ready) return null;
    let squares = 0;
    for (let ago = 0; ago < this.params.period; ago++) squares += (data.history.close(ago) - mean.value) ** 2;
    const deviation = Math.sqrt(squares / this.params.period);
    const lower = mean.value - this.params.width * deviation;
    return this.longOnly(bar.symbol, bar.close < lower, bar.close > mean.value);
  }
}

export default defineStrategy({
  name: 'bollinger_reversion',
  description: 'Long below the lower Bollinger band, exit above the mean',
  params,
  create: (p, context) => new BollingerReversion(p, context),
});
