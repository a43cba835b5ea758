export { BarHistory } from './bar-history.js';
export { BaseStrategy, DEFAULT_HISTORY_SIZE, type SymbolData } from './base-strategy.js';
export {
  createStrategy,
  STRATEGY_CATALOG,
  STRATEGY_NAMES,
  type StrategyInfo,
  type StrategyParamInfo,
} from './create-strategy.js';
export {
  RSI_MEAN_REVERSION,
  RSI_MEAN_REVERSION_DEFAULTS,
  RsiMeanReversionStrategy,
  type RsiMeanReversionParams,
} from './rsi-mean-reversion-strategy.js';
export {
  SMA_CROSSOVER,
  SMA_CROSSOVER_DEFAULTS,
  SmaCrossoverStrategy,
  type SmaCrossoverParams,
} from './sma-crossover-strategy.js';
export type { PositionView, Strategy, StrategyContext } from './strategy.js';
export { StrategyConfigError } from './strategy-config-error.js';
