import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runBacktestJob } from '../../src/backtest/backtest-job.js';
import { validateConfig } from '../../src/config/load-config.js';
import { ThreadShell } from '../../src/core/thread-shell.js';
import { resolveBarFiles, type BarFile } from '../../src/data/bar-files.js';
import { BarStreamTimeline } from '../../src/data/bar-stream-timeline.js';
import { mergingPays } from '../../src/data/bar-thread-rules.js';
import { CsvDataError, type SkippedRow } from '../../src/data/csv-data-error.js';
import type { MergedBarsOptions } from '../../src/data/merged-bars-protocol.js';
import { MergedBarsThread } from '../../src/data/merged-bars-thread.js';
import { openStreamsOf } from '../../src/data/open-bar-streams.js';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { silentLogger } from '../../src/logging/logger.js';
import { BAD_CSV_CASES } from './bad-csv-cases.js';
import { HEADER } from './csv-fixtures.js';
import { csvTextArbitrary } from './csv-text-arbitrary.js';
import { twoCores } from '../support/cores.js';
import { openBarFiles, settled } from './open-bar-files.js';
import { useTempDir } from './temp-dir.js';

/** What a reader of many files delivered: each slice as its time then [file, open, high, low, close, volume] bars. */
interface Outcome {
  readonly slices: number[][];
  readonly error: string | null;
  readonly skipped: readonly SkippedRow[];
  readonly counts: readonly number[];
}

/** The slices of the files' streams merged on this thread (BarStreamTimeline over openStreamsOf). */
function mergedHere(files: readonly BarFile[], options: MergedBarsOptions): Outcome {
  const slices: number[][] = [];
  let streams;
  try {
    streams = openStreamsOf(files, options);
  } catch (error) {
    if (!(error instanceof CsvDataError)) throw error;
    return { slices, error: error.message, skipped: [], counts: [] };
  }
  try {
    const timeline = new BarStreamTimeline(streams);
    while (timeline.next()) {
      const slice = [timeline.time];
      for (let k = 0; k < timeline.size; k++) {
        const s = timeline.streamAt(k);
        const stream = streams[s]!;
        slice.push(s, stream.open, stream.high, stream.low, stream.close, stream.volume);
      }
      slices.push(slice);
    }
    return {
      slices,
      error: null,
      skipped: streams.flatMap((stream) => stream.skipped),
      counts: streams.map((stream) => stream.count),
    };
  } catch (error) {
    if (!(error instanceof CsvDataError)) throw error;
    return { slices, error: error.message, skipped: [], counts: [] };
  } finally {
    for (const stream of streams) stream.release();
  }
}

/** The slices the merging thread hands over. */
function mergedAhead(
  files: readonly BarFile[],
  options: MergedBarsOptions,
  ringDoubles?: number,
  shell: ThreadShell | null = null,
): Outcome {
  const thread = MergedBarsThread.start(files, options, ringDoubles, shell);
  // The thread is built by `npm run build`, which `npm test` runs first.
  expect(thread).not.toBeNull();
  const slices: number[][] = [];
  try {
    thread!.open();
    while (thread!.next()) {
      const slice = [thread!.time];
      for (let k = 0; k < thread!.size; k++) {
        const at = thread!.barAt(k);
        slice.push(...thread!.ring.subarray(at, at + 6));
      }
      slices.push(slice);
    }
    return { slices, error: null, skipped: thread!.skipped, counts: thread!.counts ?? [] };
  } catch (error) {
    if (!(error instanceof CsvDataError)) throw error;
    // A thread that failed on a row raises the same error on every later call.
    if (thread!.size === 0 && error.line !== null) expect(() => thread!.next()).toThrow(error.message);
    return { slices, error: error.message, skipped: [], counts: [] };
  } finally {
    thread!.close();
  }
}

