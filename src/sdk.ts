/**
 * What a strategy author needs, and nothing internal: the base class, the bar and signal types, the indicators and
 * the parameter declarations. The built-in strategies import only this module, as an author's strategy imports the
 * package; the package's main export (index.ts) adds the backtest API.
 */
export type { Bar } from './domain/bar.js';
export { SignalDirection, type Signal } from './domain/signal.js';
export { Atr, Ema, Rsi, Sma, TrueRange, type PriceBar } from './indicators/index.js';
export { BarHistory } from './strategy/bar-history.js';
export { BaseStrategy, DEFAULT_HISTORY_SIZE, type SymbolData } from './strategy/base-strategy.js';
export { defineStrategy, type StrategyDefinition } from './strategy/define-strategy.js';
export type { PositionView, Strategy, StrategyContext } from './strategy/strategy.js';
export { StrategyConfigError } from './strategy/strategy-config-error.js';
export {
  param,
  type ParamOptions,
  type ParamProblem,
  type ParamShape,
  type ParamSpec,
  type ParamValues,
} from './strategy/strategy-params.js';
