import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isWeekend } from '../../src/data/civil-date.js';
import { FETCH_MANIFEST_NAME } from '../../src/data/fetch-manifest.js';
import { parseHistoryDuration } from '../../src/data/history-chunk-plan.js';
import {
  downloadHistory,
  HistoryDownloadError,
  type HistoryChunkRequest,
  type HistoryDownloadRequest,
  type HistorySource,
} from '../../src/data/history-download.js';
import { formatBarCsv } from '../../src/data/write-bar-csv.js';
import { BarSeriesBuilder } from '../../src/data/bar-series-builder.js';
import type { Bar } from '../../src/domain/bar.js';
import { parseBarSize } from '../../src/domain/bar-size.js';
import { dayNumber, formatTime, MS_PER_DAY, parseTime } from '../../src/domain/time.js';
import { useTempDir } from './temp-dir.js';

const FIVE_MINUTES = parseBarSize('5 mins')!;
const OPEN = 9.5 * 3_600_000;
const CLOSE = 16 * 3_600_000;

/** Deterministic five-minute session bars of a symbol in [from, to). */
function sessionBars(symbol: string, from: number, to: number): Bar[] {
  const bars: Bar[] = [];
  const seed = symbol.charCodeAt(0);
  for (let day = dayNumber(from); day <= dayNumber(to - 1); day++) {
    if (isWeekend(day)) continue;
    for (let ms = OPEN; ms < CLOSE; ms += FIVE_MINUTES.ms) {
      const time = day * MS_PER_DAY + ms;
      if (time < from || time >= to) continue;
      const price = 50 + seed / 10 + ((time / FIVE_MINUTES.ms) % 97) / 8;
      bars.push({
        symbol,
        time,
        open: price,
        high: price + 0.5,
        low: price - 0.25,
        close: price + 0.125,
        volume: 1000,
      });
    }
  }
  return bars;
}

function csv(bars: readonly Bar[]): string {
  const builder = new BarSeriesBuilder(bars[0]?.symbol ?? 'X');
  for (const b of bars) builder.push(b.time, b.open, b.high, b.low, b.close, b.volume);
  return formatBarCsv(builder.build()).toString('latin1');
}

const SPAN: Record<string, number> = { '1 W': 7 * MS_PER_DAY };

/**
 * A source serving sessionBars, and a day more than each request asks for (as IB does around session-counted
 * durations), so that seams overlap; records requests and fails the `failAt`-th one.
 */
class FakeSource implements HistorySource {
  readonly requests: HistoryChunkRequest[] = [];

  constructor(
    private readonly nowTime: number,
    private readonly failAt = Infinity,
    private readonly empty: ReadonlySet<string> = new Set(),
  ) {}

  now(): Promise<number> {
    return Promise.resolve(this.nowTime);
  }

  fetch(request: HistoryChunkRequest): Promise<Bar[]> {
    this.requests.push(request);
    if (this.requests.length === this.failAt) return Promise.reject(new Error('HMDS query timed out (162)'));
    if (this.empty.has(request.symbol)) return Promise.resolve([]);
    const from = request.end - SPAN[request.duration]! - MS_PER_DAY;
    return Promise.resolve(sessionBars(request.symbol, from, request.end));
  }
}

const END = parseTime('2024-01-17 12:00');

function request(directory: string, overrides: Partial<HistoryDownloadRequest> = {}): HistoryDownloadRequest {
  return {
    directory,
    symbols: ['AAA', 'BBB'],
    barSize: FIVE_MINUTES,
    duration: parseHistoryDuration('2 W')!,
    end: { time: END, text: '2024-01-17 12:00' },
    whatToShow: 'TRADES',
    useRth: true,
    concurrency: 1,
    ...overrides,
  };
}

const expected = (symbol: string, weeks = 2, end = END): string =>
  csv(sessionBars(symbol, end - weeks * 7 * MS_PER_DAY, end));

function manifest(dir: string): Record<string, { status: string; chunksDone: number; resolvedEnd: string }> {
  return (JSON.parse(readFileSync(join(dir, FETCH_MANIFEST_NAME), 'utf8')) as { symbols: never }).symbols;
}

