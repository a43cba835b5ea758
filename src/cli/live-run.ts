import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { formatTime } from '../domain/time.js';
import { openLogger } from '../logging/logger.js';
import { startEmbeddedGateway, type EmbeddedGateway } from '../live/embedded-gateway.js';
import { IbConnectError } from '../adapters/ib/ib-client.js';
import { LiveNode } from '../live/live-node.js';
import type { LiveSummary } from '../live/live-summary.js';
import { checkPort } from '../live/live-safety.js';
import { checkLiveConfig, LiveConfigError, liveStrategy } from '../live/live-strategy.js';
import type { LiveJournal } from '../journal/live-journal.js';
import { parseDuration, parseUntil, resolveSessionEnd, type SessionEnd } from '../live/session-end.js';
import { reportFiles } from '../performance/report-writer.js';
import { loadStrategyFactory, strategySpec } from '../strategy/load-strategy.js';
import { checkStrategy, liveAssignments } from '../strategy/strategy-plan.js';
import type { LiveRunOptions } from './live-command.js';
import { UsageError } from './exit-codes.js';
import { handleInterrupts } from './interrupts.js';
import { haltOnSignal } from './halt-signal.js';
import { writeHaltRequest } from '../live/kill-switch.js';
import { journalPath, openLiveJournal, type OpenedLiveJournal } from './live-journal-setup.js';
import { startupProgressBar } from './startup-progress-bar.js';
import { printLiveSummary } from './print-live-summary.js';
import { checkOutputs, journalDirectory, reportFileNames } from './output-locations.js';
import { startSessionDashboard } from '../dashboard/session-dashboard.js';
import { checkDashboardPort, type Dashboard } from '../dashboard/dashboard-server.js';
import { writeLiveReport } from '../report/live-report.js';
import { lockResultsDirectory, type ResultsLock } from '../performance/results-lock.js';

/** A live session that ended without TWS there to confirm its book: a run-time failure (exit code 1). */
export class LiveSessionError extends Error {
  override readonly name = 'LiveSessionError';
}

/** The session's result files and the summaries' temporary files. */
const RESULT_FILES = [
  ...reportFileNames(reportFiles('.')),
  'daily.csv.partial',
  'metrics.json.partial',
  'strategies.csv',
  'strategies.csv.partial',
  'report.html',
  'report.html.partial',
];

/**
 * Where the session's result files go. A read-only session sends nothing, and its files would describe a session
 * that never traded: in live.results_directory they would take the place of a trading session's (one still running
 * among them), and the next session that continues those would start from this one's figures. So they go to a
 * directory of their own inside it.
 */
export function sessionResultsDirectory(config: Config): string {
  const results = config.live.results_directory;
  return config.ibkr.read_only ? join(results, 'read-only') : results;
}

/** The session's end from the flags, checked before anything connects (`--until` against a clock comes later). */
function sessionEnd(options: LiveRunOptions, dataEnd: number): SessionEnd {
  let durationMs = Number.POSITIVE_INFINITY;
  if (options.duration !== undefined) {
    const parsed = parseDuration(options.duration);
    if (parsed === undefined) {
      throw new UsageError(`--duration ${options.duration}: expected a duration such as 90s, 30m, 2h or 1d`);
    }
    durationMs = parsed;
  }
  if (options.until !== undefined && parseUntil(options.until, 0) === undefined) {
    throw new UsageError(`--until ${options.until}: expected HH:MM[:SS] or YYYY-MM-DD HH:MM[:SS] (New York time)`);
  }
  return { durationMs, dataEnd, ...(options.until === undefined ? {} : { until: options.until }) };
}

/**
 * `ets live` / `ets start` as a job: the embedded gateway first when the config asks for it, then the live node
 * until the session ends; Ctrl+C (or SIGTERM) stops it gracefully, a second Ctrl+C exits at once.
 */
