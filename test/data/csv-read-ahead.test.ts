import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktestJob } from '../../src/backtest/backtest-job.js';
import { validateConfig } from '../../src/config/load-config.js';
import { ThreadShell } from '../../src/core/thread-shell.js';
import { CsvBarStream, type CsvBarStreamOptions } from '../../src/data/csv-bar-stream.js';
import { CsvDataError, type SkippedRow } from '../../src/data/csv-data-error.js';
import { CsvReadAhead } from '../../src/data/csv-read-ahead.js';
import { generateMinuteSeries } from '../../src/data/generate-minute-series.js';
import { openBarStreams } from '../../src/data/open-bar-streams.js';
import { writeBarCsv } from '../../src/data/write-bar-csv.js';
import { silentLogger } from '../../src/logging/logger.js';
import { BAD_CSV_CASES } from './bad-csv-cases.js';
import { HEADER } from './csv-fixtures.js';
import { csvTextArbitrary } from './csv-text-arbitrary.js';
import { twoCores } from '../support/cores.js';
import { openBarFiles, settled } from './open-bar-files.js';
import { useTempDir } from './temp-dir.js';

type Row = readonly number[];

/** What a stream delivered: its bars, the error it ended with, the rows it skipped. */
interface Outcome {
  readonly bars: Row[];
  readonly error: string | null;
  readonly skipped: readonly SkippedRow[];
}

function drain(path: string, options: CsvBarStreamOptions): Outcome {
  const bars: Row[] = [];
  let stream: CsvBarStream | undefined;
  try {
    stream = new CsvBarStream(path, 'X', options);
    while (!stream.done) {
      bars.push([stream.time, stream.open, stream.high, stream.low, stream.close, stream.volume]);
      expect(stream.count).toBe(bars.length);
      stream.advance();
    }
    return { bars, error: null, skipped: stream.skipped };
  } catch (error) {
    if (!(error instanceof CsvDataError)) throw error;
    // A stream that failed raises the same error on every later advance.
    if (stream !== undefined) {
      const failed = stream;
      expect(() => {
        failed.advance();
      }).toThrow(error.message);
    }
    return { bars, error: error.message, skipped: stream?.skipped ?? [] };
  } finally {
    stream?.release();
  }
}

/** Bit-for-bit equality of bar lists (toEqual would take 0 and -0 as equal), reporting the first difference. */
function expectSameOutcome(actual: Outcome, expected: Outcome): void {
  expect(actual.error).toBe(expected.error);
  expect(actual.bars.length).toBe(expected.bars.length);
  const i = actual.bars.findIndex((row, k) => row.some((v, f) => !Object.is(v, expected.bars[k]![f])));
  expect(i === -1 ? null : { index: i, actual: actual.bars[i], expected: expected.bars[i] }).toBeNull();
  expect(actual.skipped).toEqual(expected.skipped);
}