describe('downloadHistory', () => {
  const temp = useTempDir();

  it('writes every bar exactly once across overlapping chunk answers, oldest chunk first', async () => {
    const dir = temp.path();
    const source = new FakeSource(END);
    const result = await downloadHistory(source, request(dir, { concurrency: 4 }));
    for (const symbol of ['AAA', 'BBB'])
      expect(readFileSync(join(dir, `${symbol}.csv`), 'latin1')).toBe(expected(symbol));
    expect(result.symbols.map((s) => [s.symbol, s.status, s.bars, s.chunks, s.fetched])).toEqual([
      ['AAA', 'written', 10 * 78, 3, 3],
      ['BBB', 'written', 10 * 78, 3, 3],
    ]);
    expect(result.requests).toBe(6);
    const aaa = source.requests.filter((r) => r.symbol === 'AAA').map((r) => formatTime(r.end));
    expect(aaa).toEqual(['2024-01-10', '2024-01-17', '2024-01-17 12:00:00']);
    expect(existsSync(join(dir, 'AAA.csv.partial'))).toBe(false);
    expect(manifest(dir).AAA!.status).toBe('complete');
  });

  it('keeps the chunks done before a failure and fetches only the rest on the next run', async () => {
    const dir = temp.path();
    const error: unknown = await downloadHistory(new FakeSource(END, 3), request(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryDownloadError);
    expect((error as Error).message).toBe(
      'AAA failed at request 3 of 3 (2024-01-17 to 2024-01-17 12:00:00): HMDS query timed out (162)',
    );
    // No file with the final name until the symbol is complete.
    expect(existsSync(join(dir, 'AAA.csv'))).toBe(false);
    expect(existsSync(join(dir, 'AAA.csv.partial'))).toBe(true);
    expect(manifest(dir).AAA).toMatchObject({ status: 'partial', chunksDone: 2 });
    // A chunk cut short by the crash left rows past the recorded length: they are dropped.
    appendFileSync(join(dir, 'AAA.csv.partial'), '2024-01-17 09:30:00,1,2,0.5,1');

    const again = new FakeSource(END);
    const result = await downloadHistory(again, request(dir));
    expect(again.requests.map((r) => `${r.symbol} ${formatTime(r.end)}`)).toEqual([
      'AAA 2024-01-17 12:00:00',
      'BBB 2024-01-10',
      'BBB 2024-01-17',
      'BBB 2024-01-17 12:00:00',
    ]);
    expect(result.symbols.map((s) => s.fetched)).toEqual([1, 3]);
    for (const symbol of ['AAA', 'BBB'])
      expect(readFileSync(join(dir, `${symbol}.csv`), 'latin1')).toBe(expected(symbol));
  });

  it('skips symbols already complete for the same request', async () => {
    const dir = temp.path();
    await downloadHistory(new FakeSource(END), request(dir));
    const again = new FakeSource(END);
    const result = await downloadHistory(again, request(dir));
    expect(again.requests).toEqual([]);
    expect(result.symbols.map((s) => s.status)).toEqual(['skipped', 'skipped']);
    expect(result.symbols[0]!.path).toBe(join(dir, 'AAA.csv'));
  });

  it('without an end, finishes an interrupted run to its end, and later runs go to the new now', async () => {
    const dir = temp.path();
    const noEnd = (): HistoryDownloadRequest => {
      const { end: _end, ...rest } = request(dir);
      return rest;
    };
    await expect(downloadHistory(new FakeSource(END, 2), noEnd())).rejects.toThrow(HistoryDownloadError);
    const later = END + 2 * MS_PER_DAY;
    const resumed = new FakeSource(later);
    const result = await downloadHistory(resumed, noEnd());
    expect(formatTime(result.end)).toBe('2024-01-17 12:00:00');
    expect(resumed.requests).toHaveLength(2 + 3);
    expect(readFileSync(join(dir, 'AAA.csv'), 'latin1')).toBe(expected('AAA'));

    const refreshed = new FakeSource(later);
    const fresh = await downloadHistory(refreshed, noEnd());
    expect(formatTime(fresh.end)).toBe('2024-01-19 12:00:00');
    expect(refreshed.requests.length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'AAA.csv'), 'latin1')).toBe(expected('AAA', 2, later));
  });

  it('takes an end still in the future as the source’s now', async () => {
    const dir = temp.path();
    const future = request(dir, { end: { time: END + 30 * MS_PER_DAY, text: '2024-02-16' } });
    const result = await downloadHistory(new FakeSource(END), future);
    expect(formatTime(result.end)).toBe('2024-01-17 12:00:00');
    expect(readFileSync(join(dir, 'AAA.csv'), 'latin1')).toBe(expected('AAA'));
    const later = new FakeSource(END + MS_PER_DAY);
    const again = await downloadHistory(later, future);
    expect(formatTime(again.end)).toBe('2024-01-18 12:00:00');
    expect(later.requests.length).toBeGreaterThan(0);
  });

  it('keeps an older complete file while a changed request is incomplete', async () => {
    const dir = temp.path();
    await downloadHistory(new FakeSource(END), request(dir));
    const threeWeeks = request(dir, { duration: parseHistoryDuration('3 W')! });
    await expect(downloadHistory(new FakeSource(END, 2), threeWeeks)).rejects.toThrow(HistoryDownloadError);
    expect(readFileSync(join(dir, 'AAA.csv'), 'latin1')).toBe(expected('AAA'));
    expect(manifest(dir).AAA).toMatchObject({ status: 'partial', chunksDone: 1 });
    await downloadHistory(new FakeSource(END), threeWeeks);
    expect(readFileSync(join(dir, 'AAA.csv'), 'latin1')).toBe(expected('AAA', 3));
  });

  it('completes a symbol without bars without writing a file', async () => {
    const dir = temp.path();
    const result = await downloadHistory(new FakeSource(END, Infinity, new Set(['BBB'])), request(dir));
    expect(result.symbols.map((s) => [s.symbol, s.status, s.bars, s.path])).toEqual([
      ['AAA', 'written', 780, join(dir, 'AAA.csv')],
      ['BBB', 'empty', 0, undefined],
    ]);
    expect(existsSync(join(dir, 'BBB.csv'))).toBe(false);
    expect(existsSync(join(dir, 'BBB.csv.partial'))).toBe(false);
  });

  it('leaves a file already there as it was when a request brings no bars', async () => {
    const dir = temp.path();
    await downloadHistory(new FakeSource(END), request(dir));
    // A later request for a span without trading (a weekend, a holiday) must not take the years fetched before.
    const weekend = request(dir, { duration: parseHistoryDuration('2 D')!, end: { time: END, text: 'weekend' } });
    const result = await downloadHistory(new FakeSource(END, Infinity, new Set(['AAA', 'BBB'])), weekend);
    expect(result.symbols.map((s) => s.status)).toEqual(['empty', 'empty']);
    expect(readFileSync(join(dir, 'AAA.csv'), 'latin1')).toBe(expected('AAA'));
    expect(readFileSync(join(dir, 'BBB.csv'), 'latin1')).toBe(expected('BBB'));
  });

  it('reports the plan and every chunk to the progress display', async () => {
    const dir = temp.path();
    const events: string[] = [];
    await downloadHistory(new FakeSource(END), request(dir, { symbols: ['AAA'] }), {
      planned: (plan) => events.push(`plan ${plan.symbols.map((s) => `${s.symbol} ${s.done}/${s.chunks}`).join()}`),
      chunkDone: (e) => events.push(`${e.symbol} ${e.done}/${e.chunks} +${e.bars} =${e.symbolBars}`),
      symbolDone: (r) => events.push(`${r.symbol} ${r.status}`),
    });
    expect(events).toEqual([
      'plan AAA 0/3',
      'AAA 1/3 +360 =360',
      'AAA 2/3 +390 =750',
      'AAA 3/3 +30 =780',
      'AAA written',
    ]);
  });
});
