export { BarHistory } from './bar-history.js';
export { BaseStrategy, DEFAULT_HISTORY_SIZE, type SymbolData } from './base-strategy.js';
export {
  BUILT_IN_STRATEGIES,
  builtInStrategy,
  createStrategy,
  STRATEGY_CATALOG,
  STRATEGY_NAMES,
  strategyInfo,
  strategyParams,
  type StrategyInfo,
  type StrategyParamInfo,
} from './create-strategy.js';
export { defineStrategy, isStrategyDefinition, type StrategyDefinition } from './define-strategy.js';
export {
  RSI_MEAN_REVERSION,
  RSI_MEAN_REVERSION_DEFAULTS,
  RsiMeanReversionStrategy,
  rsiMeanReversion,
  type RsiMeanReversionParams,
} from './rsi-mean-reversion-strategy.js';
export {
  SMA_CROSSOVER,
  SMA_CROSSOVER_DEFAULTS,
  SmaCrossoverStrategy,
  smaCrossover,
  type SmaCrossoverParams,
} from './sma-crossover-strategy.js';
export type { PositionView, Strategy, StrategyContext } from './strategy.js';
export { StrategyConfigError } from './strategy-config-error.js';
export { param, type ParamShape, type ParamSpec, type ParamValues } from './strategy-params.js';
