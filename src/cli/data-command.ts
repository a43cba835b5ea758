import type { Command } from 'commander';
import { numericText, type ConfigOverride } from '../config/overrides.js';
import { parseHistoryDuration } from '../data/history-chunk-plan.js';
import {
  DEFAULT_SAMPLE_DAYS,
  DEFAULT_SAMPLE_SEED,
  DEFAULT_SAMPLE_START,
  DEFAULT_SAMPLE_SYMBOLS,
} from '../data/generate-sample-series.js';
import { BAR_SIZE_NAMES, parseBarSize } from '../domain/bar-size.js';
import { excerpt } from '../config/bounded-text.js';
import { DATE_EXPECTED, FIRST_YEAR, parseDateText, parseTimeText } from '../config/calendar-text.js';
import { dayNumber, MS_PER_DAY } from '../domain/time.js';
import { addConfigOption, resolveConfig } from './config-options.js';
import type { DataFetchOptions } from './data-fetch-run.js';
import { UsageError } from './exit-codes.js';
import { symbolsFlag } from './symbols-flag.js';

interface SampleFlags {
  out: string;
  seed: string;
  days: string;
  start: string;
  symbols: string;
}

/** Digits only: `Number()` would read "" as 0 and accept "0x10" or "1e3". */
function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(`${flag}: got "${text}"; expected a whole number from ${min} to ${max}`);
  }
  return value;
}

/** The sample generator's seed is 32 bits: larger seeds would repeat smaller seeds' data. */
const MAX_SEED = 2 ** 32 - 1;
/** About four centuries of trading days: enough for any test, and the data stays far below a gigabyte. */
const MAX_SAMPLE_DAYS = 100_000;

/** The last day a sample may reach: the CSV files write four-digit years. */
const LAST_SAMPLE_DAY = dayNumber(Date.UTC(9999, 11, 31));

/**
 * `--start` of the sample: a calendar date by the config's rule (calendar-text.ts), from which `days` weekdays stay
 * within the four-digit years.
 */
function sampleStart(text: string, days: number): string {
  const date = text.trim();
  const time = parseDateText(date);
  if (time === undefined) throw new UsageError(`--start: got "${excerpt(text, 40)}"; expected ${DATE_EXPECTED}`);
  // Five weekdays a week, plus the weekend the start may fall on: never short of the last day.
  if (dayNumber(time) + Math.ceil(days / 5) * 7 + 2 > LAST_SAMPLE_DAY) {
    throw new UsageError(
      `--start ${date} --days ${days}: the data would run past 9999-12-31; expected an earlier start`,
    );
  }
  return date;
}

interface FetchFlags {
  config: string;
  symbols: string;
  barSize: string;
  duration: string;
  end?: string;
  what?: string;
  rth?: boolean;
  out: string;
  clientId?: string;
}

const WHAT_TO_SHOW = ['TRADES', 'MIDPOINT', 'BID', 'ASK'] as const;

/** The flags of `ets data fetch` checked and converted; config-dependent defaults are filled in by the caller. */
function fetchRequest(flags: FetchFlags): Omit<DataFetchOptions, 'whatToShow' | 'useRth'> & {
  whatToShow?: DataFetchOptions['whatToShow'];
} {
  const symbols = symbolsFlag(flags.symbols);
  const barSize = parseBarSize(flags.barSize);
  if (barSize === undefined) {
    throw new UsageError(`--bar-size "${flags.barSize}": expected one of ${BAR_SIZE_NAMES.join(', ')}`);
  }
  const duration = parseHistoryDuration(flags.duration);
  if (duration === undefined) {
    throw new UsageError(`--duration "${flags.duration}": expected a count and a unit S, D, W, M or Y, e.g. "10 Y"`);
  }
  let end: DataFetchOptions['end'];
  if (flags.end !== undefined) {
    const text = flags.end.trim();
    const time = parseTimeText(text);
    if (time === undefined) {
      throw new UsageError(
        `--end "${excerpt(flags.end, 40)}": expected YYYY-MM-DD or "YYYY-MM-DD HH:MM[:SS]" (New York time), from ${FIRST_YEAR} on`,
      );
    }
    // A date alone means the whole day.
    end = { text, time: text.length === 10 ? time + MS_PER_DAY : time };
  }
  let whatToShow: DataFetchOptions['whatToShow'] | undefined;
  if (flags.what !== undefined) {
    whatToShow = WHAT_TO_SHOW.find((w) => w === flags.what!.trim().toUpperCase());
    if (whatToShow === undefined) throw new UsageError(`--what "${flags.what}": expected ${WHAT_TO_SHOW.join(', ')}`);
  }
  return {
    symbols,
    barSize,
    duration,
    out: flags.out,
    ...(end === undefined ? {} : { end }),
    ...(whatToShow === undefined ? {} : { whatToShow }),
  };
}

