import { ConfigError } from '../config/load-config.js';

export const ExitCode = {
  Ok: 0,
  /** Something failed at run time (I/O, broker, a bug). */
  Failure: 1,
  /** Bad command line, configuration or strategy parameters. */
  Usage: 2,
  /** Bad input data (CSV files). */
  Data: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Errors whose message is written for the user: printed without a stack trace. */
const userErrors: ReadonlyMap<string, ExitCode> = new Map([
  ['ConfigError', ExitCode.Usage],
  ['StrategyConfigError', ExitCode.Usage],
  ['StrategyLoadError', ExitCode.Usage],
  ['StrategyPlanError', ExitCode.Usage],
  // A strategy module's own mistake, reported against its file and the bar.
  ['StrategyRuntimeError', ExitCode.Failure],
  ['UsageError', ExitCode.Usage],
  ['OptimizeConfigError', ExitCode.Usage],
  // Redis went away mid-run (or under a worker) and was not back within the wait.
  ['RedisLostError', ExitCode.Failure],
  ['CsvDataError', ExitCode.Data],
  // A live session that cannot start: the broker is unreachable, refuses us, or does not know a symbol.
  ['IbConnectError', ExitCode.Failure],
  // A live session that lost TWS for good: it ended with results, but with a book the broker never confirmed.
  ['LiveSessionError', ExitCode.Failure],
  ['FetchLockedError', ExitCode.Failure],
  // Another live session writes the same results directory.
  ['ResultsLockedError', ExitCode.Failure],
  ['IbRequestError', ExitCode.Failure],
  ['HistoricalBarError', ExitCode.Failure],
  ['ContractQualificationError', ExitCode.Usage],
  ['LiveSafetyError', ExitCode.Usage],
  ['LiveConfigError', ExitCode.Usage],
  ['WarmUpError', ExitCode.Usage],
  ['EmbeddedGatewayError', ExitCode.Usage],
  ['DashboardError', ExitCode.Usage],
  // A journal that is corrupt, of a newer schema or another account's: left untouched.
  ['JournalError', ExitCode.Failure],
]);

/** A command-line mistake the user can fix. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * What the machine refused rather than what the program got wrong (a full disk, a read-only file system, no
 * permission, too many open files): Node's message says it (`ENOSPC: no space left on device, write`), exit code 1.
 */
const SYSTEM_ERRORS: ReadonlySet<string> = new Set([
  'ENOSPC',
  'EDQUOT',
  'EROFS',
  'EACCES',
  'EPERM',
  'EIO',
  'EMFILE',
  'ENFILE',
]);

export function exitCodeFor(error: unknown): ExitCode | undefined {
  if (error instanceof ConfigError) return ExitCode.Usage;
  if (!(error instanceof Error)) return undefined;
  const { code } = error as NodeJS.ErrnoException;
  if (typeof code === 'string' && SYSTEM_ERRORS.has(code)) return ExitCode.Failure;
  return userErrors.get(error.name);
}
