import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBacktestJob } from '../../src/backtest/backtest-job.js';
import { MergedFeed } from '../../src/backtest/merged-feed.js';
import { resolveBarFiles } from '../../src/data/bar-files.js';
import { validateConfig } from '../../src/config/load-config.js';
import { CsvBarStream } from '../../src/data/csv-bar-stream.js';
import { generateMinuteSeries } from '../../src/data/generate-minute-series.js';
import { generateSampleSeries } from '../../src/data/generate-sample-series.js';
import { MergedBarsThread } from '../../src/data/merged-bars-thread.js';
import { writeBarCsv } from '../../src/data/write-bar-csv.js';
import { silentLogger } from '../../src/logging/logger.js';
import { backtestReportPage } from '../../src/report/backtest-report.js';
import { PeriodKeys } from '../../src/report/candle-buckets.js';
import { CandleReloadThread } from '../../src/report/candle-reload-thread.js';
import { SymbolCandles } from '../../src/report/symbol-candles.js';
import { useTempDir } from '../data/temp-dir.js';
import { twoCores } from '../support/cores.js';

/** A symbol's candles as the report gathers them when it reads the file itself. */
function candlesHere(path: string, cap: number, range: { start?: string; end?: string } = {}) {
  const chart = new SymbolCandles('X');
  const keys = new PeriodKeys();
  const stream = new CsvBarStream(path, 'X', { ...range, skipBadRows: false });
  while (!stream.done) {
    keys.set(stream.time);
    chart.add(keys, stream, cap);
    stream.advance();
  }
  stream.release();
  return chart.state();
}

