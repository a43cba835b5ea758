import type { Command } from 'commander';
import { excerpt } from '../config/bounded-text.js';
import { numericText, type ConfigOverride } from '../config/overrides.js';
import { ThreadShell } from '../core/thread-shell.js';
import { isModulePath } from '../strategy/module-path.js';
import { addConfigOption, collect, resolveConfig } from './config-options.js';
import { UsageError } from './exit-codes.js';
import { locatingStrategyErrors } from './strategy-param-origin.js';
import { symbolsFlag } from './symbols-flag.js';

export interface BacktestFlags {
  config: string;
  dataDir?: string;
  symbols?: string;
  start?: string;
  end?: string;
  strategy?: string;
  strategies?: string;
  param?: string[];
  sizing?: string;
  commission?: string;
  slippageBps?: string;
  stops: boolean;
  initialCash?: string;
  settlementDays?: string;
  benchmark?: string;
  out?: string;
  journal?: string;
  skipBadRows?: boolean;
  equityRows?: string;
}

/**
 * `name=value`, for the key `strategies.<strategy>.params.<name>`: a name the strategy does not have is refused by
 * the strategy, and __proto__, constructor and prototype by validation (applyOverrides writes them as plain keys).
 */
function parseParam(text: string): [string, number | string] {
  const match = /^([A-Za-z_][\w]*)=(.+)$/.exec(text);
  if (!match) throw new UsageError(`--param ${excerpt(text, 60)}: expected name=value, e.g. --param fast=10`);
  return [match[1]!, numericText(match[2]!)];
}

/** The config, data and strategy flags that ets backtest, ets optimize and ets walk-forward share. */
export function addDataOptions(command: Command): Command {
  return addConfigOption(command)
    .option('--data-dir <dir>', 'directory of SYMBOL.csv files (backtest.csv_directory)')
    .option('--symbols <list>', 'comma-separated symbols to trade (default: every CSV but the benchmark)')
    .option('--start <date>', 'first date, YYYY-MM-DD')
    .option('--end <date>', 'last date, YYYY-MM-DD (inclusive)')
    .option(
      '--strategy <name>',
      'sma_crossover, rsi_mean_reversion, a strategies.<name> key, or a module path (.js, .mjs, .ts)',
    );
}

/** Command-line flags as overrides of config keys, so one validation covers both. */
export function overridesFrom(flags: BacktestFlags, strategyFromFile: () => string): ConfigOverride[] {
  if (flags.strategies !== undefined && flags.strategy !== undefined) {
    throw new UsageError('--strategy and --strategies: give one (--strategies runs several, each on its own symbols)');
  }
  const params = flags.param ?? [];
  if (flags.strategies !== undefined && params.length > 0) {
    throw new UsageError(
      "--param with --strategies: set each strategy's parameters under strategies.<name>.params in the config",
    );
  }
  const o: ConfigOverride[] = [];
  const add = (flag: string, path: string[], value: unknown) => o.push({ flag, path, value });
  if (flags.dataDir !== undefined) add('--data-dir', ['backtest', 'csv_directory'], flags.dataDir);
  if (flags.symbols !== undefined) {
    add('--symbols', ['backtest', 'symbols'], symbolsFlag(flags.symbols));
  }
  if (flags.start !== undefined) add('--start', ['backtest', 'start_date'], flags.start);
  if (flags.end !== undefined) add('--end', ['backtest', 'end_date'], flags.end);
  if (flags.strategy !== undefined) add('--strategy', ['backtest', 'strategy'], flags.strategy);
  if (flags.strategies !== undefined) {
    add(
      '--strategies',
      ['backtest', 'strategies'],
      flags.strategies.split(',').map((name) => name.trim()),
    );
  }
  if (flags.sizing !== undefined) add('--sizing', ['trading', 'sizing'], flags.sizing);
  if (flags.commission !== undefined) add('--commission', ['backtest', 'commission'], flags.commission);
  if (flags.slippageBps !== undefined)
    add('--slippage-bps', ['backtest', 'slippage_bps'], numericText(flags.slippageBps));
  if (!flags.stops) add('--no-stops', ['backtest', 'stops'], false);
  if (flags.initialCash !== undefined) {
    add('--initial-cash', ['account', 'initial_capital'], numericText(flags.initialCash));
  }
  if (flags.settlementDays !== undefined) {
    add('--settlement-days', ['account', 'settlement_days'], numericText(flags.settlementDays));
  }
  if (flags.benchmark !== undefined) add('--benchmark', ['benchmarking', 'symbol'], flags.benchmark.toUpperCase());
  if (flags.out !== undefined) add('--out', ['backtest', 'results_directory'], flags.out);
  if (flags.skipBadRows === true) add('--skip-bad-rows', ['backtest', 'skip_bad_rows'], true);
  if (flags.equityRows !== undefined) add('--equity-rows', ['backtest', 'equity_rows'], flags.equityRows);
  if (params.length > 0) {
    const strategy = flags.strategy ?? strategyFromFile();
    const seen = new Set<string>();
    for (const [name, value] of params.map(parseParam)) {
      if (seen.has(name)) throw new UsageError(`--param ${name}: given twice`);
      seen.add(name);
      const path = ['strategies', strategy, 'params', name];
      // A path given as the strategy is no config key: the flag names the value.
      o.push({ flag: '--param', path, value, ...(isModulePath(strategy) && { label: `--param ${name}` }) });
    }
  }
  return o;
}

