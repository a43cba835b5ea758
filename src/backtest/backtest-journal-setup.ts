import type { Config } from '../config/schema.js';
import { BacktestJournal } from '../journal/backtest-journal.js';
import { configHash, programVersion } from '../journal/session-identity.js';

/**
 * The journal of `ets backtest --journal FILE`: the run's strategy (named as its orders and summary name it, see
 * runStrategyName), the program's version, the config's hash.
 */
export function openBacktestJournal(file: string, config: Config, strategy: string): BacktestJournal {
  return BacktestJournal.open(file, { version: programVersion(), configHash: configHash(config), strategy });
}
