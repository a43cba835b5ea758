import { StreamFeed } from '../backtest/bar-feed.js';
import { runBacktest } from '../backtest/backtest-runner.js';
import { validateConfig } from '../config/load-config.js';
import { applyOverrides, type ConfigOverride } from '../config/overrides.js';
import { resolveBarFiles } from '../data/bar-files.js';
import { CsvDataError } from '../data/csv-data-error.js';
import { openBarStreams } from '../data/open-bar-streams.js';
import type { Fill } from '../domain/fill.js';
import type { PerformanceMetrics } from '../performance/metrics.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import { volatilityIndexSymbol } from '../risk/volatility-index-symbol.js';
import { builtInStrategy } from '../strategy/create-strategy.js';
import type { StrategyDefinition } from '../strategy/define-strategy.js';
import { definitionFactory } from '../strategy/load-strategy.js';
import { StrategyConfigError } from '../strategy/strategy-config-error.js';

export interface BacktestOptions {
  /** The strategy: a definition (`defineStrategy`) or the name of a built-in one. */
  readonly strategy: StrategyDefinition | string;
  /** Parameters over the strategy's declared defaults, validated against its declarations. */
  readonly params?: Readonly<Record<string, number>>;
  /** Directory of `SYMBOL.csv` files. */
  readonly dataDir: string;
  /** Symbols to trade; default: every CSV file in `dataDir`. */
  readonly symbols?: readonly string[];
  /** First and last date, `YYYY-MM-DD` (both inclusive). */
  readonly start?: string;
  readonly end?: string;
  /**
   * Any other settings, shaped as `config.yaml` (`{ trading: { sizing: 'fixed:100' }, backtest: { commission:
   * 'zero' } }`), validated by the same schema: an error names the key, the value and what is expected.
   */
  readonly config?: Readonly<Record<string, unknown>>;
}

export interface BacktestReport {
  readonly strategy: string;
  /** The parameters the strategy ran with, defaults included. */
  readonly params: Readonly<Record<string, number>>;
  readonly bars: number;
  readonly fills: readonly Fill[];
  /** Closed trades, as `trades.csv` has them. */
  readonly trades: readonly TradeRecord[];
  readonly metrics: PerformanceMetrics;
  readonly finalEquity: number;
}

/**
 * Backtests a strategy over CSV bars in this process, with the engine, risk rules, costs and metrics of `ets
 * backtest`, and returns the results instead of writing files.
 */
export function backtest(options: BacktestOptions): BacktestReport {
  const definition = typeof options.strategy === 'string' ? builtInStrategy(options.strategy) : options.strategy;
  if (definition === undefined) {
    const name = options.strategy as string;
    throw new StrategyConfigError(name, null, name, `unknown strategy "${name}"`);
  }
  const factory = definitionFactory(definition);
  const params = factory.resolveParams(options.params ?? {});
  const overrides: ConfigOverride[] = [
    { flag: 'dataDir', path: ['backtest', 'csv_directory'], value: options.dataDir },
    { flag: 'strategy', path: ['backtest', 'strategy'], value: definition.name },
    { flag: 'params', path: ['strategies', definition.name, 'params'], value: params },
  ];
  if (options.symbols !== undefined) {
    overrides.push({ flag: 'symbols', path: ['backtest', 'symbols'], value: options.symbols });
  }
  if (options.start !== undefined)
    overrides.push({ flag: 'start', path: ['backtest', 'start_date'], value: options.start });
  if (options.end !== undefined) overrides.push({ flag: 'end', path: ['backtest', 'end_date'], value: options.end });
  const config = validateConfig(applyOverrides(options.config ?? {}, overrides), 'backtest options');
  const dir = config.backtest.csv_directory;
  const symbols =
    config.backtest.symbols ??
    resolveBarFiles(dir)
      .map((file) => file.symbol)
      .filter((symbol) => symbol !== volatilityIndexSymbol(config));
  if (symbols.length === 0) throw new CsvDataError(dir, null, 'no CSV files of symbols to trade');
  const feed = new StreamFeed(
    openBarStreams(dir, {
      symbols,
      skipBadRows: config.backtest.skip_bad_rows,
      ...(config.backtest.start_date !== null && { start: config.backtest.start_date }),
      ...(config.backtest.end_date !== null && { end: config.backtest.end_date }),
    }),
  );
  const result = runBacktest({ config, feed, benchmark: null, strategy: factory });
  return {
    strategy: factory.id,
    params,
    bars: result.bars,
    fills: result.fills,
    trades: result.trades,
    metrics: result.metrics,
    finalEquity: result.portfolio.equity,
  };
}