export function registerBacktestCommand(program: Command): void {
  const command = program
    .command('backtest')
    .description('run a strategy over CSV bars and write trades, fills, equity and metrics');
  addDataOptions(command)
    .option('--strategies <a,b>', 'several strategies at once, each on its strategies.<name>.symbols')
    .option('--param <name=value>', 'strategy parameter, repeatable (e.g. --param fast=10)', collect)
    .option('--sizing <rule>', 'risk or fixed:N')
    .option('--commission <model>', 'zero, ib-fixed or ib-tiered')
    .option('--slippage-bps <n>', 'adverse slippage in basis points on market and stop fills')
    .option('--no-stops', 'do not place protective stop-loss / take-profit orders')
    .option('--initial-cash <n>', 'starting cash (account.initial_capital)')
    .option('--settlement-days <n>', 'sessions until sale proceeds settle (T+N)')
    .option('--benchmark <symbol>', 'buy-and-hold benchmark for alpha and beta')
    .option('--out <dir>', 'directory for the result files (backtest.results_directory)')
    .option('--journal <file>', 'also write the run to this SQLite journal (the live journal\u2019s schema)')
    .option('--skip-bad-rows', 'skip malformed CSV rows (and report how many) instead of failing')
    .option('--equity-rows <rows>', 'equity.csv rows: changes (dates and cash moves) or every_bar')
    .action(async (flags: BacktestFlags) => {
      const overrides = overridesFrom(flags, () => resolveConfig(flags.config, []).backtest.strategy);
      const config = resolveConfig(flags.config, overrides);
      await locatingStrategyErrors(flags.config, overrides, async () => {
        if (config.backtest.walk_forward.enabled) {
          // Its windows' backtests read their bars in threads of their own.
          ThreadShell.take()?.end();
          const { runBacktestWalkForward } = await import('./backtest-walk-forward.js');
          await runBacktestWalkForward(config, flags);
          return;
        }
        // The thread that reads the bar files is started before the backtest's modules load (see earlyBarThread).
        const { earlyBarThread } = await import('./early-bar-thread.js');
        const barThread = earlyBarThread(config);
        const { runBacktestCommand } = await import('./backtest-run.js');
        await runBacktestCommand(
          config,
          {
            benchmarkRequired: flags.benchmark !== undefined,
            ...(flags.journal === undefined ? {} : { journal: flags.journal }),
          },
          barThread,
        );
      });
    });
}
