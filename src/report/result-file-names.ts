import { rmSync } from 'node:fs';
import { join } from 'node:path';

/** What `ets optimize` writes into the results directory. */
export const OPTIMIZE_FILES = ['optimize.csv', 'optimize_best.json'] as const;

/** What `ets walk-forward` writes there besides report.html. */
export const WALK_FORWARD_FILES = ['wfa_windows.csv', 'wfa_oos_equity.csv', 'wfa_oos_trades.csv', 'wfa_summary.json'];

/** Every file `ets backtest`, `ets optimize` and `ets walk-forward` write into a results directory. */
const RESULT_FILE_NAMES = [
  'trades.csv',
  'fills.csv',
  'orders.csv',
  'equity.csv',
  'daily.csv',
  'metrics.json',
  'risk_events.csv',
  'strategies.csv',
  ...OPTIMIZE_FILES,
  ...WALK_FORWARD_FILES,
  'report.html',
];

/**
 * Removes an earlier run's results from `directory`, whichever of the three commands wrote them, once a new run has
 * succeeded and before its files take their names: the directory then holds one run, so a report never shows
 * another run's figures as its own, and a publication cut short leaves no earlier report beside newer files.
 */
export function clearEarlierResults(directory: string): void {
  for (const name of RESULT_FILE_NAMES) rmSync(join(directory, name), { force: true });
}
