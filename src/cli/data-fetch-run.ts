import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ContractQualificationError, ContractQualifier } from '../adapters/ib/contract-qualifier.js';
import { HistoryPacer, IbRequestError } from '../adapters/ib/history-pacer.js';
import { IbHistoricalData, type HistoricalWhatToShow } from '../adapters/ib/historical-data.js';
import { IbClient, IbConnectError } from '../adapters/ib/ib-client.js';
import { IbHistorySource } from '../adapters/ib/ib-history-source.js';
import type { Config } from '../config/schema.js';
import type { HistoryDuration } from '../data/history-chunk-plan.js';
import {
  downloadHistory,
  historyFileNames,
  HistoryDownloadError,
  type HistoryDownloadResult,
} from '../data/history-download.js';
import type { BarSize } from '../domain/bar-size.js';
import { formatTime, MS_PER_DAY } from '../domain/time.js';
import { timeZone } from '../domain/time-zone.js';
import { takeProcessLock } from '../journal/process-lock.js';
import { makeResultDirectory } from '../performance/result-directory.js';
import { EmbeddedGatewayError, startEmbeddedGateway, type EmbeddedGateway } from '../live/embedded-gateway.js';
import { openLogger, type Logger } from '../logging/logger.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { fetchProgress } from './fetch-progress.js';
import { checkOutputs } from './output-locations.js';

/** `ets data fetch` as the command line asked for it (flags validated by data-command.ts). */
export interface DataFetchOptions {
  readonly symbols: readonly string[];
  readonly barSize: BarSize;
  readonly duration: HistoryDuration;
  readonly end?: { readonly time: number; readonly text: string };
  readonly whatToShow: HistoricalWhatToShow;
  readonly useRth: boolean;
  readonly out: string;
}

/** Pacing waits at least this long are logged, at most once per this interval. */
const LONG_WAIT_MS = 10_000;
/** Retries of a request refused for pacing: with the pacer's backoff (2 s doubling, at most 60 s) 11 minutes. */
const FETCH_PACING_RETRIES = 15;

/** A run-time failure whose message is the whole story: printed as one line, exit code 1. */
class FetchFailure extends Error {}

/** The directory is being written by another fetch (exit code 1, see exit-codes.ts). */
class FetchLockedError extends Error {
  override readonly name = 'FetchLockedError';
}

/** The process lock of a fetch's directory: a small file beside its manifest. */
const FETCH_LOCK_NAME = '.fetch-lock';

/**
 * `ets data fetch`: connects to TWS / IB Gateway (or starts the embedded gateway in-process and connects to it over
 * the socket, exactly as to TWS), qualifies every symbol, then downloads the bars into `SYMBOL.csv` files through
 * the paced IB adapter. Unknown or ambiguous symbols are a usage error (exit 2); connection and request failures
 * are one line and exit 1, with what was complete kept for the next run to resume.
 */
