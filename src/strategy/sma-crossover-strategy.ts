import {
  BaseStrategy,
  defineStrategy,
  param,
  SignalDirection,
  Sma,
  type Bar,
  type ParamValues,
  type StrategyContext,
  type SymbolData,
} from '../sdk.js';

export const SMA_CROSSOVER = 'sma_crossover';

const params = {
  fast: param.int({ default: 10, min: 1, max: 5000, unit: 'bars', description: 'fast SMA period in bars (< slow)' }),
  slow: param.int({ default: 30, min: 1, max: 5000, unit: 'bars', description: 'slow SMA period in bars' }),
};

export type SmaCrossoverParams = ParamValues<typeof params>;

export const SMA_CROSSOVER_DEFAULTS: SmaCrossoverParams = { fast: params.fast.default, slow: params.slow.default };

interface CrossoverState {
  readonly fast: Sma;
  readonly slow: Sma;
  /** The last non-zero fast − slow; NaN before there is one (a zero difference then leaves no side to cross from). */
  lastNonZeroDifference: number;
}

/**
 * Momentum: LONG when the fast SMA crosses above the slow one while flat, EXIT when it crosses below while long.
 * A cross is judged as backtrader's CrossOver does: against the last non-zero difference, so touching and leaving
 * again on the same side is no cross, and a cross that pauses at equality still counts once it completes. The
 * first decision comes one bar after both averages exist.
 */
export class SmaCrossoverStrategy extends BaseStrategy<CrossoverState> {
  constructor(
    readonly params: SmaCrossoverParams,
    context: StrategyContext,
  ) {
    super(SMA_CROSSOVER, context);
  }

  /** Both averages, then one more bar for the first cross. */
  protected get decisionWarmUpBars(): number {
    return this.params.slow + 1;
  }

  protected createState(): CrossoverState {
    return {
      fast: new Sma(this.params.fast),
      slow: new Sma(this.params.slow),
      lastNonZeroDifference: Number.NaN,
    };
  }

  protected decide(bar: Bar, data: SymbolData<CrossoverState>): SignalDirection | null {
    const state = data.state;
    state.fast.updateBar(bar);
    state.slow.updateBar(bar);
    // No early return while the averages warm up: their values are NaN until then, so the difference stays NaN and
    // no cross is seen, on the same path as every later bar. With many symbols in step, all warm up until the same
    // bar, and V8 threw away the compiled bar path that had only seen the early return.
    const fast = state.fast.value;
    const slow = state.slow.value;
    const difference = fast - slow;
    const before = state.lastNonZeroDifference;
    // One comparison and one store on every bar, nothing skipped while the averages warm up: V8 throws the compiled
    // bar path away at the first operation it has never seen run (seen with --trace-deopt, once all were ready).
    state.lastNonZeroDifference = difference === 0 ? before : difference;
    // Every comparison is made on every bar (none skipped by && while `before` is NaN), for the same reason.
    const above = fast > slow;
    const below = fast < slow;
    return this.longOnly(bar.symbol, before < 0 && above, before > 0 && below);
  }
}

export const smaCrossover = defineStrategy({
  name: SMA_CROSSOVER,
  description: 'Momentum: long when the fast SMA crosses above the slow SMA, exit when it crosses below',
  params,
  check: (p) => (p.fast < p.slow ? null : { param: 'fast', expected: `fast < slow (slow = ${p.slow})` }),
  create: (p, context) => new SmaCrossoverStrategy(p, context),
});
