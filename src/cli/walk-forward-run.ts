import { resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { openLogger } from '../logging/logger.js';
import { reportOptions } from '../report/report-options.js';
import { writeReportHtml } from '../report/write-report-html.js';
import { parseLength, type WindowLength } from '../walk-forward/window-plan.js';
import { WALK_FORWARD_FILES } from '../report/result-file-names.js';
import { runWalkForward } from '../walk-forward/run-walk-forward.js';
import type { StudySettings } from './optimize-command.js';
import { studyOptions } from './optimize-run.js';
import { holdInterrupts } from './interrupts.js';
import { checkOutputs } from './output-locations.js';
import { holdingResultsDirectory } from '../performance/results-lock.js';

/** A length from its `*_period` key when set, else from its `*_bars` key. */
function length(period: string | null, bars: number): WindowLength {
  return period === null ? { unit: 'bars', count: bars } : parseLength(period);
}

/** `ets walk-forward` (loaded on demand by the CLI); exits 0 whether the criteria pass or fail. */
export async function runWalkForwardCommand(config: Config, settings: StudySettings): Promise<void> {
  const wf = config.backtest.walk_forward;
  const out = config.backtest.results_directory;
  checkOutputs(
    config,
    [
      {
        label: 'backtest.results_directory (--out)',
        path: out,
        files: [...WALK_FORWARD_FILES, 'report.html', 'report.html.partial'],
      },
    ],
    {
      embeddedGateway: false,
    },
  );
  const outOfSample = length(wf.out_of_sample_period, wf.out_of_sample_bars);
  const step =
    wf.step_period !== null
      ? parseLength(wf.step_period)
      : wf.step_bars !== null
        ? ({ unit: 'bars', count: wf.step_bars } as const)
        : outOfSample;
  await holdingResultsDirectory(out, async () => {
    const opened = await openLogger(config.logging);
    let release: (() => void) | undefined;
    try {
      const options = studyOptions(config, settings, 'walk-forward', opened.logger);
      const outcome = await runWalkForward(config, {
        ...options,
        mode: wf.mode,
        inSample: length(wf.in_sample_period, wf.in_sample_bars),
        outOfSample,
        step,
        // The earlier results go when the new ones take their names: Ctrl+C waits until report.html is there too.
        onPublish: () => {
          release = holdInterrupts();
        },
      });
      const s = outcome.summary as {
        oos: { total_return: number | null; sharpe: number | null; max_drawdown: number | null };
        walk_forward_efficiency: number | null;
        pbo_mean: number | null;
        criteria: { name: string; pass: boolean }[];
      };
      const lines = [
        `windows: ${outcome.windows.length}  OOS total return ${s.oos.total_return ?? 'n/a'}  Sharpe ${s.oos.sharpe ?? 'n/a'}  max drawdown ${s.oos.max_drawdown ?? 'n/a'}`,
        `walk-forward efficiency: ${s.walk_forward_efficiency ?? 'n/a'}  mean PBO: ${s.pbo_mean ?? 'n/a'}`,
        ...s.criteria.map((c) => `  ${c.pass ? 'pass' : 'FAIL'}  ${c.name}`),
        `result: ${outcome.passed ? 'pass' : 'fail'}`,
        `results: ${outcome.files.map((f) => resolve(f)).join(', ')}`,
        `report: ${resolve(writeReportHtml(out, reportOptions(config, `Walk-forward analysis in ${resolve(out)}`, config.backtest.csv_directory)))}`,
      ];
      release?.();
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      release?.();
      await opened.close();
    }
  });
}