/** Bit-for-bit equality (toEqual would take 0 and -0 as equal), reporting the first different slice. */
function expectSameOutcome(actual: Outcome, expected: Outcome): void {
  expect(actual.error).toBe(expected.error);
  expect(actual.slices.length).toBe(expected.slices.length);
  const i = actual.slices.findIndex(
    (slice, k) =>
      slice.length !== expected.slices[k]!.length || slice.some((v, f) => !Object.is(v, expected.slices[k]![f])),
  );
  expect(i === -1 ? null : { index: i, actual: actual.slices[i], expected: expected.slices[i] }).toBeNull();
  expect(actual.skipped).toEqual(expected.skipped);
  expect(actual.counts).toEqual(expected.counts);
}

describe.skipIf(!twoCores())('MergedBarsThread', () => {
  const dir = useTempDir();

  it('hands over exactly the slices, errors, skipped rows and counts of the streams merged on this thread', () => {
    fc.assert(
      fc.property(
        fc.array(csvTextArbitrary({ badRowRate: 0.03, maxRows: 30 }), { minLength: 1, maxLength: 5 }),
        fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant(4096)),
        fc.boolean(),
        // A ring of one or two slices wraps at almost every slice.
        fc.constantFrom(32, 64, 1 << 17),
        (texts, chunkBytes, skipBadRows, ringDoubles) => {
          const data = join(dir.path(), `run-${Math.random().toString(36).slice(2)}`);
          mkdirSync(data);
          texts.forEach((text, i) => dir.write(join(data.slice(dir.path().length + 1), `S${i}.csv`), text));
          const files = resolveBarFiles(data);
          const options = { chunkBytes, skipBadRows };
          expectSameOutcome(mergedAhead(files, options, ringDoubles), mergedHere(files, options));
        },
      ),
      { numRuns: 40 },
    );
  });

  describe('fails with the message of the streams, after the same slices', () => {
    it.each(BAD_CSV_CASES)('$name', ({ text }) => {
      dir.write('A.csv', `${HEADER}\n2024-01-02,1,2,1,2,3\n2024-01-03,1,2,1,2,3\n`);
      dir.write('X.csv', text);
      const files = resolveBarFiles(dir.path());
      for (const chunkBytes of [1, 7, 40, 4096]) {
        const outcome = mergedAhead(files, { chunkBytes });
        expect(outcome.error).toContain('X.csv');
        expectSameOutcome(outcome, mergedHere(files, { chunkBytes }));
      }
    });
  });

  it('keeps the bounds of a run and leaves out bad rows as asked', () => {
    const files = writeSampleData(dir.path(), { symbols: ['AAA', 'BBB', 'CCC'], days: 300 });
    dir.write('BBB.csv', readFileSync(files[1]!, 'utf8').replace(/\n(.*)\n/, '\n$1\nnot,a,row\n'));
    const all = resolveBarFiles(dir.path());
    const dates = readFileSync(files[0]!, 'utf8')
      .split('\n')
      .map((line) => line.slice(0, 10));
    const options = { start: dates[50]!, end: dates[200]!, skipBadRows: true };
    const outcome = mergedAhead(all, options);
    expect(outcome.skipped.map(({ file, line }) => [file, line])).toEqual([[join(dir.path(), 'BBB.csv'), 3]]);
    expect(outcome.slices).toHaveLength(151);
    expect(outcome.slices[0]![0]).toBe(Date.parse(`${dates[50]!}T00:00:00Z`));
    expectSameOutcome(outcome, mergedHere(all, options));
  });

  it('runs in a thread started beforehand (ThreadShell) as in one of its own', () => {
    writeSampleData(dir.path(), { symbols: ['AAA', 'BBB', 'CCC'], days: 400, seed: 5 });
    dir.write('BBB.csv', readFileSync(join(dir.path(), 'BBB.csv'), 'utf8').replace(/\n(.*)\n/, '\n$1\nnot,a,row\n'));
    const files = resolveBarFiles(dir.path());
    const shell = ThreadShell.start();
    expect(shell).not.toBeNull();
    const outcome = mergedAhead(files, { chunkBytes: 4096, skipBadRows: true }, undefined, shell);
    expect(() => shell!.run('x.cjs', null, [])).toThrow('a thread shell runs one entry');
    expect(outcome.slices).toHaveLength(400);
    expect(outcome.skipped).toHaveLength(1);
    expectSameOutcome(outcome, mergedHere(files, { chunkBytes: 4096, skipBadRows: true }));
  });

  it('closes every file it opened: at the end of the data, and when closed partway', async () => {
    writeSampleData(dir.path(), { symbols: ['AAA', 'BBB', 'CCC', 'DDD'], days: 2000 });
    const files = resolveBarFiles(dir.path());
    const before = openBarFiles();
    const partway = MergedBarsThread.start(files, { chunkBytes: 4096 })!;
    partway.open();
    for (let i = 0; i < 10; i++) expect(partway.next()).toBe(true);
    expect(openBarFiles()).toBe(before + files.length);
    partway.close();
    expect(await settled(openBarFiles, before)).toBe(before);
    const outcome = mergedAhead(files, {});
    expect(outcome.counts).toEqual(files.map(() => 2000));
    expect(await settled(openBarFiles, before)).toBe(before);
  });

  it('fails the run with a failure of its own (not of the data) rather than leave it waiting', () => {
    dir.write('A.csv', `${HEADER}\n2024-01-02,1,2,1,2,3\n`);
    const thread = MergedBarsThread.start(resolveBarFiles(dir.path()), { chunkBytes: 0 })!;
    try {
      expect(() => {
        thread.open();
      }).toThrow('the merging thread failed: chunkBytes 0 must be a whole number of bytes ≥ 1');
    } finally {
      thread.close();
    }
  });

  it('takes on more files than a read-ahead thread, when they hold enough', () => {
    const files = writeSampleData(dir.path(), { symbols: 'ABCDEFGHI'.split('').map((c) => `${c}${c}`), days: 50 });
    expect(files).toHaveLength(10);
    const bars = resolveBarFiles(dir.path());
    expect(mergingPays(bars, 0)).toBe(true);
    expect(mergingPays(bars.slice(0, 8), 0)).toBe(false);
    expect(mergingPays(bars)).toBe(false);
  });

  it('gives a backtest the very result files of one reading its own files', () => {
    const data = join(dir.path(), 'data');
    mkdirSync(data);
    const symbols = Array.from({ length: 12 }, (_, i) => `S${String(i).padStart(2, '0')}`);
    writeSampleData(data, { symbols, days: 1500, seed: 3 });
    const config = (out: string) =>
      validateConfig({
        backtest: { csv_directory: data, results_directory: out, symbols },
        strategies: { sma_crossover: { enabled: true, params: { fast: 5, slow: 20 } } },
        benchmarking: { symbol: null },
      });
    const run = (name: string, ahead: boolean): Record<string, string> => {
      const out = join(dir.path(), name);
      const thread = ahead ? MergedBarsThread.start(resolveBarFiles(data, symbols), { skipBadRows: false }) : null;
      try {
        const job = runBacktestJob(config(out), silentLogger(), { barThread: thread ?? false });
        expect(job.filesParsedAhead).toBe(ahead ? 12 : 0);
      } finally {
        thread?.close();
      }
      return Object.fromEntries(readdirSync(out).map((file) => [file, readFileSync(join(out, file), 'utf8')]));
    };
    const own = run('own', false);
    const ahead = run('ahead', true);
    expect(Object.keys(ahead).sort()).toEqual(Object.keys(own).sort());
    for (const [file, text] of Object.entries(own)) expect(ahead[file], file).toBe(text);
    expect((JSON.parse(own['metrics.json']!) as { trades: number }).trades).toBeGreaterThan(50);
  });
});
