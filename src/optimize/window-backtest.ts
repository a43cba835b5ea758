import { SeriesFeed } from '../backtest/bar-feed.js';
import { runBacktest } from '../backtest/backtest-runner.js';
import type { Config } from '../config/schema.js';
import { lowerBound, sliceBarSeriesByTime } from '../data/slice-bar-series.js';
import type { BarSeries } from '../domain/bar.js';
import { OrderSide } from '../domain/order.js';
import { createCommissionModel } from '../execution/commission-model.js';
import { slippedPrice } from '../execution/fill-model.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/silent-logger.js';
import type { EquityColumns } from '../performance/equity-curve.js';
import { computeMetrics, type PerformanceMetrics } from '../performance/metrics.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import type { StrategyFactory } from '../strategy/load-strategy.js';

/** A span of the data to trade, as bar times (epoch ms, both inclusive), with the bars before it for warm-up. */
export interface TradeWindow {
  /** First bar the strategy sees; bars before `from` only warm its indicators up. */
  readonly warmupFrom: number;
  /** First bar on which an entry may open. */
  readonly from: number;
  /** Last bar; positions still open after it are closed at its close. */
  readonly to: number;
}

export interface WindowOutcome {
  readonly metrics: PerformanceMetrics;
  /** The account at the end of each date of the window (after the closing sale on the last one). */
  readonly time: Float64Array;
  readonly equity: Float64Array;
  readonly trades: readonly TradeRecord[];
}

let silent: Logger | undefined;

/** A record a window's run does not keep. */
function ignore(): void {
  // nothing: see runWindowBacktest
}

/** One silent logger for every window's backtest: making one per backtest is a measurable share of a short run. */
function quiet(): Logger {
  silent ??= silentLogger();
  return silent;
}

/** The config with `params` as the parameters of the strategy it backtests. */
export function withParams(config: Config, params: Readonly<Record<string, number>>): Config {
  const name = config.backtest.strategy;
  const entry = config.strategies[name];
  return {
    ...config,
    strategies: { ...config.strategies, [name]: entry === undefined ? { params } : { ...entry, params } },
  } as Config;
}

/** How many distinct bar times at or after `from` the series have together (the runner's bar slices). */
function distinctTimes(series: readonly BarSeries[], from: number): number {
  const at = series.map((s) => lowerBound(s.time, s.length, from));
  let count = 0;
  for (;;) {
    let next = Infinity;
    for (let k = 0; k < series.length; k++)
      if (at[k]! < series[k]!.length) next = Math.min(next, series[k]!.time[at[k]!]!);
    if (next === Infinity) return count;
    count++;
    for (let k = 0; k < series.length; k++) if (series[k]!.time[at[k]!] === next) at[k]!++;
  }
}

/**
 * Sells what is still held after the window's last bar at that bar's close less the configured slippage, paying the
 * configured commission. (The loops of a window's run live in small functions of their own: a loop in
 * runWindowBacktest itself had V8 enter it through on-stack replacement, and that code, once it deoptimised, was
 * entered again and deoptimised again on every later window.)
 */
function closeAtWindowEnd(
  run: Config,
  portfolio: Portfolio,
  slices: readonly BarSeries[],
  trades: TradeRecord[],
): void {
  const commission = createCommissionModel(run.backtest.commission, run.commission_rates);
  for (const slice of slices) {
    const held = portfolio.quantity(slice.symbol);
    if (held === 0 || slice.length === 0) continue;
    const last = slice.length - 1;
    const time = slice.time[last]!;
    const side = held > 0 ? OrderSide.Sell : OrderSide.Buy;
    const quantity = Math.abs(held);
    // As a market order at the close fills in a backtest: slipped against the trader and rounded to the tick.
    const price = slippedPrice(slice.close[last]!, side, run.backtest.slippage_bps);
    const closed = portfolio.applyFill({
      orderId: 0,
      execId: `window-end-${slice.symbol}`,
      symbol: slice.symbol,
      side,
      quantity,
      price,
      commission: commission.commission(side, quantity, price, time),
      time,
      purpose: 'exit',
    });
    trades.push(...closed);
  }
}

/** The account at the end of each date from `from` on, the last one after the closing sale (`finalEquity`). */
function windowCurve(
  daily: EquityColumns,
  from: number,
  finalEquity: number,
): { time: Float64Array; equity: Float64Array } {
  let first = 0;
  while (first < daily.length && daily.time[first]! < from) first++;
  const n = daily.length - first;
  const time = daily.time.slice(first);
  const equity = new Float64Array(n);
  for (let i = 0; i < n; i++) equity[i] = daily.cash[first + i]! + daily.positionsValue[first + i]!;
  if (n > 0) equity[n - 1] = finalEquity;
  return { time, equity };
}

/**
 * One backtest of one parameter set on one window, in memory: the backtest runner with the config's full cost and
 * risk model over the series sliced to the window. Bars from `warmupFrom` feed the strategy, but entries are held
 * until `from` (warm-up comes from data before the window, never from after it). Positions still open after the
 * last bar are closed at that bar's close with the configured slippage, on the tick, paying the configured
 * commission, so that every window ends flat and windows can be stitched without carrying positions across.
 */
export function runWindowBacktest(
  config: Config,
  series: readonly BarSeries[],
  params: Readonly<Record<string, number>>,
  window: TradeWindow,
  /** A loaded strategy module; without it, the built-in strategy `backtest.strategy` names. */
  strategy?: StrategyFactory,
): WindowOutcome {
  const run = withParams(config, params);
  const slices = series.map((s) => sliceBarSeriesByTime(s, window.warmupFrom, window.to));
  // Only the closed trades are wanted of the run's records: a run that kept its orders and fills too (thousands in a
  // window) held them until its end, through the young generation's collections, which copied and promoted them.
  const trades: TradeRecord[] = [];
  const result = runBacktest({
    config: run,
    logger: quiet(),
    feed: new SeriesFeed(slices),
    benchmark: null,
    ...(strategy !== undefined && { strategy }),
    entryGates: [{ entryBlockReason: (time) => (time < window.from ? 'warm-up before the window' : null) }],
    records: {
      order: ignore,
      fill: ignore,
      riskEvent: ignore,
      trade: (trade) => {
        trades.push(trade);
      },
    },
  });
  const portfolio = result.portfolio;
  closeAtWindowEnd(run, portfolio, slices, trades);
  const { time, equity } = windowCurve(result.daily, window.from, portfolio.equity);
  const n = time.length;
  // Exposure is a share of the run's bar slices; the warm-up slices held nothing, so the window's share is larger.
  const exposure = result.metrics.exposure;
  const windowSlices = distinctTimes(slices, window.from);
  const metrics = computeMetrics({
    initialEquity: run.account.initial_capital,
    daily: { length: n, time, equity },
    trades,
    exposure:
      exposure === null || windowSlices === 0 ? null : (exposure * distinctTimes(slices, -Infinity)) / windowSlices,
    openPositions: portfolio.openPositionCount,
    riskFreeRate: run.performance.risk_free_rate,
    periodsPerYear: run.performance.periods_per_year,
    benchmark: null,
  });
  return { metrics, time, equity, trades };
}