/** Waits until the thread takes streams: a stream opened before that parses on its own. */
async function started(thread: CsvReadAhead): Promise<CsvReadAhead> {
  for (let waited = 0; !thread.ready; waited += 10) {
    if (waited > 10_000) throw new Error('the read-ahead thread did not start');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return thread;
}

/** Bar files this process holds open (the threads' own descriptors, which come and go with them, aside). */

const two = (n: number): string => String(n).padStart(2, '0');
/** `count` one-minute rows from 2024-01-02 00:00 (up to 1,440), each as `row(i)` after the stamp. */
function minuteRows(count: number, row: (i: number) => string): string[] {
  return Array.from({ length: count }, (_, i) => `2024-01-02 ${two(Math.floor(i / 60))}:${two(i % 60)}:00,${row(i)}`);
}

describe.skipIf(!twoCores())('CsvReadAhead', () => {
  const dir = useTempDir();
  let thread: CsvReadAhead;
  beforeAll(async () => {
    const startedThread = CsvReadAhead.start({ minBytes: 0 });
    // The thread is built by `npm run build`, which `npm test` runs first.
    expect(startedThread).not.toBeNull();
    thread = await started(startedThread!);
  });
  afterAll(() => {
    thread.close();
  });
  const ahead = (slots: number) => ({ readAhead: { thread, slots } });

  it('streams exactly the bars, errors and skipped rows a stream parsing its own chunks does', () => {
    fc.assert(
      fc.property(
        csvTextArbitrary({ badRowRate: 0.05 }),
        fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constantFrom(97, 4096)),
        fc.boolean(),
        fc.constantFrom(2, 3, 8),
        (text, chunkBytes, skipBadRows, slots) => {
          const path = dir.write('X.csv', text);
          const alone = drain(path, { chunkBytes, skipBadRows });
          expectSameOutcome(drain(path, { chunkBytes, skipBadRows, ...ahead(slots) }), alone);
        },
      ),
      { numRuns: 300 },
    );
  });

  describe('fails with the messages of a stream on its own, after the same bars', () => {
    it.each(BAD_CSV_CASES)('$name', ({ text }) => {
      const path = dir.write('X.csv', text);
      for (const chunkBytes of [1, 7, 40]) {
        expectSameOutcome(drain(path, { chunkBytes, ...ahead(2) }), drain(path, { chunkBytes }));
      }
    });
  });

  it('runs in a thread started beforehand (ThreadShell) as in one of its own', async () => {
    const rows = minuteRows(1440, (i) => (i === 900 ? '1,2,1,x,3' : `${i + 1},${i + 2},${i + 1},${i + 2},9`));
    const path = dir.write('X.csv', `${HEADER}\n${rows.join('\n')}\n`);
    const shell = ThreadShell.start();
    expect(shell).not.toBeNull();
    const inShell = await started(CsvReadAhead.start({ minBytes: 0, shell })!);
    expect(() => shell!.run(path, null, [])).toThrow('a thread shell runs one entry');
    try {
      const stream = new CsvBarStream(path, 'X', { chunkBytes: 2048, readAhead: { thread: inShell, slots: 2 } });
      expect(stream.parsedAhead).toBe(true);
      stream.release();
      const outcome = drain(path, { chunkBytes: 2048, readAhead: { thread: inShell, slots: 2 } });
      expect(outcome.bars).toHaveLength(900);
      expect(outcome.error).toBe(`${path}:902: close is not a number: "x"`);
      expectSameOutcome(outcome, drain(path, { chunkBytes: 2048 }));
    } finally {
      inShell.close();
    }
  });

  it('delivers a chunk of more bars than a slot holds over several slots', () => {
    // A slot is sized from the first row's length: after a long first row, a chunk of short rows overflows it.
    const rows = minuteRows(1200, (i) => (i === 0 ? `1.000000000000000000000,2,1,2,${'9'.repeat(80)}` : '1,2,1,2,3'));
    const path = dir.write('X.csv', `${HEADER}\n${rows.join('\n')}\n`);
    const outcome = drain(path, { chunkBytes: 4096, ...ahead(2) });
    expect(outcome.bars).toHaveLength(1200);
    expectSameOutcome(outcome, drain(path, { chunkBytes: 4096 }));
  });

  it('reads a line longer than the chunk, and a bad row after thousands of good ones', () => {
    const rows = minuteRows(1400, (i) => (i === 700 ? `1,2,1,2,3,${'x'.repeat(9000)}` : '1,2,1,2,3,'));
    const path = dir.write(
      'X.csv',
      `date,open,high,low,close,volume,note\n${rows.join('\n')}\n2024-01-03,1,1,1,x,1,\n`,
    );
    const outcome = drain(path, { chunkBytes: 1024, ...ahead(3) });
    expect(outcome.bars).toHaveLength(1400);
    expect(outcome.error).toBe(`${path}:1402: close is not a number: "x"`);
    expectSameOutcome(outcome, drain(path, { chunkBytes: 1024 }));
  });

  it('keeps the bounds of a run: bars before the start are left out, the first after the end ends it', () => {
    const rows = minuteRows(1440, (i) => `${i + 1},${i + 1},${i + 1},${i + 1},1`);
    const path = dir.write('X.csv', `${HEADER}\n${rows.join('\n')}\n`);
    const bounds = { start: '2024-01-02 03:00:00', end: '2024-01-02 20:00:00', chunkBytes: 512 };
    const outcome = drain(path, { ...bounds, ...ahead(2) });
    expect(outcome.bars).toHaveLength(17 * 60 + 1);
    expectSameOutcome(outcome, drain(path, bounds));
  });

  it('reads on from the file the stream opened, even once its path is gone', () => {
    const rows = minuteRows(1000, () => '1,2,1,2,3');
    const path = dir.write('X.csv', `${HEADER}\n${rows.join('\n')}\n`);
    const stream = new CsvBarStream(path, 'X', { chunkBytes: 256, ...ahead(2) });
    rmSync(path);
    let bars = 0;
    while (!stream.done) {
      bars++;
      stream.advance();
    }
    expect(bars).toBe(1000);
    stream.release();
  });

  it('lets go of every file it holds: released streams, and all of them when it stops', async () => {
    const rows = minuteRows(1000, () => '1,2,1,2,3');
    const paths = ['A', 'B', 'C'].map((name) => dir.write(`${name}.csv`, `${HEADER}\n${rows.join('\n')}\n`));
    const other = await started(CsvReadAhead.start({ minBytes: 0 })!);
    const before = openBarFiles();
    const streams = paths.map(
      (path) => new CsvBarStream(path, 'X', { chunkBytes: 256, readAhead: { thread: other, slots: 2 } }),
    );
    for (let i = 0; i < 10; i++) for (const stream of streams) stream.advance();
    expect(openBarFiles()).toBe(before + 3);
    // The thread closes a file as it reads the message, within a chunk's parsing.
    streams[0]!.release();
    expect(await settled(openBarFiles, before + 2)).toBe(before + 2);
    other.close();
    expect(await settled(openBarFiles, before)).toBe(before);
  });

  it('is used by openBarStreams for a few files of at least its minimum size, not for smaller data', () => {
    const rows = minuteRows(1000, () => '1,2,1,2,3');
    const data = dir.path();
    for (const name of ['A', 'B']) dir.write(`${name}.csv`, `${HEADER}\n${rows.join('\n')}\n`);
    const picky = CsvReadAhead.start({ minBytes: 1 << 30 })!;
    try {
      for (const [readAhead, handedOver] of [
        [picky, 0],
        [thread, 2],
      ] as const) {
        const streams = openBarStreams(data, { chunkBytes: 256, readAhead });
        for (let i = 0; i < 20; i++) for (const stream of streams) stream.advance();
        expect(streams.every((stream) => !stream.done && stream.count === 21)).toBe(true);
        expect(readAhead.parsing).toBe(handedOver);
        expect(streams.filter((stream) => stream.parsedAhead)).toHaveLength(handedOver);
        for (const stream of streams) stream.release();
        expect(readAhead.parsing).toBe(0);
      }
    } finally {
      picky.close();
    }
  });

  it('starts a thread of its own for openBarStreams on 4 MiB or more, which ends when the streams are released', async () => {
    const large = join(dir.path(), 'large');
    mkdirSync(large);
    for (const [symbol, seed] of [
      ['A', 1],
      ['B', 2],
    ] as const) {
      writeBarCsv(join(large, `${symbol}.csv`), generateMinuteSeries({ symbol, bars: 40_000, seed }));
    }
    const before = openBarFiles();
    const streams = openBarStreams(large, { chunkBytes: 4096, readAhead: true });
    // The thread takes the streams over once it is up, while they are read.
    let bars = 0;
    for (let waited = 0; !streams.every((stream) => stream.parsedAhead) && waited < 10_000; waited += 10) {
      for (let i = 0; i < 50; i++) for (const stream of streams) stream.advance();
      bars += 50;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(streams.every((stream) => stream.parsedAhead)).toBe(true);
    for (const stream of streams) {
      for (let count = bars + 1; !stream.done; count++) {
        expect(stream.count).toBe(count);
        stream.advance();
      }
      expect(stream.count).toBe(40_000);
    }
    for (const stream of streams) stream.release();
    expect(await settled(openBarFiles, before)).toBe(before);

    // Below 4 MiB the streams parse their own files.
    const small = join(dir.path(), 'small');
    mkdirSync(small);
    writeBarCsv(join(small, 'A.csv'), generateMinuteSeries({ symbol: 'A', bars: 20_000, seed: 1 }));
    const [alone] = openBarStreams(small, { chunkBytes: 4096, readAhead: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    while (!alone!.done) alone!.advance();
    expect(alone!.parsedAhead).toBe(false);
  });

  it('gives a backtest the very result files of one parsing its own files', () => {
    const data = join(dir.path(), 'data');
    mkdirSync(data);
    writeBarCsv(join(data, 'BENCH.csv'), generateMinuteSeries({ symbol: 'BENCH', bars: 60_000, seed: 7 }));
    const run = (name: string, readAhead?: CsvReadAhead): Record<string, string> => {
      const out = join(dir.path(), name);
      const config = validateConfig({
        backtest: { csv_directory: data, results_directory: out, symbols: ['BENCH'] },
        strategies: { sma_crossover: { enabled: true, params: { fast: 10, slow: 30 } } },
        benchmarking: { symbol: null },
      });
      expect(runBacktestJob(config, silentLogger(), { barThread: readAhead }).filesParsedAhead).toBe(readAhead ? 1 : 0);
      return Object.fromEntries(readdirSync(out).map((file) => [file, readFileSync(join(out, file), 'utf8')]));
    };
    const own = run('own');
    const ahead = run('ahead', thread);
    expect(Object.keys(ahead).sort()).toEqual(Object.keys(own).sort());
    for (const [file, text] of Object.entries(own)) expect(ahead[file], file).toBe(text);
    expect((JSON.parse(own['metrics.json']!) as { trades: number }).trades).toBeGreaterThan(100);
  });
});
