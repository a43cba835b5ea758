import type { Command } from 'commander';
import type { ConfigOverride } from '../config/overrides.js';
import type { Config } from '../config/schema.js';
import { OBJECTIVES, type Objective } from '../optimize/objective.js';
import { parseGridFlags } from '../optimize/param-grid.js';
import { addDataOptions, overridesFrom, type BacktestFlags } from './backtest-command.js';
import { collect, resolveConfig, secondsFlag } from './config-options.js';
import { UsageError } from './exit-codes.js';
import { locatingStrategyErrors } from './strategy-param-origin.js';

/** Flags of `ets optimize` and `ets walk-forward`. */
export interface StudyFlags {
  config: string;
  dataDir?: string;
  symbols?: string;
  start?: string;
  end?: string;
  strategy?: string;
  commission?: string;
  slippageBps?: string;
  out?: string;
  grid?: string[];
  objective?: string;
  minTrades?: string;
  workers?: string;
  pboPartitions?: string;
  queue?: string;
  redisWaitSeconds?: string;
  mode?: string;
  inSample?: string;
  outOfSample?: string;
  step?: string;
}

/** A run over a BullMQ queue (--queue). */
export interface QueueSettings {
  readonly url: string;
  /** How long Redis may be away mid-run before the run fails (--redis-wait-seconds). */
  readonly waitSeconds: number;
}

/** How the optimisation runs, once the config is validated. */
export interface StudySettings {
  readonly grid: Readonly<Record<string, readonly number[]>>;
  readonly objective: Objective;
  readonly workers: number | null;
  readonly queue: QueueSettings | null;
}

function wholeNumber(text: string, flag: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new UsageError(`--${flag} ${text}: expected a whole number`);
  return Number(text);
}

const WALK_FORWARD = ['backtest', 'walk_forward'];

/** A window length flag: a bar count (504) or a calendar length (2Y, 6M, 13W, 30D). */
function lengthOverrides(flag: string, text: string, key: string): ConfigOverride[] {
  if (!/^(\d+|[1-9]\d{0,3}[DWMY])$/.test(text)) {
    throw new UsageError(`${flag} ${text}: expected a number of bars (504) or a calendar length (2Y, 6M, 13W, 30D)`);
  }
  if (/^\d+$/.test(text)) {
    return [
      { flag, path: [...WALK_FORWARD, `${key}_bars`], value: wholeNumber(text, flag.slice(2)) },
      { flag, path: [...WALK_FORWARD, `${key}_period`], value: null },
    ];
  }
  return [{ flag, path: [...WALK_FORWARD, `${key}_period`], value: text }];
}

function studyOverrides(flags: StudyFlags, strategyFromFile: () => string): ConfigOverride[] {
  const backtestFlags: BacktestFlags = { ...flags, param: [], stops: true };
  const o = overridesFrom(backtestFlags, strategyFromFile);
  const add = (flag: string, key: string, value: unknown) => o.push({ flag, path: [...WALK_FORWARD, key], value });
  if (flags.objective !== undefined) add('--objective', 'objective', flags.objective);
  if (flags.minTrades !== undefined) add('--min-trades', 'min_trades', wholeNumber(flags.minTrades, 'min-trades'));
  if (flags.workers !== undefined) add('--workers', 'workers', wholeNumber(flags.workers, 'workers'));
  if (flags.pboPartitions !== undefined) {
    add('--pbo-partitions', 'pbo_partitions', wholeNumber(flags.pboPartitions, 'pbo-partitions'));
  }
  if (flags.mode !== undefined) add('--mode', 'mode', flags.mode);
  if (flags.inSample !== undefined) o.push(...lengthOverrides('--in-sample', flags.inSample, 'in_sample'));
  if (flags.outOfSample !== undefined)
    o.push(...lengthOverrides('--out-of-sample', flags.outOfSample, 'out_of_sample'));
  if (flags.step !== undefined) o.push(...lengthOverrides('--step', flags.step, 'step'));
  return o;
}

/** How long a run waits for a Redis that went away, unless --redis-wait-seconds says otherwise. */
const REDIS_WAIT_SECONDS = 30;

function addStudyOptions(command: Command): Command {
  return addDataOptions(command)
    .option(
      '--grid <name=range>',
      "parameter range start:stop:step or list a,b,c, repeatable (default: param_grid, else the strategy's declared min:max:step)",
      collect,
    )
    .option('--objective <name>', `what to maximise: ${OBJECTIVES.join(', ')}`)
    .option('--min-trades <n>', 'sets with fewer closed trades are not chosen')
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--pbo-partitions <n>', 'even number S of partitions for the PBO (default 16)')
    .option('--queue <url>', 'run the backtests on a BullMQ queue, redis://HOST:PORT, served by `ets worker`')
    .option(
      '--redis-wait-seconds <n>',
      `with --queue: how long Redis may be away mid-run before the run fails (default ${REDIS_WAIT_SECONDS})`,
    )
    .option('--commission <model>', 'zero, ib-fixed or ib-tiered')
    .option('--slippage-bps <n>', 'adverse slippage in basis points on market and stop fills')
    .option('--out <dir>', 'directory for the result files (backtest.results_directory)');
}

function queueSettings(flags: StudyFlags): QueueSettings | null {
  if (flags.queue === undefined) {
    if (flags.redisWaitSeconds !== undefined) throw new UsageError('--redis-wait-seconds goes with --queue');
    return null;
  }
  const waitSeconds =
    flags.redisWaitSeconds === undefined
      ? REDIS_WAIT_SECONDS
      : secondsFlag('--redis-wait-seconds', flags.redisWaitSeconds);
  return { url: flags.queue, waitSeconds };
}

/** Runs a study with the validated config and the settings of the run. */
async function runStudy(
  flags: StudyFlags,
  run: (config: Config, settings: StudySettings) => Promise<void>,
): Promise<void> {
  const overrides = studyOverrides(flags, () => resolveConfig(flags.config, []).backtest.strategy);
  const config = resolveConfig(flags.config, overrides);
  const wf = config.backtest.walk_forward;
  const grid = flags.grid === undefined ? wf.param_grid : parseGridFlags(flags.grid);
  const settings = { grid, objective: wf.objective, workers: wf.workers, queue: queueSettings(flags) };
  await locatingStrategyErrors(flags.config, overrides, () => run(config, settings));
}

export function registerOptimizeCommands(program: Command): void {
  addStudyOptions(
    program
      .command('optimize')
      .description('grid search of strategy parameters: optimize.csv, the best set, PBO and deflated Sharpe'),
  ).action(async (flags: StudyFlags) => {
    const { runOptimizeCommand } = await import('./optimize-run.js');
    await runStudy(flags, runOptimizeCommand);
  });
  addStudyOptions(
    program
      .command('walk-forward')
      .description('walk-forward analysis: optimise in-sample, trade out-of-sample, stitched OOS results and pass/fail')
      .option('--mode <mode>', 'rolling or anchored')
      .option('--in-sample <length>', 'in-sample length: bars (504) or calendar (2Y, 6M, 13W, 30D)')
      .option('--out-of-sample <length>', 'out-of-sample length: bars or calendar')
      .option('--step <length>', 'how far windows move: bars or calendar (default: the out-of-sample length)'),
  ).action(async (flags: StudyFlags) => {
    const { runWalkForwardCommand } = await import('./walk-forward-run.js');
    await runStudy(flags, runWalkForwardCommand);
  });
}
