import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { serving, stop, useRedis } from '../support/queue-worker.js';
import { redisAvailable } from '../support/redis-server.js';
import { runCli, startCli } from '../support/run-cli.js';
import { REPO_ROOT } from '../support/shared-data.js';

const work = mkdtempSync(join(tmpdir(), 'ets-optimize-module-'));
const DONCHIAN = join(REPO_ROOT, 'examples', 'strategies', 'donchian-breakout.ts');
const OPTIMIZE_FILES = ['optimize.csv', 'optimize_best.json'];
const WFA_FILES = ['wfa_windows.csv', 'wfa_oos_equity.csv', 'wfa_oos_trades.csv', 'wfa_summary.json'];

/** The study of the sample data's first two symbols, quiet logs, run in the work directory. */
function study(command: string, ...args: string[]) {
  const logs = ['--data-dir', 'sample', '--symbols', 'SYNA,SYNB', '-c', 'quiet.yaml'];
  return runCli([command, ...logs, ...args], work);
}

const grid = ['--grid', 'entry=10:30:10', '--grid', 'exit=1,5,10'];
const read = (out: string, files: readonly string[]) => files.map((f) => readFileSync(join(work, out, f), 'utf8'));

beforeAll(() => {
  writeSampleData(join(work, 'sample'));
  mkdirSync(join(work, 'strategies'));
  copyFileSync(DONCHIAN, join(work, 'strategies', 'breakout.ts'));
  writeFileSync(join(work, 'quiet.yaml'), `logging:\n  directory: ${join(work, 'logs')}\n  console: false\n`);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('ets optimize and ets walk-forward with a strategy module', () => {
  it('optimises a module given by path with the same files on 1 and 2 workers, skipping refused sets', () => {
    const one = study('optimize', '--strategy', './strategies/breakout.ts', ...grid, '--workers', '1', '--out', 'o1');
    const two = study('optimize', '--strategy', './strategies/breakout.ts', ...grid, '--workers', '2', '--out', 'o2');
    expect(one.stderr).not.toMatch(/error/i);
    expect([one.status, two.status]).toEqual([0, 0]);
    expect(one.stdout).toMatch(
      /^combinations: 9 \(3 invalid, 0 below --min-trades\)\nbest: entry=\d+ exit=\d+ {2}sharpe /,
    );
    expect(read('o2', OPTIMIZE_FILES)).toEqual(read('o1', OPTIMIZE_FILES));
    expect(read('o1', OPTIMIZE_FILES)[0]!.split('\n')[0]).toMatch(/^entry,exit,status,objective,/);
  });

  it('runs a walk-forward analysis of strategies.<name>.module with the same files on 1 and 2 workers', () => {
    writeFileSync(
      join(work, 'module.yaml'),
      `${readFileSync(join(work, 'quiet.yaml'), 'utf8')}backtest:\n  strategy: breakout\nstrategies:\n  breakout:\n    module: strategies/breakout.ts\n`,
    );
    const wfa = (workers: string, out: string) =>
      runCli(
        ['walk-forward', '-c', 'module.yaml', '--data-dir', 'sample', '--symbols', 'SYNA,SYNB', ...grid].concat([
          '--in-sample',
          '1Y',
          '--out-of-sample',
          '6M',
          '--workers',
          workers,
          '--out',
          out,
        ]),
        work,
      );
    const one = wfa('1', 'w1');
    const two = wfa('2', 'w2');
    expect(one.stderr).not.toMatch(/error/i);
    expect([one.status, two.status]).toEqual([0, 0]);
    expect(one.stdout).toMatch(/^windows: \d+ {2}OOS total return/);
    expect(read('w2', WFA_FILES)).toEqual(read('w1', WFA_FILES));
    expect(read('w1', WFA_FILES)[0]!.split('\n')[0]).toMatch(/^window,is_start,is_end,oos_start,oos_end,entry,exit,/);
  });

  it('names the file of a module that does not compile, in one line with exit code 2, writing nothing', () => {
    writeFileSync(join(work, 'strategies', 'broken.ts'), 'export default defineStrategy({ name: \n');
    for (const command of ['optimize', 'walk-forward']) {
      const run = study(command, '--strategy', './strategies/broken.ts', ...grid, '--out', `broken-${command}`);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(
        /^error: strategy module \.\/strategies\/broken\.ts: does not compile: line 2:1: .+\n$/,
      );
      expect(existsSync(join(work, `broken-${command}`, 'optimize.csv'))).toBe(false);
      expect(existsSync(join(work, `broken-${command}`, 'wfa_summary.json'))).toBe(false);
    }
  });

  it('reports a strategy that throws in a worker thread in one line, as ets backtest does', () => {
    // Throws on a bar of the second year: in the in-sample window of the first walk-forward window.
    writeFileSync(
      join(work, 'strategies', 'throws.ts'),
      readFileSync(DONCHIAN, 'utf8').replace(
        'const history = data.history;',
        "if (bar.time > Date.UTC(2020, 5, 1)) throw new RangeError('bad state');\n    const history = data.history;",
      ),
    );
    const message =
      /^error: strategy donchian_breakout \(\.\/strategies\/throws\.ts\) failed on the SYN[AB] bar of 2020-06-0\d: RangeError: bad state\n$/;
    for (const command of ['optimize', 'walk-forward']) {
      const windows = command === 'optimize' ? [] : ['--in-sample', '2Y', '--out-of-sample', '6M'];
      const run = study(
        command,
        '--strategy',
        './strategies/throws.ts',
        ...grid,
        ...windows,
        '--out',
        `throws-${command}`,
      );
      expect(run.status).toBe(1);
      expect(run.stderr.split('\n').filter((line) => line.startsWith('error'))).toHaveLength(1);
      expect(run.stderr.slice(run.stderr.indexOf('error: '))).toMatch(message);
    }
  });
});

describe.skipIf(!redisAvailable())('a strategy module on `ets worker` processes over a real redis-server', () => {
  const redis = useRedis();

  it(
    'gives the local results, and a worker whose copy of the module differs refuses with one line',
    { timeout: 120_000 },
    async () => {
      const args = ['--strategy', './strategies/breakout.ts', ...grid];
      const worker = startCli(['worker', '--queue', redis().url], work);
      try {
        await serving(worker);
        const queued = study('optimize', ...args, '--queue', redis().url, '--out', 'queued');
        expect(queued.stderr).not.toMatch(/error/i);
        expect(queued.status).toBe(0);
        expect(study('optimize', ...args, '--workers', '1', '--out', 'local').status).toBe(0);
        expect(read('queued', OPTIMIZE_FILES)).toEqual(read('local', OPTIMIZE_FILES));
      } finally {
        await stop(worker);
      }
      // Another machine: the same data, but its strategies/breakout.ts is another version.
      const other = join(work, 'other');
      mkdirSync(join(other, 'strategies'), { recursive: true });
      writeSampleData(join(other, 'sample'));
      writeFileSync(
        join(other, 'strategies', 'breakout.ts'),
        readFileSync(DONCHIAN, 'utf8').replace('history.high(ago)', 'history.close(ago)'),
      );
      const stale = startCli(['worker', '--queue', redis().url], other);
      try {
        await serving(stale);
        const refused = study(
          'optimize',
          ...args.slice(0, 2),
          '--grid',
          'entry=12',
          '--grid',
          'exit=7',
          '--queue',
          redis().url,
          '--out',
          'refused',
        );
        expect(refused.status).toBe(2);
        expect(refused.stderr).toMatch(
          /^error: --queue redis:\/\/[\d.:]+: a worker cannot use the strategy module \.\/strategies\/breakout\.ts: differs from the run's \(code [0-9a-f]{12}, the run's [0-9a-f]{12}\)\n$/,
        );
      } finally {
        await stop(stale);
      }
    },
  );
});
