import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { addConfigOption, resolveConfig } from './config-options.js';
import { isSymbol, SYMBOL_EXPECTED } from '../domain/symbol.js';
import { UsageError } from './exit-codes.js';
import { checkOutputDirectory } from './output-locations.js';

interface ReportFlags {
  config: string;
  dataDir?: string;
  benchmark?: string;
  title?: string;
  skipBadRows?: boolean;
}

/** `ets report DIR`: renders report.html again from the result files in DIR. */
export function registerReportCommand(program: Command): void {
  const command = program
    .command('report')
    .description('write report.html from the result files of a backtest, walk-forward run or live session')
    .argument('<dir>', 'results directory (equity.csv, trades.csv, fills.csv, orders.csv, metrics.json, …)');
  addConfigOption(command)
    .option('--data-dir <dir>', 'directory of SYMBOL.csv bars for the price charts (backtest.csv_directory)')
    .option('--benchmark <symbol>', 'benchmark drawn beside the equity curve (benchmarking.symbol)')
    .option('--title <text>', 'title of the page')
    .option('--skip-bad-rows', 'skip malformed rows of the bar files (as ets backtest does) instead of failing')
    .action(async (dir: string, flags: ReportFlags) => {
      if (!existsSync(dir) || !statSync(dir).isDirectory()) {
        const what = existsSync(dir) ? 'not a directory' : 'no such directory';
        throw new UsageError(`<dir>: got "${dir}" (${what}); expected a results directory`);
      }
      // Asked for by name, the chart data and the benchmark must exist; the config's default data may be absent.
      if (flags.dataDir !== undefined && !(existsSync(flags.dataDir) && statSync(flags.dataDir).isDirectory())) {
        throw new UsageError(
          `--data-dir: got "${flags.dataDir}" (no such directory); expected a directory of SYMBOL.csv bars`,
        );
      }
      if (flags.benchmark !== undefined && !isSymbol(flags.benchmark.toUpperCase())) {
        throw new UsageError(`--benchmark: got "${flags.benchmark}"; expected ${SYMBOL_EXPECTED}`);
      }
      // A report.html that is a directory, or a directory that refuses files, is said before anything is read.
      checkOutputDirectory({ label: '<dir>', path: dir, files: ['report.html', 'report.html.partial'] });
      // The bars are read by the backtest's rules: its backtest.skip_bad_rows, and the same flag.
      const skip = flags.skipBadRows === true;
      const config = resolveConfig(
        flags.config,
        skip ? [{ path: ['backtest', 'skip_bad_rows'], value: true, flag: '--skip-bad-rows' }] : [],
      );
      const { reportOptions } = await import('../report/report-options.js');
      const { writeReportHtml } = await import('../report/write-report-html.js');
      const options = reportOptions(
        config,
        flags.title ?? `Results in ${resolve(dir)}`,
        flags.dataDir ?? config.backtest.csv_directory,
      );
      const path = writeReportHtml(dir, {
        ...options,
        ...(flags.benchmark !== undefined && { benchmark: flags.benchmark.toUpperCase() }),
      });
      process.stdout.write(`Report written to ${resolve(path)}\n`);
    });
}
