import { SeriesFeed } from '../../src/backtest/bar-feed.js';
import { runBacktest, type BacktestResult } from '../../src/backtest/backtest-runner.js';
import { validateConfig } from '../../src/config/load-config.js';
import type { BarSeries } from '../../src/domain/bar.js';
import { MS_PER_DAY } from '../../src/domain/time.js';
import { riskEventRow } from '../../src/performance/risk-events-csv.js';
import { VolatilitySeries } from '../../src/risk/volatility-series.js';

/** 2024-01-01, a Monday; bars follow day after day (the engine does not need a trading calendar). */
export const DAY0 = Date.UTC(2024, 0, 1);

/** Daily bars from closes: each opens at the previous close, high and low span open and close. */
export function series(symbol: string, closes: readonly number[]): BarSeries {
  const n = closes.length;
  const s = {
    symbol,
    length: n,
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n).fill(1_000_000),
  };
  for (let i = 0; i < n; i++) {
    const open = i === 0 ? closes[0]! : closes[i - 1]!;
    s.time[i] = DAY0 + i * MS_PER_DAY;
    s.open[i] = open;
    s.close[i] = closes[i]!;
    s.high[i] = Math.max(open, closes[i]!);
    s.low[i] = Math.min(open, closes[i]!);
  }
  return s;
}

/**
 * A price path on which SMA 2/3 crosses up at bar 5 (a LONG on its close, filled at bar 6's open), then climbs
 * slowly: positions are entered at a known bar and held.
 */
export const ENTRY_PATH = [50, 49, 48, 47, 47, 49, 50, 50.5, 51, 51.5, 52, 52.5, 53, 53.5, 54];

/** Config for scenarios: fixed sizing, no costs, no stops, SMA 2/3, everything else as given. */
export function scenarioConfig(trading: Record<string, unknown>, sizing = 'fixed:1000') {
  return validateConfig({
    trading: { sizing, max_daily_loss_pct: 100, max_drawdown_pct: 100, ...trading },
    strategies: { sma_crossover: { enabled: true, params: { fast: 2, slow: 3 } } },
    backtest: { strategy: 'sma_crossover', commission: 'zero', slippage_bps: 0, stops: false },
    account: { initial_capital: 100_000 },
    benchmarking: { symbol: null },
  });
}

export interface Scenario {
  readonly result: BacktestResult;
  /** risk_events.csv without its header. */
  readonly rows: string[];
}

export function runScenario(
  trading: Record<string, unknown>,
  data: readonly BarSeries[],
  vix?: readonly number[],
  sizing?: string,
): Scenario {
  const config = scenarioConfig(trading, sizing);
  const volatility = vix === undefined ? null : new VolatilitySeries(series('VIX', vix).time, Float64Array.from(vix));
  const result = runBacktest({ config, feed: new SeriesFeed(data), benchmark: null, volatility });
  return { result, rows: result.riskEvents.map(riskEventRow) };
}