export async function runLiveCommand(config: Config, options: LiveRunOptions): Promise<void> {
  const resultsDirectory = sessionResultsDirectory(config);
  const results = { label: 'live.results_directory (--results)', path: resultsDirectory };
  const file = config.live.journal_file;
  const journalFile = file === null ? [] : [journalDirectory('live.journal_file', file)];
  checkOutputs(config, [{ ...results, files: RESULT_FILES }, ...journalFile], { embeddedGateway: true });
  const traded = liveStrategy(config);
  const spec = strategySpec(config, traded.name);
  const strategy = traded.several !== undefined || spec.module === null ? undefined : await loadStrategyFactory(spec);
  if (traded.several === undefined) checkStrategy(config, strategy ?? (await loadStrategyFactory(spec)), traded.params);
  const strategies = traded.several && (await liveAssignments(config, traded.several));
  checkLiveConfig(config);
  // Refused before anything starts or is printed (the node checks it again before it connects).
  if (config.ibkr.gateway === 'external') checkPort(config.ibkr.port, options.live && config.ibkr.allow_live);
  if (config.live.dashboard.enabled) await checkDashboardPort(config.live.dashboard.port);
  const opened = await openLogger(config.logging);
  const { logger } = opened;
  let embedded: EmbeddedGateway | undefined;
  let node: LiveNode | undefined;
  let dashboard: Dashboard | undefined;
  let journal: OpenedLiveJournal | undefined;
  let resultsLock: ResultsLock | undefined;
  let interrupted: string | undefined;
  const removeHandlers = handleInterrupts((signal) => {
    interrupted = `interrupted (${signal})`;
    node?.stop(interrupted);
  });
  const removeHaltSignal = haltOnSignal((request) => {
    // Before the node exists the request waits in the kill-switch file, which the node takes when it starts.
    if (node === undefined) writeHaltRequest(config.trading.kill_switch_file, request);
    else node.halt(request);
  });
  try {
    // Before the gateway, the journal or the results: a second session on these results goes no further.
    resultsLock = lockResultsDirectory(resultsDirectory);
    let host = config.ibkr.host;
    let port = config.ibkr.port;
    let venue = `TWS / IB Gateway at ${host}:${port}`;
    let dataEnd = Number.POSITIVE_INFINITY;
    if (config.ibkr.gateway === 'embedded') {
      embedded = await startEmbeddedGateway(config, logger);
      host = '127.0.0.1';
      port = embedded.port;
      dataEnd = embedded.dataEnd;
      venue = `embedded gateway on ${host}:${port} (replay of ${embedded.dataDirectory} from ${formatTime(embedded.gateway.replayStart)} at ${embedded.gateway.clock.speed}x)`;
    }
    const end = sessionEnd(options, dataEnd);
    // A --until the replay has passed already is refused before the journal or the results are touched.
    if (embedded !== undefined) resolveSessionEnd(end, embedded.gateway.clock.now());
    journal = config.ibkr.read_only
      ? undefined
      : openLiveJournal(config, process.env.ETS_CRASH_AT, (kept) => {
          logger.warn(
            { journal: journalPath(config), kept },
            'the journal there was not written by an embedded run without a state file: kept under another name, and a new one started',
          );
        });
    if (journal !== undefined) checkContinuedResults(journal.journal, journalPath(config), resultsDirectory);
    node = new LiveNode(
      config,
      {
        host,
        port,
        readOnly: config.ibkr.read_only,
        liveAllowed: options.live && config.ibkr.allow_live,
        resultsDirectory,
        end,
        venue,
        progress: startupProgressBar(),
        ...(strategy && { strategy }),
        ...(strategies && { strategies }),
        ...(journal === undefined ? {} : { journal: journal.journal }),
      },
      logger,
    );
    if (interrupted !== undefined) node.stop(interrupted);
    dashboard = await startSessionDashboard(config, node, logger);
    let summary: LiveSummary;
    try {
      summary = await node.run();
    } catch (error) {
      if (!(error instanceof IbConnectError && error.kind === 'interrupted')) throw error;
      // Ctrl+C before TWS answered: nothing was sent, nothing to shut down.
      process.stderr.write(`${error.message}: nothing was sent\n`);
      process.exitCode = 130;
      return;
    }
    writeLiveReport(config, resultsDirectory, summary, embedded?.dataDirectory ?? null, logger);
    const unverified = summary.unverified === null ? '' : `; the book was not verified with the broker at the end`;
    journal?.journal.stop(summary.to, `${summary.reason}${unverified}`);
    printLiveSummary(summary, resolve(resultsDirectory), resolve(config.logging.directory, config.logging.file_name));
    // The results are written and the summary says what there is; the exit code and the error line say it failed.
    if (summary.unverified !== null) {
      throw new LiveSessionError(`${summary.reason}: ${summary.unverified}${unverified}`);
    }
  } catch (error) {
    // The terminal gets main()'s one line; the log, where a supervisor or a later look goes, must say it as well.
    const { name, message } = error instanceof Error ? error : { name: typeof error, message: String(error) };
    opened.fileLogger.error({ error: name }, `session failed: ${message}`);
    throw error;
  } finally {
    removeHandlers();
    await dashboard?.close();
    removeHaltSignal();
    journal?.close();
    await embedded?.gateway.stop();
    resultsLock?.release();
    await opened.close();
  }
}

/**
 * A journal that continues sessions with executions continues their results: in a results directory without their
 * fills.csv the session would rewrite it with all of their fills and trades beside equity and metrics of this
 * session alone. Refused before anything connects, naming both ways out.
 */
function checkContinuedResults(journal: LiveJournal, path: string, resultsDirectory: string): void {
  const executions = journal.continuedExecutions();
  if (executions === 0 || existsSync(join(resultsDirectory, 'fills.csv'))) return;
  throw new LiveConfigError(
    `${path}: the journal continues earlier sessions (${executions} execution${executions === 1 ? '' : 's'}) whose results are not in ${resultsDirectory} (no fills.csv there): give their results directory (live.results_directory, --results), or a journal of its own to this one (live.journal_file)`,
  );
}