export async function runDataFetch(config: Config, options: DataFetchOptions): Promise<void> {
  checkOutputs(config, [{ label: '--out', path: options.out, files: historyFileNames(options.symbols) }], {
    embeddedGateway: true,
  });
  // Two fetches into one directory would interleave their chunks in the same partial files and manifest, past what
  // a resume can mend: the second is refused before it connects.
  const undoDirectory = makeResultDirectory(options.out);
  const lockPath = join(options.out, FETCH_LOCK_NAME);
  const lock = takeProcessLock(lockPath);
  if (lock === null) {
    throw new FetchLockedError(
      `${options.out}: another ets data fetch is writing into this directory; one fetch per directory at a time`,
    );
  }
  const opened = await openLogger(config.logging);
  const logger = opened.logger;
  let embedded: EmbeddedGateway | undefined;
  let client: IbClient | undefined;
  let pacer: HistoryPacer | undefined;
  try {
    if (config.ibkr.gateway === 'embedded') {
      try {
        embedded = await startEmbeddedGateway(config, logger);
      } catch (error) {
        if (error instanceof EmbeddedGatewayError) throw new UsageError(error.message);
        throw error;
      }
      logger.info({ port: embedded.port, data: embedded.dataDirectory }, 'embedded gateway started');
    }
    const host = embedded === undefined ? config.ibkr.host : '127.0.0.1';
    const port = embedded?.port ?? config.ibkr.port;
    client = new IbClient({
      host,
      port,
      clientId: config.ibkr.client_id,
      connectTimeoutMs: config.ibkr.connect_timeout_seconds * 1000,
      maxMessagesPerSecond: config.monitoring.max_messages_per_second,
      logger,
    });
    try {
      await client.connect();
    } catch (error) {
      if (error instanceof IbConnectError) throw new FetchFailure(error.message);
      throw error;
    }
    logger.info({ host, port, clientId: config.ibkr.client_id }, 'connected');

    const contracts = await qualify(client, logger, config, options.symbols);
    const waits = { count: 0, lastNotice: 0 };
    const history = new HistoryPacer({
      maxOpen: config.ibkr.max_concurrent_historical_requests,
      // A fetch run again at once (to resume) finds IB still counting the first run's small-bar requests, which this
      // process never saw: its refusals are waited out for IB's whole ten-minute window (2 + 4 + … + 32 s, then a
      // minute at a time: 11 minutes in all), not given up after one.
      retries: FETCH_PACING_RETRIES,
      onWait: (info) => {
        waits.count++;
        // A long wait (IB's 60 small-bar requests per ten minutes) would otherwise look like a hang.
        const now = Date.now();
        if (info.waitMs >= LONG_WAIT_MS && now - waits.lastNotice >= LONG_WAIT_MS) {
          waits.lastNotice = now;
          logger.info(`waiting ${Math.ceil(info.waitMs / 1000)} s for IB's history pacing (${info.reason})`);
        }
      },
      onRetry: (info) => {
        logger.warn(
          { attempt: info.attempt, delayMs: info.delayMs },
          `history request refused for pacing: ${info.message}`,
        );
      },
    });
    pacer = history;
    const zone = timeZone(config.system.time_zone);
    if (zone === undefined) throw new UsageError(`system.time_zone: unknown time zone ${config.system.time_zone}`);
    const source = new IbHistorySource(client, new IbHistoricalData(client, history, { zone }), {
      contracts,
      whatToShow: options.whatToShow,
      useRth: options.useRth,
      timeoutMs: config.ibkr.historical_timeout_seconds * 1000,
      zone,
    });

    const started = Date.now();
    const progress = fetchProgress(logger);
    let result: HistoryDownloadResult;
    try {
      result = await downloadHistory(
        source,
        {
          directory: options.out,
          symbols: options.symbols,
          barSize: options.barSize,
          duration: options.duration,
          ...(options.end === undefined ? {} : { end: options.end }),
          whatToShow: options.whatToShow,
          useRth: options.useRth,
          concurrency: config.ibkr.max_concurrent_historical_requests,
        },
        progress,
      );
    } catch (error) {
      if (error instanceof HistoryDownloadError) {
        throw new FetchFailure(`${error.message}; complete requests are kept, re-run the same command to resume`);
      }
      // Asking TWS for its time (the end of a download without one) failed.
      if (error instanceof IbRequestError) throw new FetchFailure(error.message);
      throw error;
    } finally {
      progress.stop();
    }
    if (result.manifestProblem !== undefined) logger.warn(result.manifestProblem);
    const stats = history.stats;
    process.stdout.write(`${summary(options, result, stats.retried, waits.count, Date.now() - started)}\n`);
  } catch (error) {
    if (error instanceof ContractQualificationError && !error.badSymbolsOnly) {
      fail(error.message, logger);
    } else if (error instanceof FetchFailure) {
      fail(error.message, logger);
    } else {
      throw error;
    }
  } finally {
    pacer?.cancelQueued(new Error('the data fetch is over'));
    client?.disconnect();
    await embedded?.gateway.stop();
    await opened.close();
    // Removed while still held, so that no other fetch can be holding a lock on a file that is gone; then a
    // directory this run made and left empty (a refused symbol, nothing fetched) goes too.
    rmSync(lockPath, { force: true });
    lock.release();
    undoDirectory();
  }
}

/** One line on stderr and exit code 1, without a stack trace: the message says what to do. */
function fail(message: string, logger: Logger): void {
  logger.error(message);
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = ExitCode.Failure;
}

async function qualify(
  client: IbClient,
  logger: Logger,
  config: Config,
  symbols: readonly string[],
): ReturnType<ContractQualifier['qualify']> {
  try {
    return await new ContractQualifier(client, logger, {
      timeoutMs: config.ibkr.connect_timeout_seconds * 1000,
    }).qualify(symbols, { exchange: config.trading.exchange, currency: config.trading.currency });
  } catch (error) {
    // Symbols IB does not know (or cannot tell apart) are the command line's fault: a usage error.
    if (error instanceof ContractQualificationError && error.badSymbolsOnly) throw new UsageError(error.message);
    throw error;
  }
}

function summary(
  options: DataFetchOptions,
  result: HistoryDownloadResult,
  retries: number,
  waits: number,
  elapsedMs: number,
): string {
  const written = result.symbols.filter((s) => s.status === 'written');
  const parts = result.symbols.map((s) =>
    s.status === 'empty'
      ? `${s.symbol} no bars`
      : `${s.symbol} ${s.bars} bars${s.status === 'skipped' ? ' (already complete)' : ''}`,
  );
  const hours = options.useRth ? 'regular hours' : 'all hours';
  const until = options.barSize.daily
    ? `through ${formatTime(result.end - MS_PER_DAY)}`
    : `until ${formatTime(result.end)} (exclusive)`;
  return (
    `Fetched ${options.barSize.text} ${options.whatToShow} bars (${hours}) from ${formatTime(result.start)} ` +
    `${until} into ${resolve(options.out)}: ${written.length} file${written.length === 1 ? '' : 's'} written; ` +
    `${parts.join(', ')}; ${result.requests} request${result.requests === 1 ? '' : 's'}, ` +
    `${waits} pacing wait${waits === 1 ? '' : 's'}, ${retries} retr${retries === 1 ? 'y' : 'ies'}, ` +
    `${(elapsedMs / 1000).toFixed(1)} s`
  );
}
