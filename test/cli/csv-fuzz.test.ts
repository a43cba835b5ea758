import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliAsync } from '../support/run-cli.js';

/**
 * `ets backtest` over mutated CSV files, run as a user runs it: every run exits 0 with result files that agree with
 * each other, or exits non-zero with one `error: …` line and no stack trace; either way nothing is written outside
 * the output folder (and its log folder).
 */
const work = mkdtempSync(join(tmpdir(), 'ets-csv-fuzz-'));
const sample = join(work, 'sample');

/** A mutation of a CSV text: the kinds of damage real files carry. */
type Mutation = (lines: string[], n: number, text: string) => string[];

const MUTATIONS: readonly Mutation[] = [
  // an extra field, e.g. a thousands separator in the volume
  (lines, n) => lines.map((l, i) => (i === 1 + (n % (lines.length - 1)) ? `${l},400` : l)),
  // a field dropped
  (lines, n) => lines.map((l, i) => (i === 1 + (n % (lines.length - 1)) ? l.split(',').slice(0, 5).join(',') : l)),
  // a value replaced with junk text
  (lines, n, text) =>
    lines.map((l, i) => {
      if (i !== 1 + (n % (lines.length - 1))) return l;
      const cells = l.split(',');
      cells[1 + (n % 5)] = text;
      return cells.join(',');
    }),
  // two rows swapped (backwards time)
  (lines, n) => {
    const i = 1 + (n % (lines.length - 2));
    const out = [...lines];
    [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
    return out;
  },
  // a row repeated (duplicate time)
  (lines, n) => {
    const i = 1 + (n % (lines.length - 1));
    return [...lines.slice(0, i + 1), lines[i]!, ...lines.slice(i + 1)];
  },
  // header damaged or missing
  (lines, n) => (n % 2 === 0 ? lines.slice(1) : [lines[0]!.replace('close', 'closing'), ...lines.slice(1)]),
  // the file cut in the middle of a row
  (lines, n, text) => {
    const joined = lines.join('\n');
    return [joined.slice(0, Math.max(1, joined.length - 1 - (n % 40))) + text];
  },
  // Windows line ends and a byte-order mark
  (lines) => [`\uFEFF${lines.join('\r\n')}`],
  // a negative or zero price, or high below low
  (lines, n) =>
    lines.map((l, i) => {
      if (i !== 1 + (n % (lines.length - 1))) return l;
      const [d, o, h, lo, c, v] = l.split(',');
      return n % 3 === 0
        ? [d, `-${o}`, h, lo, c, v].join(',')
        : n % 3 === 1
          ? [d, o, lo, h, c, v].join(',')
          : [d, '0', h, lo, c, v].join(',');
    }),
];

const JUNK = ['', 'NaN', 'null', '1e400', '0x10', '１２３', '"', '1,5', ' 12 ', '\u0000', 'x'.repeat(5000)];

/** Every file under a directory, relative to it. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

beforeAll(() => {
  const run = runCli(['data', 'sample', '--out', sample, '--days', '120', '--symbols', 'SYNA,SYNB']);
  expect(run.status).toBe(0);
});

describe('ets backtest over damaged CSV files', () => {
  it('exits 0 with consistent results, or with one clear line; it writes only into its output folder', async () => {
    const cases = fc.sample(
      fc.tuple(fc.nat(MUTATIONS.length - 1), fc.nat(1000), fc.constantFrom(...JUNK), fc.boolean(), fc.boolean()),
      { numRuns: 24, seed: 20261205 },
    );
    const runs = await Promise.all(
      cases.map(async ([kind, n, junk, skipBad, second], i) => {
        const dir = mkdtempSync(join(work, `case-${i}-`));
        const data = join(dir, 'data');
        cpSync(sample, data, { recursive: true });
        const file = join(data, second ? 'SYNB.csv' : 'SYNA.csv');
        const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
        writeFileSync(file, `${MUTATIONS[kind]!(lines, n, junk).join('\n')}\n`);
        const config = join(dir, 'config.yaml');
        writeFileSync(config, 'logging:\n  directory: out/logs\n  console: false\nbenchmarking:\n  symbol: null\n');
        const before = listFiles(dir);
        const args = [
          'backtest',
          '-c',
          config,
          '--data-dir',
          data,
          '--out',
          join(dir, 'out'),
          '--symbols',
          'SYNA,SYNB',
        ];
        if (skipBad) args.push('--skip-bad-rows');
        const run = await runCliAsync(args, dir, 30_000);
        const after = listFiles(dir).filter((f) => !f.startsWith('out/'));
        return { run, before, after, dir, label: `mutation ${kind} #${n} ${JSON.stringify(junk.slice(0, 10))}` };
      }),
    );
    let failures = 0;
    for (const { run, before, after, dir, label } of runs) {
      expect(after, label).toEqual(before);
      expect(run.stderr, label).not.toMatch(/\n\s+at /);
      if (run.status === 0) {
        const metrics = JSON.parse(readFileSync(join(dir, 'out', 'metrics.json'), 'utf8')) as { trades: number };
        const trades =
          readFileSync(join(dir, 'out', 'trades.csv'), 'utf8')
            .trim()
            .split('\n').length - 1;
        expect(trades, label).toBe(metrics.trades);
      } else {
        failures++;
        expect([2, 3], label).toContain(run.status);
        expect(run.stderr.trim().split('\n'), label).toHaveLength(1);
        expect(run.stderr, label).toMatch(/^error: /);
      }
    }
    // The damage is real: most mutated files must be refused (or their rows skipped), not read as if whole.
    expect(failures).toBeGreaterThan(0);
  });
});
