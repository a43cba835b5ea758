import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SeriesFeed } from '../../src/backtest/bar-feed.js';
import { ProgressFeed, type BacktestProgress } from '../../src/backtest/progress-feed.js';
import { backtestProgress } from '../../src/cli/backtest-progress-bar.js';
import { lastRowTime } from '../../src/data/last-row-time.js';
import { generateSampleSeries } from '../../src/data/generate-sample-series.js';
import { parseTime } from '../../src/domain/time.js';

function recorder() {
  const calls: string[] = [];
  const progress: BacktestProgress = {
    start: (from, to) => calls.push(`start ${from} ${typeof to === 'function' ? to() : to}`),
    update: (time, bars) => calls.push(`update ${time} ${bars}`),
    stop: () => calls.push('stop'),
  };
  return { calls, progress };
}

describe('ProgressFeed', () => {
  it('passes every slice through and reports at the 64th slice, then every 4096, with the bars so far', () => {
    const series = generateSampleSeries({ days: 9000, symbols: ['AAA', 'BBB'] });
    const plain = new SeriesFeed(series);
    const { calls, progress } = recorder();
    const watched = new ProgressFeed(new SeriesFeed(series), progress, 123);
    const times: number[] = [];
    while (watched.next()) {
      expect(plain.next()).toBe(true);
      expect([watched.time, watched.size]).toEqual([plain.time, plain.size]);
      expect(watched.event(0)).toEqual(plain.event(0));
      times.push(watched.time);
    }
    expect(plain.next()).toBe(false);
    expect(times).toHaveLength(9000);
    expect(calls).toEqual([
      `start ${times[0]} 123`,
      `update ${times[63]} 128`,
      `update ${times[4159]} 8320`,
      `update ${times[8255]} 16512`,
    ]);
  });
});

describe('lastRowTime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ets-last-row-'));
  it('reads the stamp of the last row from the end of the file', () => {
    const path = join(dir, 'A.csv');
    const rows = Array.from({ length: 500 }, (_, i) => `2020-01-${String((i % 28) + 1).padStart(2, '0')},1,1,1,1,1`);
    writeFileSync(path, `date,open,high,low,close,volume\n${rows.join('\n')}\n2021-03-04 10:30:00,1,1,1,1,1\n\n`);
    expect(lastRowTime(path)).toBe(parseTime('2021-03-04 10:30'));
  });
  it('is NaN for a file without rows, a bad stamp or no file', () => {
    writeFileSync(join(dir, 'B.csv'), 'date,open,high,low,close,volume\n');
    writeFileSync(join(dir, 'C.csv'), 'date,open,high,low,close,volume\nyesterday,1,1,1,1,1\n');
    expect(lastRowTime(join(dir, 'B.csv'))).toBeNaN();
    expect(lastRowTime(join(dir, 'C.csv'))).toBeNaN();
    expect(lastRowTime(join(dir, 'none.csv'))).toBeNaN();
  });
});

/** A logger whose lines are kept, a stream that is no terminal, and a fake clock at 0. */
function offTerminal() {
  vi.useFakeTimers({ now: 0 });
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const stream = Object.assign(new PassThrough(), { isTTY: false });
  return { lines, logger, stream };
}

describe('backtestProgress off a terminal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs a line every ten seconds after the first second, with the share of the time span done', () => {
    const { lines, logger, stream } = offTerminal();
    const progress = backtestProgress(logger, stream);
    const day = 86_400_000;
    progress.start(0, 100 * day);
    progress.update(10 * day, 10);
    vi.setSystemTime(9_000);
    progress.update(20 * day, 20);
    vi.setSystemTime(10_000);
    progress.update(25 * day, 25);
    vi.setSystemTime(15_000);
    progress.update(30 * day, 30);
    vi.setSystemTime(20_500);
    progress.update(50 * day, 50);
    progress.stop();
    expect(lines.map((l) => [l['msg'], l['percent'], l['at'], l['bars']])).toEqual([
      ['backtest progress', 25, '1970-01-26', 25],
      ['backtest progress', 50, '1970-02-20', 50],
    ]);
  });

  it('asks for the end of the data once, when the first line needs it, and not at all for a short run', () => {
    const { lines, logger, stream } = offTerminal();
    const day = 86_400_000;
    let asked = 0;
    const end = () => {
      asked++;
      return 100 * day;
    };
    const short = backtestProgress(logger, stream);
    short.start(0, end);
    short.update(10 * day, 10);
    short.stop();
    expect(asked).toBe(0);
    const long = backtestProgress(logger, stream);
    long.start(0, end);
    vi.setSystemTime(10_000);
    long.update(25 * day, 25);
    vi.setSystemTime(20_000);
    long.update(50 * day, 50);
    long.stop();
    expect(asked).toBe(1);
    expect(lines.map((l) => l['percent'])).toEqual([25, 50]);
  });
});
