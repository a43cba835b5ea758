import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { formatTime } from '../domain/time.js';
import { computeMetrics } from '../performance/metrics.js';
import { tradeRow } from '../performance/report-rows.js';
import { TRADES_HEADER } from '../performance/report-writer.js';
import type { EvaluationJob, EvaluationResult } from '../optimize/evaluation-job.js';
import { BatchedJobs } from '../optimize/evaluator.js';
import { planSets, type PlannedSet } from '../optimize/grid-plan.js';
import { selectPlanned, type GridSelection } from '../optimize/grid-selection.js';
import { overfittingStats, type OverfittingStats } from '../optimize/overfitting.js';
import { gridCombinations } from '../optimize/param-grid.js';
import { csvNumber, writeResultFiles } from '../optimize/result-files.js';
import { WALK_FORWARD_FILES } from '../report/result-file-names.js';
import { openCache, openRunner, type StudyOptions } from '../optimize/run-context.js';
import { studyStrategy } from '../optimize/study-strategy.js';
import { studyGrid } from '../optimize/declared-grid.js';
import { loadStudyData } from '../optimize/study-data.js';
import type { TradeWindow } from '../optimize/window-backtest.js';
import { dayEnds, scaledTrade, stitchWindows } from './stitch.js';
import { planWindows, type PlannedWindow, type WalkForwardMode, type WindowLength } from './window-plan.js';
import {
  parameterStability,
  passCriteria,
  pooledAnnualReturn,
  sharpeTStatistic,
  walkForwardEfficiency,
  type WindowFigures,
} from './wfa-summary.js';

export interface WalkForwardOptions extends StudyOptions {
  readonly mode: WalkForwardMode;
  readonly inSample: WindowLength;
  readonly outOfSample: WindowLength;
  readonly step: WindowLength;
  /** Called just before the result files take their names (the CLI holds Ctrl+C from there to its report). */
  readonly onPublish?: () => void;
}

export interface WindowResult {
  readonly bounds: PlannedWindow;
  readonly selection: GridSelection;
  readonly overfitting: OverfittingStats;
  /** The chosen set's out-of-sample run; null when no set qualified in sample. */
  readonly oos: EvaluationResult | null;
}

export interface WalkForwardOutcome {
  readonly windows: readonly WindowResult[];
  readonly summary: Record<string, unknown>;
  readonly passed: boolean;
  readonly files: readonly string[];
}

/** Bars [start, end) of the timeline traded, with the set's warm-up taken from the bars before `start`. */
function tradeWindow(timeline: Float64Array, start: number, end: number, set: PlannedSet): TradeWindow {
  return { warmupFrom: timeline[Math.max(0, start - set.warmUpBars)]!, from: timeline[start]!, to: timeline[end - 1]! };
}

/**
 * `ets walk-forward`: for each window, every set of the grid is backtested on the in-sample bars only (warm-up from
 * the bars before them), the best by the objective is traded on the out-of-sample bars that follow (warm-up from
 * the bars before those, which are in-sample bars, never later ones), and positions are closed at each window's
 * last bar. The out-of-sample runs are stitched into one curve and judged by the usual pass criteria.
 */
