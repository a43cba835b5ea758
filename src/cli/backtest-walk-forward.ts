import type { Config } from '../config/schema.js';
import type { BacktestFlags } from './backtest-command.js';
import { UsageError } from './exit-codes.js';
import { runWalkForwardCommand } from './walk-forward-run.js';

/** Flags of a single backtest that a walk-forward analysis has no use for: refused rather than ignored. */
const SINGLE_BACKTEST_FLAGS: readonly [keyof BacktestFlags, string][] = [
  ['journal', '--journal'],
  ['strategies', '--strategies'],
  ['equityRows', '--equity-rows'],
];

/**
 * `ets backtest` with `backtest.walk_forward.enabled: true`: the walk-forward analysis of the config's strategy,
 * exactly as `ets walk-forward` runs it with no flags of its own (the grid, objective, windows and workers from
 * `backtest.walk_forward`), after one line that says so. The backtest's data, cost and sizing flags apply.
 */
export async function runBacktestWalkForward(config: Config, flags: BacktestFlags): Promise<void> {
  for (const [key, flag] of SINGLE_BACKTEST_FLAGS) {
    if (flags[key] !== undefined) {
      throw new UsageError(
        `${flag}: backtest.walk_forward.enabled is true, so ets backtest runs a walk-forward analysis, which has no ${flag}; set it to false for a single backtest`,
      );
    }
  }
  const wf = config.backtest.walk_forward;
  const chosen = (flags.param ?? []).map((text) => text.split('=')[0]!).find((name) => name in wf.param_grid);
  if (chosen !== undefined) {
    throw new UsageError(
      `--param ${chosen}: backtest.walk_forward.enabled is true, and the walk-forward analysis chooses ${chosen} in each window from backtest.walk_forward.param_grid; leave it out, or set enabled to false for a single backtest`,
    );
  }
  process.stderr.write(
    'backtest.walk_forward.enabled is true: running the walk-forward analysis (as ets walk-forward); set it to false for a single backtest\n',
  );
  await runWalkForwardCommand(config, {
    grid: wf.param_grid,
    objective: wf.objective,
    workers: wf.workers,
    queue: null,
  });
}
