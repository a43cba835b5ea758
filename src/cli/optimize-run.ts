import { resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { openLogger } from '../logging/logger.js';
import { defaultWorkers } from '../optimize/evaluator.js';
import { runOptimize } from '../optimize/run-optimize.js';
import { OPTIMIZE_FILES } from '../report/result-file-names.js';
import { cacheFileIn, codeVersion, type StudyOptions } from '../optimize/run-context.js';
import { parseRedisUrl } from '../optimize/redis-url.js';
import type { Logger } from '../logging/logger.js';
import type { StudySettings } from './optimize-command.js';
import { optimizeProgress } from './optimize-progress.js';
import { checkOutputs } from './output-locations.js';
import { holdingResultsDirectory } from '../performance/results-lock.js';

/** The run's options from the config and flags, with the progress display and, for --queue, the queue's runner. */
export function studyOptions(config: Config, settings: StudySettings, label: string, logger: Logger): StudyOptions {
  const wf = config.backtest.walk_forward;
  const options: StudyOptions = {
    grid: settings.grid,
    objective: settings.objective,
    minTrades: wf.min_trades,
    pboPartitions: wf.pbo_partitions,
    workers: settings.workers ?? defaultWorkers(),
    cacheFile: cacheFileIn(config.backtest.results_directory),
    progress: optimizeProgress(label, logger),
  };
  if (settings.queue === null) return options;
  const { url, waitSeconds } = settings.queue;
  const connection = parseRedisUrl(url);
  return {
    ...options,
    // Results already stored in Redis are the queue's cache; a local one would only duplicate it.
    cacheFile: null,
    runner: async (context, run) => {
      const { queueRunner } = await import('../optimize/queue-runner.js');
      return queueRunner(context, { url, connection, waitSeconds, logger, ...run, codeVersion: codeVersion() });
    },
  };
}

/** `ets optimize` (loaded on demand by the CLI). */
export async function runOptimizeCommand(config: Config, settings: StudySettings): Promise<void> {
  const out = config.backtest.results_directory;
  checkOutputs(config, [{ label: 'backtest.results_directory (--out)', path: out, files: [...OPTIMIZE_FILES] }], {
    embeddedGateway: false,
  });
  await holdingResultsDirectory(out, async () => {
    const opened = await openLogger(config.logging);
    try {
      const options = studyOptions(config, settings, 'optimize', opened.logger);
      const outcome = await runOptimize(config, options);
      const { selection, overfitting } = outcome;
      const best = selection.best === null ? null : selection.candidates[selection.best]!;
      const lines = [
        `combinations: ${selection.candidates.length} (${selection.invalid} invalid, ${selection.belowMinTrades} below --min-trades)`,
        best === null
          ? 'best: none (no set qualified)'
          : `best: ${outcome.names.map((n) => `${n}=${best.params[n]}`).join(' ')}  ${options.objective} ${best.objective ?? 'n/a'}`,
        `PBO: ${overfitting.pbo ?? 'n/a'} (S=${overfitting.pbo_partitions})  deflated Sharpe: ${overfitting.deflated_sharpe ?? 'n/a'}`,
        `results: ${outcome.files.map((f) => resolve(f)).join(', ')}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await opened.close();
    }
  });
}