export async function runWalkForward(config: Config, options: WalkForwardOptions): Promise<WalkForwardOutcome> {
  const data = loadStudyData(config);
  const t = data.timeline;
  const strategy = await studyStrategy(config);
  const grid = studyGrid(options.grid, strategy);
  const names = Object.keys(grid);
  const planned = planSets(config, gridCombinations(grid), strategy);
  const runnable = planned.filter((p) => p.invalid === null);
  const bounds = planWindows(t, options.mode, options.inSample, options.outOfSample, options.step);
  const initial = config.account.initial_capital;

  const cache = openCache(config, data, options, strategy.codeHash);
  const runner = await openRunner(config, data, options, strategy.codeHash, cache);
  const jobs = new BatchedJobs(runner, cache, options.progress);
  const isJobs = bounds.map((w) =>
    runnable.map((p): EvaluationJob => ({
      params: p.params,
      window: tradeWindow(t, w.isStart, w.isEnd, p),
      keepTrades: false,
    })),
  );
  // One out-of-sample run per window, counted from the start; those the cache holds are counted as they come.
  options.progress.start(
    isJobs.reduce((n, w) => n + w.length, 0) + bounds.length,
    isJobs.reduce((n, w) => n + jobs.cached(w), 0),
  );
  let windows: WindowResult[];
  try {
    // Windows go through the runner side by side: a window's PBO and out-of-sample run are queued as soon as its
    // in-sample results are in, so they overlap with the other windows' backtests.
    windows = await Promise.all(
      bounds.map(async (b, k): Promise<WindowResult> => {
        const isResults = await jobs.run(isJobs[k]!);
        const selection = selectPlanned(planned, isResults, options.objective, options.minTrades);
        const set = selection.best === null ? null : planned[selection.best]!;
        const oosRun = async (): Promise<EvaluationResult | null> => {
          if (set === null) {
            options.progress.done();
            return null;
          }
          const job = { params: set.params, window: tradeWindow(t, b.oosStart, b.oosEnd, set), keepTrades: true };
          return (await jobs.run([job], { countCached: true, urgent: true }))[0]!;
        };
        const [overfitting, oos] = await Promise.all([
          overfittingStats(selection, initial, options.pboPartitions, runner),
          oosRun(),
        ]);
        return { bounds: b, selection, overfitting, oos };
      }),
    );
  } finally {
    options.progress.stop();
    await runner.close();
  }

  const stitched = stitchWindows(
    initial,
    windows.map((w) => w.oos),
    windows.map((w) => dayEnds(t, w.bounds.oosStart, w.bounds.oosEnd)),
  );
  // Each window traded from the initial capital; in the stitched account its trades count at its curve's scale.
  const scales = windows.map((_, k) => (k === 0 ? initial : stitched.windowEnds[k - 1]!) / initial);
  const trades = windows.flatMap((w, k) => (w.oos?.trades ?? []).map((trade) => scaledTrade(trade, scales[k]!)));
  const oosMetrics = computeMetrics({
    initialEquity: initial,
    daily: {
      length: stitched.time.length,
      time: Float64Array.from(stitched.time),
      equity: Float64Array.from(stitched.equity),
    },
    trades,
    exposure: null,
    openPositions: 0,
    riskFreeRate: config.performance.risk_free_rate,
    periodsPerYear: config.performance.periods_per_year,
    benchmark: null,
  });
  const figures: WindowFigures[] = windows.map((w, k) => {
    const best = w.selection.best === null ? null : w.selection.candidates[w.selection.best]!;
    return {
      params: best === null ? null : Object.fromEntries(names.map((n) => [n, best.params[n]!])),
      is: best?.result?.metrics ?? null,
      oos: w.oos?.metrics ?? null,
      profit: stitched.windowEnds[k]! - (k === 0 ? initial : stitched.windowEnds[k - 1]!),
      pbo: w.overfitting.pbo,
    };
  });
  const P = config.performance.periods_per_year;
  const isAnnual = pooledAnnualReturn(
    figures.flatMap((f) => (f.is === null ? [] : [f.is])),
    P,
  );
  const oosAnnual = pooledAnnualReturn(
    figures.flatMap((f) => (f.oos === null ? [] : [f.oos])),
    P,
  );
  const wfe = walkForwardEfficiency(isAnnual, oosAnnual);
  const totalProfit = (stitched.windowEnds[stitched.windowEnds.length - 1] ?? initial) - initial;
  const criteria = passCriteria(figures, totalProfit, wfe, oosMetrics.max_drawdown);
  const pbos = figures.map((f) => f.pbo).filter((p): p is number => p !== null);
  const passed = criteria.every((c) => c.pass);
  const summary = {
    strategy: config.backtest.strategy,
    mode: options.mode,
    objective: options.objective,
    windows: windows.length,
    combinations: planned.length,
    invalid_combinations: planned.length - runnable.length,
    oos: { ...oosMetrics, profit: totalProfit, sharpe_t_stat: sharpeTStatistic(initial, stitched.equity) },
    is_annual_return: isAnnual,
    oos_annual_return: oosAnnual,
    walk_forward_efficiency: wfe,
    parameter_stability: parameterStability(
      names,
      figures.map((f) => f.params),
    ),
    pbo_mean: pbos.length === 0 ? null : pbos.reduce((a, b) => a + b, 0) / pbos.length,
    criteria,
    result: passed ? 'pass' : 'fail',
  };

  const out = config.backtest.results_directory;
  const files = WALK_FORWARD_FILES.map((f) => join(out, f));
  const texts = [
    { path: files[0]!, text: windowsCsv(names, t, windows, figures, options) },
    { path: files[1]!, text: equityCsv(stitched) },
    { path: files[2]!, text: tradesCsv(windows, scales) },
    { path: files[3]!, text: `${JSON.stringify(summary, null, 2)}\n` },
  ];
  options.onPublish?.();
  writeResultFiles(texts);
  return { windows, summary, passed, files };
}

