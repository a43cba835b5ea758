/**
 * Donchian channel breakout, written only against the package's public API: LONG when the close breaks above the
 * highest high of the previous `entry` bars while flat, EXIT when it breaks below the lowest low of the previous
 * `exit` bars while long. Protective stops come from the engine's ATR stop (trading.atr_stop_multiplier).
 */
import {
  BaseStrategy,
  defineStrategy,
  param,
  type Bar,
  type BarHistory,
  type ParamValues,
  type SignalDirection,
  type StrategyContext,
  type SymbolData,
} from 'equity-trading-system';

const params = {
  entry: param.int({ default: 20, min: 2, max: 250, step: 5, unit: 'bars', description: 'breakout channel length' }),
  exit: param.int({ default: 10, min: 2, max: 250, step: 5, unit: 'bars', description: 'exit channel length' }),
};

type Params = ParamValues<typeof params>;

/** Highest high of the `count` bars before the latest one. */
function highestBefore(history: BarHistory, count: number): number {
  let high = -Infinity;
  for (let ago = 1; ago <= count; ago++) high = Math.max(high, history.high(ago));
  return high;
}

/** Lowest low of the `count` bars before the latest one. */
function lowestBefore(history: BarHistory, count: number): number {
  let low = Infinity;
  for (let ago = 1; ago <= count; ago++) low = Math.min(low, history.low(ago));
  return low;
}

class DonchianBreakout extends BaseStrategy<null> {
  constructor(
    private readonly params: Params,
    context: StrategyContext,
  ) {
    super('donchian_breakout', context, Math.max(params.entry, params.exit) + 1);
  }

  protected get decisionWarmUpBars(): number {
    return Math.max(this.params.entry, this.params.exit) + 1;
  }

  protected createState(): null {
    return null;
  }

  protected decide(bar: Bar, data: SymbolData<null>): SignalDirection | null {
    const history = data.history;
    if (history.length < this.decisionWarmUpBars) return null;
    const breakout = bar.close > highestBefore(history, this.params.entry);
    const breakdown = bar.close < lowestBefore(history, this.params.exit);
    return this.longOnly(bar.symbol, breakout, breakdown);
  }
}

export default defineStrategy({
  name: 'donchian_breakout',
  description: 'Long on a close above the entry channel, exit on a close below the exit channel',
  params,
  create: (p, context) => new DonchianBreakout(p, context),
});
