import type { Command } from 'commander';
import {
  DEFAULT_SAMPLE_DAYS,
  DEFAULT_SAMPLE_SEED,
  DEFAULT_SAMPLE_START,
  DEFAULT_SAMPLE_SYMBOLS,
} from '../data/generate-sample-series.js';
import { UsageError } from './exit-codes.js';

interface SampleFlags {
  out: string;
  seed: string;
  days: string;
  start: string;
  symbols: string;
}

function wholeNumber(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new UsageError(`${flag}: got "${text}"; expected a whole number ≥ ${min}`);
  }
  return value;
}

export function registerDataCommand(program: Command): void {
  const data = program.command('data').description('data utilities');
  data
    .command('sample')
    .description('write deterministic SYNTHETIC daily bars (not market data) as SYMBOL.csv files')
    .requiredOption('--out <dir>', 'directory to write into (created if missing)')
    .option('--seed <n>', 'random seed; the same seed writes byte-identical files', String(DEFAULT_SAMPLE_SEED))
    .option('--days <n>', 'trading days per symbol', String(DEFAULT_SAMPLE_DAYS))
    .option('--start <date>', 'first date, YYYY-MM-DD', DEFAULT_SAMPLE_START)
    .option('--symbols <list>', 'comma-separated symbols', DEFAULT_SAMPLE_SYMBOLS.join(','))
    .action(async (flags: SampleFlags) => {
      const { writeSampleData } = await import('../data/write-sample-data.js');
      const paths = writeSampleData(flags.out, {
        seed: wholeNumber('--seed', flags.seed, 0),
        days: wholeNumber('--days', flags.days, 1),
        start: flags.start,
        symbols: flags.symbols.split(',').map((s) => s.trim().toUpperCase()),
      });
      process.stdout.write(`Wrote ${paths.length} synthetic files to ${flags.out}: ${paths.join(', ')}\n`);
    });
}
