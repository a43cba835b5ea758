import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../support/run-cli.js';

/**
 * Places to write that cannot be written to: each fails before any work with one line naming the flag or key and
 * exit code 2, without a stack trace, and leaves no directory behind when the mistake shows without creating one.
 * Commands run in a work directory, so relative paths land there.
 */
const work = mkdtempSync(join(tmpdir(), 'ets-out-'));
const sample = join(work, 'sample');
const aFile = join(work, 'a-file');

function config(name: string, yaml: string): string {
  const path = join(work, `${name}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

/** A config with logs in the work directory, plus `yaml`. */
function withLogs(name: string, yaml = ''): string {
  return config(name, `logging:\n  directory: ${join(work, 'logs')}\n  console: false\n${yaml}`);
}

function expectOneLine(run: CliRun, message: string): void {
  expect(run.stderr).toBe(`error: ${message}\n`);
  expect(run.status).toBe(2);
}

/** For config errors, whose file prefix is the config loader's: the key's line, on one line, exit code 2. */
function expectConfigProblem(run: CliRun, problem: string): void {
  expect(run.stderr).toContain(problem);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).not.toContain('    at ');
  expect(run.status).toBe(2);
}

beforeAll(() => {
  writeFileSync(aFile, 'not a directory\n');
  expect(runCli(['data', 'sample', '--out', sample, '--days', '300'], work).status).toBe(0);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('ets backtest --out / backtest.results_directory', () => {
  const backtest = (out: string, cfg = withLogs('plain')): CliRun =>
    runCli(['backtest', '-c', cfg, '--data-dir', sample, '--out', out], work);
  const label = 'backtest.results_directory (--out)';

  it('an existing file', () => {
    expectOneLine(backtest(aFile), `${label}: ${JSON.stringify(aFile)} is a file; expected a directory`);
  });

  it('a path under a file (/dev/null/x)', () => {
    expectOneLine(backtest('/dev/null/x'), `${label}: "/dev/null/x" cannot be created: "/dev/null" is not a directory`);
  });

  it('an empty string', () => {
    expectOneLine(backtest(''), `${label}: got ""; expected a directory`);
  });

  it('a name too long, quoted short', () => {
    const name = 'a'.repeat(300);
    expectOneLine(backtest(name), `${label}: "${'a'.repeat(77)}...": the name is longer than the file system allows`);
    expect(existsSync(join(work, name.slice(0, 10)))).toBe(false);
  });

  it.runIf(existsSync('/proc/self'))('a place where nothing can be created (/proc) fails instead of hanging', () => {
    expectOneLine(
      backtest('/proc/ets-test/results'),
      `${label}: cannot create "/proc/ets-test": the file system does not allow it (ENOENT)`,
    );
    expectOneLine(
      backtest('/proc/self'),
      `${label}: cannot write into "/proc/self": the file system does not allow it (ENOENT)`,
    );
  });

  it('a result file that is a directory', () => {
    const out = join(work, 'taken');
    mkdirSync(join(out, 'metrics.json'), { recursive: true });
    expectOneLine(
      backtest(out),
      `${label}: ${JSON.stringify(join(out, 'metrics.json'))} is a directory; expected a file to write`,
    );
  });

  it('a run that fails on its data removes the directories it created, and keeps the ones that were there', () => {
    const bad = join(work, 'bad-data');
    mkdirSync(bad);
    writeFileSync(join(bad, 'AAA.csv'), 'date,open,high,low,close,volume\n2024-01-02,1,2,x,1,5\n');
    const existing = join(work, 'existing');
    mkdirSync(existing);
    for (const out of [join(work, 'new', 'deeper'), join(existing, 'new')]) {
      const run = runCli(['backtest', '-c', withLogs('plain'), '--data-dir', bad, '--out', out], work);
      expect([run.status, run.stderr]).toEqual([3, `error: ${join(bad, 'AAA.csv')}:2: low is not a number: "x"\n`]);
    }
    expect(existsSync(join(work, 'new'))).toBe(false);
    expect(readdirSync(existing)).toEqual([]);
  });

  it('set in the config file to a file', () => {
    const cfg = withLogs('results-file', `backtest:\n  results_directory: ${aFile}\n  csv_directory: ${sample}\n`);
    const run = runCli(['backtest', '-c', cfg], work);
    expectOneLine(run, `${label}: ${JSON.stringify(aFile)} is a file; expected a directory`);
  });
});

describe('ets backtest --journal', () => {
  const backtest = (journal: string, out: string) =>
    runCli(['backtest', '-c', withLogs('journal'), '--data-dir', sample, '--out', out, '--journal', journal], work);

  it('an empty name, a name ending in a slash, a path under a file: nothing written', () => {
    const out = join(work, 'journal-out');
    expectOneLine(backtest('', out), '--journal: got ""; expected a file name');
    expectOneLine(backtest('sub/', out), '--journal: got "sub/"; expected a file name');
    expectOneLine(
      backtest(join(aFile, 'x.sqlite'), out),
      `--journal: ${JSON.stringify(aFile)} is a file; expected a directory`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('in a directory that does not exist yet: made for it', () => {
    const journal = join(work, 'journals', 'run.sqlite');
    expect(backtest(journal, join(work, 'journal-made')).status).toBe(0);
    expect(readdirSync(join(work, 'journals'))).toEqual(['run.sqlite']);
  });
});

describe('ets gateway --port / --host', () => {
  it('a port in use, or a host that is not this machine: one line, exit code 2', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      expectOneLine(
        runCli(['gateway', '--port', String(port), '--data-dir', sample], work),
        `--port ${port}: the port is in use on 127.0.0.1 (another TWS, IB Gateway or ets gateway?); choose another, or 0 for a free one`,
      );
    } finally {
      taken.close();
    }
    expectOneLine(
      runCli(['gateway', '--port', '0', '--host', '8.8.8.8', '--data-dir', sample], work),
      '--host 8.8.8.8: not an address of this machine; expected one of its interfaces, such as 127.0.0.1',
    );
  });
});

describe('logging.*', () => {
  const backtest = (cfg: string, out: string): CliRun =>
    runCli(['backtest', '-c', cfg, '--data-dir', sample, '--out', join(work, out)], work);

  it('logging.directory set to a file, with nothing created for the results', () => {
    const cfg = config('log-dir-file', `logging:\n  directory: ${aFile}\n`);
    expectOneLine(
      backtest(cfg, 'never-made'),
      `logging.directory: ${JSON.stringify(aFile)} is a file; expected a directory`,
    );
    expect(existsSync(join(work, 'never-made'))).toBe(false);
  });

  it('logging.file_name naming a directory', () => {
    const logs = join(work, 'logs-with-dir');
    mkdirSync(join(logs, 'ets.log'), { recursive: true });
    const cfg = config('log-file-dir', `logging:\n  directory: ${logs}\n`);
    expectOneLine(
      backtest(cfg, 'out-log-file-dir'),
      `logging.directory: ${JSON.stringify(join(logs, 'ets.log'))} is a directory; expected a file to write`,
    );
  });

  it("logging.file_name: ''", () => {
    const cfg = config('log-name-empty', `logging:\n  directory: ${join(work, 'logs')}\n  file_name: ''\n`);
    expectConfigProblem(
      backtest(cfg, 'out-log-name'),
      'logging.file_name: got ""; expected a file name (no "/"), 1 to 200 characters',
    );
  });

  it('logging.file_name with a path in it', () => {
    const cfg = config('log-name-path', `logging:\n  file_name: ../escape.log\n`);
    expectConfigProblem(
      backtest(cfg, 'out-log-path'),
      'logging.file_name: got "../escape.log"; expected a file name (no "/"), 1 to 200 characters',
    );
  });

  it('an absurd logging.max_file_mb and logging.max_files', () => {
    const size = config('log-size', 'logging:\n  max_file_mb: 1e300\n');
    expectConfigProblem(backtest(size, 'out-size'), 'logging.max_file_mb: got 1e+300; expected number to be <=1024');
    const files = config('log-files', 'logging:\n  max_files: 1000000000\n');
    expectConfigProblem(
      backtest(files, 'out-files'),
      'logging.max_files: got 1000000000; expected number to be <=1000',
    );
  });
});

describe('ets live and ets data fetch check their places before connecting', () => {
  it('ets live --results naming a file', () => {
    const run = runCli(['live', '-c', withLogs('live'), '--results', aFile], work);
    expectOneLine(run, `live.results_directory (--results): ${JSON.stringify(aFile)} is a file; expected a directory`);
  });

  it('live.results_directory under a file', () => {
    const cfg = withLogs('live-results', 'live:\n  results_directory: /dev/null/live\n');
    expectOneLine(
      runCli(['live', '-c', cfg], work),
      'live.results_directory (--results): "/dev/null/live" cannot be created: "/dev/null" is not a directory',
    );
  });

  it("the embedded gateway's sample-data directory and state file", () => {
    const data = withLogs('live-data', `backtest:\n  csv_directory: ${aFile}\n`);
    expectOneLine(
      runCli(['live', '-c', data, '--results', join(work, 'live-out')], work),
      `backtest.csv_directory: ${JSON.stringify(aFile)} is a file; expected a directory`,
    );
    const state = withLogs('live-state', `ibkr:\n  embedded:\n    state_file: ${sample}\n`);
    expectOneLine(
      runCli(['live', '-c', state, '--results', join(work, 'live-out')], work),
      `ibkr.embedded.state_file: ${JSON.stringify(sample)} is a directory; expected a file to write`,
    );
  });

  it('a dashboard port in use, before the journal, the gateway or the results are made', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const results = join(work, 'live-dashboard');
      const cfg = withLogs(
        'live-dashboard',
        `trading:\n  symbols: [SYNA]\nlive:\n  results_directory: ${results}\n  dashboard:\n    enabled: true\n    port: ${port}\n`,
      );
      expectOneLine(
        runCli(['live', '-c', cfg], work),
        `live.dashboard.port: got ${port}; the port is in use; expected a free port (0 picks one)`,
      );
      expect(existsSync(results)).toBe(false);
    } finally {
      taken.close();
    }
  });

  it('a live session its config refuses makes neither the gateway state file nor the journal', () => {
    const made = join(work, 'live-refused');
    const cfg = withLogs(
      'live-refused',
      `trading:\n  symbols: []\nibkr:\n  embedded:\n    state_file: ${join(made, 'state.json')}\nlive:\n  results_directory: ${join(made, 'results')}\n`,
    );
    expectOneLine(
      runCli(['live', '-c', cfg], work),
      'trading.symbols: got []; expected the symbols to trade, e.g. [AAPL, MSFT]',
    );
    expect(existsSync(made)).toBe(false);
  });

  it('ets data fetch --out naming a file', () => {
    const run = runCli(['data', 'fetch', '-c', withLogs('fetch'), '--symbols', 'SYNA', '--out', aFile], work);
    expectOneLine(run, `--out: ${JSON.stringify(aFile)} is a file; expected a directory`);
  });

  it('ets data fetch --out where nothing can be created', () => {
    const run = runCli(['data', 'fetch', '-c', withLogs('fetch'), '--symbols', 'SYNA', '--out', '/dev/null/x'], work);
    expectOneLine(run, '--out: "/dev/null/x" cannot be created: "/dev/null" is not a directory');
  });
});

describe('ets data sample --out', () => {
  it('an empty string writes nothing into the current directory', () => {
    const before = readdirSync(work).sort();
    expectOneLine(runCli(['data', 'sample', '--out', ''], work), '--out: got ""; expected a directory');
    expect(readdirSync(work).sort()).toEqual(before);
  });

  it('an existing file', () => {
    expectOneLine(
      runCli(['data', 'sample', '--out', aFile], work),
      `--out: ${JSON.stringify(aFile)} is a file; expected a directory`,
    );
  });
});

describe('trading.kill_switch_file holding something that is not a request', () => {
  const notes = join(work, 'notes.txt');
  const folder = join(work, 'a-folder');
  const expected = 'expected a path of its own: nothing there, or a request of ets halt or ets resume (left untouched)';

  it('ets halt and ets resume leave a user file and a directory as they are: one line, exit code 2', () => {
    writeFileSync(notes, 'important: user data\n');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'kept'), 'x');
    for (const command of [['halt', '--flatten'], ['resume']]) {
      const atNotes = config('ks-notes', `trading:\n  kill_switch_file: ${notes}\n`);
      expectOneLine(
        runCli([...command, '-c', atNotes, '--wait', '0'], work),
        `trading.kill_switch_file: ${JSON.stringify(notes)} holds text that is not a halt or resume request; ${expected}`,
      );
      expect(readFileSync(notes, 'utf8')).toBe('important: user data\n');
      const atFolder = config('ks-folder', `trading:\n  kill_switch_file: ${folder}\n`);
      expectOneLine(
        runCli([...command, '-c', atFolder, '--wait', '0'], work),
        `trading.kill_switch_file: ${JSON.stringify(folder)} is a directory, not a request; ${expected}`,
      );
      expect(readdirSync(folder)).toEqual(['kept']);
    }
    expect(readdirSync(work).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });
});