describe.runIf(twoCores())('CandleReloadThread', () => {
  const dir = useTempDir();

  it("gathers a symbol's candles from its file as the report would, and nothing for a file it cannot read", () => {
    const minutes = join(dir.path(), 'MIN.csv');
    writeBarCsv(minutes, generateMinuteSeries({ symbol: 'MIN', bars: 6_000, seed: 3 }));
    const days = join(dir.path(), 'DAY.csv');
    writeBarCsv(days, generateSampleSeries({ symbols: ['DAY'], days: 600, seed: 4 })[0]!);
    const range = { start: '2020-01-03', end: '2021-06-30' };
    const paths = new Map([
      ['MIN', minutes],
      ['DAY', days],
      ['GONE', join(dir.path(), 'GONE.csv')],
    ]);
    const thread = CandleReloadThread.start(paths, { ...range, skipBadRows: false });
    expect(thread).not.toBeNull();
    try {
      thread!.request('GONE', 100);
      thread!.request('MIN', 24_000);
      thread!.request('DAY', 40);
      thread!.request('NONE', 40);
      // in any order, each once

      expect(thread!.take('DAY')).toEqual(candlesHere(days, 40, range));
      expect(thread!.take('MIN')).toEqual(candlesHere(minutes, 24_000, range));
      expect(thread!.take('MIN')).toBeNull();
      expect(thread!.take('GONE')).toBeNull();
      expect(thread!.take('NONE')).toBeNull();
    } finally {
      thread!.close();
    }
  });

  it('has the merging thread gather the same candles in its idle time, past the end of the data and its feed', () => {
    const data = join(dir.path(), 'merged');
    writeBarCsv(join(data, 'MIN.csv'), generateMinuteSeries({ symbol: 'MIN', bars: 60_000, seed: 5 }));
    const symbols = Array.from({ length: 9 }, (_, i) => `D${i}`);
    for (const series of generateSampleSeries({ symbols, days: 900, seed: 6 })) {
      writeBarCsv(join(data, `${series.symbol}.csv`), series);
    }
    const range = { start: '2020-01-03', end: '2021-12-30' };
    // A ring that holds a few slices: the thread waits for room, and answers requests meanwhile.
    const thread = MergedBarsThread.start(resolveBarFiles(data), range, 1 << 10)!;
    thread.open();
    const feed = new MergedFeed(thread);
    const ahead = feed.candlesAhead();
    try {
      ahead.request('MIN', 24_000);
      ahead.request('D3', 40);
      ahead.request('NONE', 40);
      for (let i = 0; i < 100; i++) expect(feed.next()).toBe(true);
      ahead.request('D7', 40);
      // past the end of the data, the feed closed (as a backtest closes it before its report)
      while (feed.next());
      feed.close();
      ahead.request('D0', 10);
      expect(ahead.take('D7')).toEqual(candlesHere(join(data, 'D7.csv'), 40, range));
      expect(ahead.take('MIN')).toEqual(candlesHere(join(data, 'MIN.csv'), 24_000, range));
      expect(ahead.take('D3')).toEqual(candlesHere(join(data, 'D3.csv'), 40, range));
      expect(ahead.take('D0')).toEqual(candlesHere(join(data, 'D0.csv'), 10, range));
      expect(ahead.take('NONE')).toBeNull();
    } finally {
      ahead.close();
    }
    // let go of, the thread stops: nothing more is answered
    ahead.request('D1', 40);
    expect(ahead.take('D1')).toBeNull();
  });

  it('gives nothing once closed, at once', () => {
    const path = join(dir.path(), 'MIN.csv');
    writeBarCsv(path, generateMinuteSeries({ symbol: 'MIN', bars: 200_000, seed: 3 }));
    const thread = CandleReloadThread.start(new Map([['MIN', path]]), { skipBadRows: false })!;
    thread.request('MIN', 1_000);
    thread.close();
    const started = performance.now();
    expect(thread.take('MIN')).toBeNull();
    expect(performance.now() - started).toBeLessThan(100);
  });

  it("draws the same page of a run on many symbols as the report reading the traded symbols' files itself", () => {
    const data = join(dir.path(), 'data');
    const symbols = Array.from({ length: 24 }, (_, i) => `S${String(i).padStart(2, '0')}`);
    for (const series of generateSampleSeries({ symbols, days: 800, seed: 11 })) {
      writeBarCsv(join(data, `${series.symbol}.csv`), series);
    }
    const run = (name: string, candlesAhead: boolean, merging = false): Record<string, string> => {
      const out = join(dir.path(), name);
      const config = validateConfig({
        backtest: { csv_directory: data, results_directory: out, strategy: 'sma_crossover' },
        strategies: { sma_crossover: { enabled: true, params: { fast: 5, slow: 20 } } },
        logging: { directory: join(dir.path(), 'logs'), console: false },
        benchmarking: { symbol: null },
      });
      runBacktestJob(config, silentLogger(), {
        candlesAhead,
        // The run's files hold too little for a merging thread of their own: one given is used.
        barThread: merging ? (MergedBarsThread.start(resolveBarFiles(data, symbols), {}) ?? false) : false,
        page: (job, write) => {
          backtestReportPage(config, job, write);
        },
      });
      // the page says when it was written
      const text = (file: string) => readFileSync(join(out, file), 'utf8').replace(/written [\d-]+ [\d:]+ UTC/, '');
      const files: Record<string, string> = Object.fromEntries(readdirSync(out).map((file) => [file, text(file)]));
      rmSync(out, { recursive: true });
      return files;
    };
    const itself = run('itself', false);
    for (const ahead of [run('ahead', true), run('merging', true, true)]) {
      expect(Object.keys(ahead).sort()).toEqual(Object.keys(itself).sort());
      for (const [file, text] of Object.entries(itself)) expect(ahead[file], file).toBe(text);
    }
    // many symbols traded, each drawn with candles
    const traded = new Set(
      itself['trades.csv']!.trim()
        .split('\n')
        .slice(1)
        .map((row) => row.split(',')[0]),
    );
    expect(traded.size).toBeGreaterThan(10);
    expect(itself['report.html']!.match(/"symbol":"S\d\d"/g)?.length).toBe(traded.size);
  });
});