const WINDOW_METRICS = ['total_return', 'sharpe', 'max_drawdown', 'trades'] as const;

function windowsCsv(
  names: readonly string[],
  t: Float64Array,
  windows: readonly WindowResult[],
  figures: readonly WindowFigures[],
  options: WalkForwardOptions,
): string {
  const header = [
    'window',
    'is_start',
    'is_end',
    'oos_start',
    'oos_end',
    ...names,
    `is_objective_${options.objective}`,
    ...WINDOW_METRICS.map((m) => `is_${m}`),
    ...WINDOW_METRICS.map((m) => `oos_${m}`),
    'oos_profit',
    'pbo',
    'deflated_sharpe',
    'candidates',
  ];
  const rows = windows.map((w, k) => {
    const f = figures[k]!;
    const b = w.bounds;
    const best = w.selection.best === null ? null : w.selection.candidates[w.selection.best]!;
    return [
      k + 1,
      formatTime(t[b.isStart]!),
      formatTime(t[b.isEnd - 1]!),
      formatTime(t[b.oosStart]!),
      formatTime(t[b.oosEnd - 1]!),
      ...names.map((n) => csvNumber(f.params?.[n])),
      csvNumber(best?.objective),
      ...WINDOW_METRICS.map((m) => csvNumber(f.is?.[m])),
      ...WINDOW_METRICS.map((m) => csvNumber(f.oos?.[m])),
      csvNumber(f.profit),
      csvNumber(w.overfitting.pbo),
      csvNumber(w.overfitting.deflated_sharpe),
      w.selection.candidates.filter((c) => c.status === 'ok').length,
    ].join(',');
  });
  return `${[header.join(','), ...rows].join('\n')}\n`;
}

function equityCsv(curve: ReturnType<typeof stitchWindows>): string {
  const rows = curve.time.map((time, i) => `${formatTime(time)},${curve.window[i]! + 1},${csvNumber(curve.equity[i])}`);
  return `${['time,window,equity', ...rows].join('\n')}\n`;
}

/**
 * The windows' trades as each traded them (from the initial capital), with the scale its curve takes in the stitched
 * account: the sum of pnl × scale is the stitched profit.
 */
function tradesCsv(windows: readonly WindowResult[], scales: readonly number[]): string {
  const rows = windows.flatMap((w, k) =>
    (w.oos?.trades ?? []).map((trade) => `${k + 1},${tradeRow(trade)},${scales[k]!}`),
  );
  return `${[`window,${TRADES_HEADER},scale`, ...rows].join('\n')}\n`;
}
