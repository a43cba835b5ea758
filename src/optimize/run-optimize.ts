import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { PerformanceMetrics } from '../performance/metrics.js';
import type { EvaluationJob } from './evaluation-job.js';
import { runJobs } from './evaluator.js';
import { planSets } from './grid-plan.js';
import { selectPlanned, type GridSelection } from './grid-selection.js';
import { overfittingStats, type OverfittingStats } from './overfitting.js';
import { gridCombinations } from './param-grid.js';
import { OPTIMIZE_FILES } from '../report/result-file-names.js';
import { csvNumber, writeResultFiles } from './result-files.js';
import { openCache, openRunner, type StudyOptions } from './run-context.js';
import { studyStrategy } from './study-strategy.js';
import { studyGrid } from './declared-grid.js';
import { loadStudyData } from './study-data.js';

/** The metrics of optimize.csv, in its column order. */
const METRIC_COLUMNS: readonly (keyof PerformanceMetrics)[] = [
  'total_return',
  'cagr',
  'annual_volatility',
  'sharpe',
  'sortino',
  'max_drawdown',
  'max_drawdown_duration',
  'calmar',
  'win_rate',
  'profit_factor',
  'average_win',
  'average_loss',
  'exposure',
  'trades',
  'final_equity',
  'periods',
];

export interface OptimizeOutcome {
  readonly names: readonly string[];
  readonly selection: GridSelection;
  readonly overfitting: OverfittingStats;
  readonly files: readonly string[];
}

function optimizeCsv(names: readonly string[], selection: GridSelection): string {
  const header = [...names, 'status', 'objective', ...METRIC_COLUMNS, 'reason'].join(',');
  const rows = selection.candidates.map((c) => {
    const m = c.result?.metrics;
    return [
      ...names.map((n) => csvNumber(c.params[n])),
      c.status,
      csvNumber(c.objective),
      ...METRIC_COLUMNS.map((k) => (m === undefined ? '' : csvNumber(m[k] as number | null))),
      c.reason === null ? '' : `"${c.reason.replace(/"/g, '""')}"`,
    ].join(',');
  });
  return `${[header, ...rows].join('\n')}\n`;
}

/**
 * `ets optimize`: every combination of the grid backtested over the configured date range (one job each, on the
 * worker pool), ranked by the objective among the sets with at least `minTrades` trades; optimize.csv gets a row
 * per combination and optimize_best.json the best set with its metrics, PBO and DSR.
 */
export async function runOptimize(config: Config, options: StudyOptions): Promise<OptimizeOutcome> {
  const data = loadStudyData(config);
  const strategy = await studyStrategy(config);
  const grid = studyGrid(options.grid, strategy);
  const names = Object.keys(grid);
  const planned = planSets(config, gridCombinations(grid), strategy);
  const first = data.timeline[0]!;
  const last = data.timeline[data.timeline.length - 1]!;
  const runnable = planned.filter((p) => p.invalid === null);
  const jobs: EvaluationJob[] = runnable.map((p) => ({
    params: p.params,
    window: { warmupFrom: first, from: first, to: last },
    keepTrades: false,
  }));
  const cache = openCache(config, data, options, strategy.codeHash);
  const runner = await openRunner(config, data, options, strategy.codeHash, cache);
  let selection: GridSelection;
  let overfitting: OverfittingStats;
  try {
    const results = await runJobs(jobs, runner, cache, options.progress);
    selection = selectPlanned(planned, results, options.objective, options.minTrades);
    overfitting = await overfittingStats(selection, config.account.initial_capital, options.pboPartitions, runner);
  } finally {
    options.progress.stop();
    await runner.close();
  }
  const best = selection.best === null ? null : selection.candidates[selection.best]!;
  const out = config.backtest.results_directory;
  const summary = {
    strategy: config.backtest.strategy,
    objective: options.objective,
    min_trades: options.minTrades,
    combinations: planned.length,
    evaluated: runnable.length,
    invalid: selection.invalid,
    below_min_trades: selection.belowMinTrades,
    best:
      best === null
        ? null
        : {
            params: Object.fromEntries(names.map((n) => [n, best.params[n]])),
            objective: best.objective,
            metrics: best.result!.metrics,
          },
    overfitting,
  };
  const files = OPTIMIZE_FILES.map((name) => join(out, name));
  writeResultFiles([
    { path: files[0]!, text: optimizeCsv(names, selection) },
    { path: files[1]!, text: `${JSON.stringify(summary, null, 2)}\n` },
  ]);
  return { names, selection, overfitting, files };
}
