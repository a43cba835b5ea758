/**
 * Incremental indicators: O(1) per update, no allocation per update, equal to TA-Lib's definitions (verified
 * against the talib package in the tests). `update(...)` returns the new value; hot paths call `updateBar(bar)` and
 * read the `value` field, which never allocates whatever the JIT inlines (see ExactSum).
 *
 * Written here rather than taken from trading-signals: its SMA is O(period) per update (Array#shift over the
 * window), its EMA seeds with the first price instead of the SMA of the first `period` inputs, and its ATR seed
 * includes the first bar's high − low. Neither matches TA-Lib's definitions, and the SMA is too slow for the
 * backtest's per-bar budget.
 */
export { Atr } from './atr.js';
export { CloseIndicator } from './close-indicator.js';
export { Ema } from './ema.js';
export { ExactSum } from './exact-sum.js';
export type { Mutable, PriceBar } from './mutable.js';
export { Rsi } from './rsi.js';
export { Sma } from './sma.js';
export { TrueRange } from './true-range.js';