export function registerDataCommand(program: Command): void {
  const data = program.command('data').description('data utilities');
  data
    .command('sample')
    .description(
      'write deterministic SYNTHETIC daily bars (not market data) as SYMBOL.csv files, and VIX.csv derived from them',
    )
    .requiredOption('--out <dir>', 'directory to write into (created if missing)')
    .option('--seed <n>', 'random seed; the same seed writes byte-identical files', String(DEFAULT_SAMPLE_SEED))
    .option('--days <n>', 'trading days per symbol', String(DEFAULT_SAMPLE_DAYS))
    .option('--start <date>', 'first date, YYYY-MM-DD', DEFAULT_SAMPLE_START)
    .option('--symbols <list>', 'comma-separated symbols', DEFAULT_SAMPLE_SYMBOLS.join(','))
    .action(async (flags: SampleFlags) => {
      const days = wholeNumber('--days', flags.days, 1, MAX_SAMPLE_DAYS);
      const options = {
        seed: wholeNumber('--seed', flags.seed, 0, MAX_SEED),
        days,
        start: sampleStart(flags.start, days),
        symbols: symbolsFlag(flags.symbols),
      };
      const { writeSampleData, indexNameTaken } = await import('../data/write-sample-data.js');
      if (options.symbols.includes('VIX')) throw new UsageError(`--symbols: ${indexNameTaken()}`);
      const { checkOutputDirectory } = await import('./output-locations.js');
      checkOutputDirectory({
        label: '--out',
        path: flags.out,
        files: [...options.symbols, 'VIX'].map((s) => `${s}.csv`),
      });
      const paths = writeSampleData(flags.out, options);
      process.stdout.write(`Wrote ${paths.length} synthetic files to ${flags.out}: ${paths.join(', ')}\n`);
    });
  const fetch = data
    .command('fetch')
    .description(
      'download historical bars from TWS / IB Gateway (or the embedded gateway) into SYMBOL.csv files for `ets backtest`; ' +
        're-running the same command resumes an interrupted download',
    );
  addConfigOption(fetch)
    .requiredOption('--symbols <list>', 'comma-separated symbols')
    .option('--bar-size <size>', `bar size: ${BAR_SIZE_NAMES.join(', ')}`, '1 day')
    .option('--duration <duration>', 'how far back from the end: N S, D, W, M or Y (calendar time)', '1 Y')
    .option('--end <time>', 'last date (whole day) or time, "YYYY-MM-DD[ HH:MM[:SS]]" New York time (default: now)')
    .option('--what <type>', 'TRADES, MIDPOINT, BID or ASK (default: ibkr.what_to_show)')
    .option('--rth', 'regular trading hours only (default: ibkr.use_rth)')
    .option('--no-rth', 'include bars outside regular trading hours')
    .option('--client-id <n>', 'API client id (ibkr.client_id)')
    .requiredOption('--out <dir>', 'directory for the SYMBOL.csv files (created if missing)')
    .action(async (flags: FetchFlags) => {
      const request = fetchRequest(flags);
      const overrides: ConfigOverride[] =
        flags.clientId === undefined
          ? []
          : [{ flag: '--client-id', path: ['ibkr', 'client_id'], value: numericText(flags.clientId) }];
      const config = resolveConfig(flags.config, overrides);
      const { runDataFetch } = await import('./data-fetch-run.js');
      await runDataFetch(config, {
        ...request,
        whatToShow: request.whatToShow ?? config.ibkr.what_to_show,
        useRth: flags.rth ?? config.ibkr.use_rth,
      });
    });
}
