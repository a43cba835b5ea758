import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliAsync, type CliRun } from '../support/run-cli.js';
import { mutatedConfig, NASTY_VALUES } from '../config/config-mutations.js';

/**
 * `ets backtest` and `ets data sample` over fuzzed config files and flags, run as a user runs them: every run exits 0,
 * or exits non-zero with one `error: …` line on stderr (the last one) and no stack trace.
 */
const work = mkdtempSync(join(tmpdir(), 'ets-fuzz-'));
const sample = join(work, 'sample');

const BASE_CONFIG = `logging:
  directory: logs
  console: false
backtest:
  start_date: 2019-03-01
  end_date: 2019-12-31
  strategy: sma_crossover
  commission: ib-fixed
  slippage_bps: 1
account:
  initial_capital: 100000
  settlement_days: 1
trading:
  sizing: risk
  max_drawdown_pct: 20
  sector_map:
    SYNA: Tech
strategies:
  sma_crossover:
    enabled: true
    params:
      fast: 10
      slow: 30
ibkr:
  embedded:
    start: 2019-06-03 09:30
    seed: 42
commission_rates:
  fixed:
    per_share: 0.005
    min_per_order: 1
`;

const BACKTEST_FLAGS: Readonly<Record<string, readonly string[]>> = {
  '--start': ['2019-06-01', '2020-02-30', '0097-01-01', '1999-13-01', '2019-1-2', '2030-01-01'],
  '--end': ['2019-09-30', '1998-01-01', '2019-02-31', '10000-01-01'],
  '--initial-cash': ['50000', '1e12', '1e20', '0', '-5', '0x10', 'Infinity', 'cash'],
  '--sizing': ['risk', 'fixed:100', 'fixed:0', 'fixed:99999999999', 'all'],
  '--param': ['fast=5', 'slow=20', 'fast=50', '__proto__=1', 'constructor=1', 'prototype=1', 'toString=1', 'fast'],
  '--strategy': ['sma_crossover', 'rsi_mean_reversion', '__proto__', 'constructor', 'nope'],
  '--commission': ['zero', 'ib-tiered', 'cheap'],
  '--slippage-bps': ['0', '5', '-1', '1e9'],
  '--settlement-days': ['0', '2', '9', '1.5'],
  '--symbols': ['SYNA', 'SYNA,SYNB', 'NOPE', ',', '../x'],
  '--benchmark': ['SYNX', 'NOPE'],
  '--data-dir': ['/nonexistent/dir'],
  '--bogus': [],
  '--no-stops': [],
  '--skip-bad-rows': [],
};

const SAMPLE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  '--start': ['2019-01-02', '2020-02-30', '0001-01-01', '9999-12-01', '1900-01-01', 'soon'],
  '--days': ['1', '40', '0', '-3', '0x10', '', '100001'],
  '--seed': ['0', '7', '4294967295', '4294967296', '1e3', 'abc'],
  '--symbols': ['SYNA', 'AAA,BBB', 'a b', ''],
};

/** One flag, with one of its values or a value meant for another flag. */
function flagArbitrary(flags: Readonly<Record<string, readonly string[]>>): fc.Arbitrary<string[]> {
  return fc
    .tuple(fc.constantFrom(...Object.keys(flags)), fc.nat(), fc.constantFrom(...NASTY_VALUES.slice(0, 30)), fc.nat(9))
    .map(([flag, pick, nasty, odds]) => {
      const values = flags[flag]!;
      if (values.length === 0) return [flag];
      return [flag, odds === 0 ? nasty : values[pick % values.length]!];
    });
}

interface FuzzCase {
  readonly command: 'backtest' | 'sample';
  readonly config: string | null;
  readonly flags: readonly string[];
}

const caseArbitrary: fc.Arbitrary<FuzzCase> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      command: fc.constant('backtest' as const),
      config: fc.option(mutatedConfig(BASE_CONFIG), { freq: 4, nil: null }).map((c) => c ?? BASE_CONFIG),
      flags: fc.array(flagArbitrary(BACKTEST_FLAGS), { maxLength: 3 }).map((f) => f.flat()),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      command: fc.constant('sample' as const),
      config: fc.constant(null),
      flags: fc.array(flagArbitrary(SAMPLE_FLAGS), { maxLength: 3 }).map((f) => f.flat()),
    }),
  },
);

const CASES = 64;
const PARALLEL = 4;

beforeAll(() => {
  const run = runCli(['data', 'sample', '--out', sample, '--days', '200']);
  expect(run.status).toBe(0);
});

/** The arguments of case `i`, writing only inside its own directory (and running there, for relative paths). */
function argsOf(c: FuzzCase, i: number): { args: string[]; cwd: string } {
  const dir = mkdtempSync(join(work, `case-${i}-`));
  if (c.command === 'sample') return { args: ['data', 'sample', ...c.flags, '--out', join(dir, 'out')], cwd: dir };
  const config = join(dir, 'config.yaml');
  writeFileSync(config, c.config ?? BASE_CONFIG);
  return { args: ['backtest', '-c', config, '--data-dir', sample, ...c.flags, '--out', join(dir, 'out')], cwd: dir };
}

async function runAll(cases: readonly FuzzCase[]): Promise<CliRun[]> {
  const runs: CliRun[] = new Array<CliRun>(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      const { args, cwd } = argsOf(cases[i]!, i);
      runs[i] = await runCliAsync(args, cwd, 30_000);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return runs;
}

/** What is wrong with a run's ending, or null when it ended as every run must. */
function problemOf(run: CliRun): string | null {
  if (run.status === null) return 'killed (no exit within 30 s)';
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  if (lines.some((l) => /^\s+at /.test(l))) return 'stack trace on stderr';
  if (run.status === 0) return lines.some((l) => l.startsWith('error:')) ? 'exit 0 with an error line' : null;
  const errors = lines.filter((l) => l.startsWith('error: '));
  if (errors.length !== 1) return `${errors.length} error lines`;
  if (lines.at(-1) !== errors[0]) return 'the error is not the last line';
  if (errors[0]!.length > 2100) return `an error line of ${errors[0]!.length} characters`;
  return null;
}

describe('ets backtest and ets data sample, fuzzed', () => {
  it(`end with exit 0 or one error line, over ${CASES} seeded cases`, { timeout: 120_000 }, async () => {
    const cases = fc.sample(caseArbitrary, { seed: 20_240_611, numRuns: CASES });
    const started = performance.now();
    const runs = await runAll(cases);
    const failures = runs.flatMap((run, i) => {
      const problem = problemOf(run);
      return problem === null
        ? []
        : [{ problem, case: cases[i], status: run.status, stderr: run.stderr.slice(0, 2000) }];
    });
    expect(failures).toEqual([]);
    // The seeded cases must reach both endings, or the property proves little.
    expect(runs.filter((r) => r.status === 0).length).toBeGreaterThan(5);
    expect(runs.filter((r) => r.status === 2).length).toBeGreaterThan(5);
    expect(performance.now() - started).toBeLessThan(60_000);
  });
});
