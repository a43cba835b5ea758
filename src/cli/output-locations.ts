import { closeSync, mkdirSync, openSync, readdirSync, rmdirSync, rmSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { DEFAULT_SAMPLE_SYMBOLS } from '../data/generate-sample-series.js';
import type { ReportFiles } from '../performance/report-writer.js';
import { UsageError } from './exit-codes.js';

/** A directory a command writes into, named by the flag or config key the user set it with. */
export interface OutputDirectory {
  /** How the user named it: `--out`, `backtest.results_directory (--out)`, … */
  readonly label: string;
  readonly path: string;
  /** Names of the files the command writes there: an existing directory of that name would fail the run late. */
  readonly files?: readonly string[];
}

/** The file names of a report (backtest and live sessions write the same set), to check their directory. */
export function reportFileNames(files: ReportFiles): string[] {
  return [files.trades, files.fills, files.orders, files.equity, files.daily, files.metrics, files.riskEvents].map(
    (f) => basename(f),
  );
}

/** Paths are quoted in messages; an absurdly long one is cut, so that the message stays one readable line. */
function shown(path: string): string {
  return JSON.stringify(path.length > 80 ? `${path.slice(0, 77)}...` : path);
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/** What an operating-system refusal means for a place to write to. */
function refusal(code: string): string {
  switch (code) {
    case 'ENAMETOOLONG':
      return 'the name is longer than the file system allows';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'ENOENT':
      // Where a directory exists but nothing can be made in it (/proc).
      return 'the file system does not allow it (ENOENT)';
    case 'ELOOP':
      return 'a loop of symbolic links';
    default:
      return `the system refused (${code})`;
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = codeOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/** Whether `path` is a directory now; false whatever the reason it is not (or cannot be looked at). */
function isDirectory(path: string): boolean {
  try {
    return statOrNull(path)?.isDirectory() === true;
  } catch {
    return false;
  }
}

/** An output directory found usable so far: what is missing of it, to create once every location has passed. */
interface Checked {
  readonly target: OutputDirectory;
  readonly absolute: string;
  /** Levels to create, the outermost first. */
  readonly missing: readonly string[];
}

function failure(target: OutputDirectory, problem: string): UsageError {
  return new UsageError(`${target.label}: ${problem}`);
}

/**
 * What can be told without changing anything: an empty path, a file where a directory belongs (the location or a
 * parent, as in `/dev/null/x`), a name too long, a result file that is a directory.
 */
function inspect(target: OutputDirectory): Checked {
  const { path } = target;
  if (path.trim() === '') throw failure(target, `got ${shown(path)}; expected a directory`);
  const absolute = resolve(path);
  const missing: string[] = [];
  let at = absolute;
  for (;;) {
    let stats: Stats | null;
    try {
      stats = statOrNull(at);
    } catch (error) {
      throw failure(target, `${shown(path)}: ${refusal(codeOf(error))}`);
    }
    if (stats !== null) {
      if (!stats.isDirectory()) {
        const what = stats.isFile() ? 'is a file' : 'is not a directory';
        throw failure(
          target,
          at === absolute
            ? `${shown(path)} ${what}; expected a directory`
            : `${shown(path)} cannot be created: ${shown(at)} ${what}`,
        );
      }
      break;
    }
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const name of target.files ?? []) {
    let stats: Stats | null;
    try {
      stats = statOrNull(join(absolute, name));
    } catch (error) {
      throw failure(target, `${shown(join(path, name))}: ${refusal(codeOf(error))}`);
    }
    if (stats?.isDirectory() === true) {
      throw failure(target, `${shown(join(path, name))} is a directory; expected a file to write`);
    }
  }
  return { target, absolute, missing };
}

/**
 * Tries the directory for real: creates the missing levels one at a time from the nearest existing one (Node's
 * recursive mkdir retries forever where the kernel answers ENOENT for a parent that exists, as in `/proc`), writes
 * and removes a file (a directory can exist and still refuse files: a read-only mount, `/proc/self`, permissions),
 * then removes the levels it made. The command creates them again when it writes, so a run that fails before
 * that leaves no empty directory behind; once a level could be made here, making it again cannot hang.
 */
function tryOut({ target, absolute, missing }: Checked): void {
  const made: string[] = [];
  try {
    for (const dir of missing) {
      try {
        mkdirSync(dir);
        made.push(dir);
      } catch (error) {
        // Another process may have made it meanwhile.
        if (codeOf(error) === 'EEXIST' && isDirectory(dir)) continue;
        const shownDir = shown(dir === absolute ? target.path : dir);
        throw failure(target, `cannot create ${shownDir}: ${refusal(codeOf(error))}`);
      }
    }
    const probe = join(absolute, `.ets-write-check-${process.pid}`);
    try {
      closeSync(openSync(probe, 'w'));
      rmSync(probe, { force: true });
    } catch (error) {
      throw failure(target, `cannot write into ${shown(target.path)}: ${refusal(codeOf(error))}`);
    }
  } finally {
    for (const dir of made.reverse()) {
      try {
        rmdirSync(dir);
      } catch {
        // Something was put there meanwhile: it stays.
      }
    }
  }
}

/**
 * Makes sure `target.path` is, or can be made, a directory the command can write into. Every way it cannot is one
 * UsageError naming the flag or key: an empty path, a file in the way, a name too long, no permission, a place where
 * nothing can be created. Nothing is left changed.
 */
export function checkOutputDirectory(target: OutputDirectory): void {
  tryOut(inspect(target));
}

/**
 * The directory of a journal file (`--journal`, `live.journal_file`), to check with the others: the file, its
 * temporary name and its side files must be files to write there.
 */
export function journalDirectory(label: string, file: string): OutputDirectory {
  if (file.trim() === '' || file.endsWith('/'))
    throw new UsageError(`${label}: got ${shown(file)}; expected a file name`);
  const name = basename(file);
  const files = ['', '.partial', '-wal', '-shm', '-reservations', '-lock'].map((suffix) => `${name}${suffix}`);
  return { label, path: dirname(file), files };
}

/** The log file's directory (`logging.file_name` must not be a directory in it); nothing when logging is off. */
function logDirectory(settings: Config['logging']): OutputDirectory[] {
  if (settings.level === 'silent') return [];
  return [{ label: 'logging.directory', path: settings.directory, files: [settings.file_name] }];
}

/**
 * What the embedded gateway writes: the synthetic sample set into `backtest.csv_directory` when it replays that
 * directory and the directory is missing or empty, and the state file when one is configured.
 */
function embeddedGatewayDirectories(config: Config): OutputDirectory[] {
  const settings = config.ibkr.embedded;
  const directories: OutputDirectory[] = [];
  if (settings.data_directory === null) {
    const dir = config.backtest.csv_directory;
    let filled = false;
    try {
      filled = dir !== '' && isDirectory(dir) && readdirSync(dir).length > 0;
    } catch {
      // Unreadable: checked as an output below, which names the problem.
    }
    if (!filled) {
      const files = DEFAULT_SAMPLE_SYMBOLS.map((symbol) => `${symbol}.csv`);
      directories.push({ label: 'backtest.csv_directory', path: dir, files });
    }
  }
  if (settings.state_file !== null) {
    const name = basename(settings.state_file);
    const path = dirname(settings.state_file);
    directories.push({ label: 'ibkr.embedded.state_file', path, files: [name, `${name}.tmp`] });
  }
  return directories;
}

/**
 * Every place a command that logs writes to, checked before it connects or reads anything: its own output
 * directories, the log file's and, when the command starts the embedded gateway, the gateway's. All are inspected
 * before any is tried out, so that the first problem found is the one the user can see without any side effect.
 */
export function checkOutputs(
  config: Config,
  directories: readonly OutputDirectory[],
  options: { readonly embeddedGateway: boolean },
): void {
  const all = [
    ...directories,
    ...logDirectory(config.logging),
    ...(options.embeddedGateway && config.ibkr.gateway === 'embedded' ? embeddedGatewayDirectories(config) : []),
  ];
  for (const checked of all.map(inspect)) tryOut(checked);
}
