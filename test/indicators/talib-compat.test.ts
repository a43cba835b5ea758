import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateMinuteSeries } from '../../src/data/generate-minute-series.js';
import { generateSampleSeries } from '../../src/data/generate-sample-series.js';
import { loadBarFile } from '../../src/data/load-bar-file.js';
import type { BarSeries } from '../../src/domain/bar.js';
import { Atr } from '../../src/indicators/atr.js';
import { Ema } from '../../src/indicators/ema.js';
import { Rsi } from '../../src/indicators/rsi.js';
import { Sma } from '../../src/indicators/sma.js';
import { TrueRange } from '../../src/indicators/true-range.js';
import { HAS_SHARED_DATA, SHARED_DAILY_DIR, sharedDataTitle } from '../data/shared-data.js';

interface TalibResult {
  readonly begIndex: number;
  readonly nbElement: number;
  readonly result: { readonly outReal: readonly number[] };
}

interface Talib {
  execute(request: Record<string, unknown>): TalibResult;
}

const talib = createRequire(import.meta.url)('talib') as Talib;
const TOLERANCE = 1e-9;
const PERIODS = [2, 5, 10, 14, 30, 200];

/** TA-Lib's output spread over the input's indices (NaN before its first value). */
function reference(name: string, series: BarSeries, period: number): Float64Array {
  const n = series.length;
  const { begIndex, nbElement, result } = talib.execute({
    name,
    startIdx: 0,
    endIdx: n - 1,
    inReal: Array.from(series.close),
    high: Array.from(series.high),
    low: Array.from(series.low),
    close: Array.from(series.close),
    optInTimePeriod: period,
  });
  const out = new Float64Array(n).fill(Number.NaN);
  for (let j = 0; j < nbElement; j++) out[begIndex + j] = result.outReal[j]!;
  return out;
}

type Update = (high: number, low: number, close: number) => number;

/** Ours, by TA-Lib's name: a fresh indicator of the period, fed one bar per call. */
const OURS: Readonly<Record<string, (period: number) => Update>> = {
  SMA: (period) => {
    const sma = new Sma(period);
    return (_high, _low, close) => sma.update(close);
  },
  EMA: (period) => {
    const ema = new Ema(period);
    return (_high, _low, close) => ema.update(close);
  },
  RSI: (period) => {
    const rsi = new Rsi(period);
    return (_high, _low, close) => rsi.update(close);
  },
  ATR: (period) => {
    const atr = new Atr(period);
    return (high, low, close) => atr.update(high, low, close);
  },
  TRANGE: () => {
    const tr = new TrueRange();
    return (high, low, close) => tr.update(high, low, close);
  },
};

/** Ours over the whole series, one update per bar. */
function ours(name: string, series: BarSeries, period: number): Float64Array {
  const update = OURS[name]!(period);
  const { high, low, close } = series;
  return Float64Array.from({ length: series.length }, (_, i) => update(high[i]!, low[i]!, close[i]!));
}

/** Where ours and TA-Lib's first disagree (warm-up NaNs included), or null. */
function firstDifference(name: string, series: BarSeries, period: number): string | null {
  const expected = reference(name, series, period);
  const actual = ours(name, series, period);
  if (!expected.some((v) => !Number.isNaN(v))) return `${name}(${period}): TA-Lib gave no values`;
  for (let i = 0; i < series.length; i++) {
    const [e, a] = [expected[i]!, actual[i]!];
    const same = Number.isNaN(e) ? Number.isNaN(a) : Math.abs(a - e) <= TOLERANCE;
    if (!same) return `${series.symbol} ${name}(${period}) at ${i}: ours ${a}, TA-Lib ${e}`;
  }
  return null;
}

function checkAll(series: BarSeries): void {
  for (const name of ['SMA', 'EMA', 'RSI', 'ATR']) {
    for (const period of PERIODS) expect(firstDifference(name, series, period)).toBeNull();
  }
  expect(firstDifference('ATR', series, 1)).toBeNull();
  expect(firstDifference('TRANGE', series, 1)).toBeNull();
}

describe.skipIf(!HAS_SHARED_DATA)(sharedDataTitle('indicators equal TA-Lib on real daily bars'), () => {
  it.each(['ORCL', 'NVDA'])('%s', (symbol) => {
    checkAll(loadBarFile(join(SHARED_DAILY_DIR, `${symbol}.csv`), symbol).series);
  });
});

describe('indicators equal TA-Lib on synthetic bars', () => {
  it.each(generateSampleSeries({ days: 1500 }).map((s) => [s.symbol, s] as const))('%s daily', (_, series) => {
    checkAll(series);
  });

  it('minute bars, including flat stretches', () => {
    const series = generateMinuteSeries({ symbol: 'SYNM', bars: 5000, seed: 11 });
    const close = series.close.slice();
    // A flat run drives RSI's gain + loss to zero: TA-Lib gives 0 there, not NaN.
    close.fill(close[1000]!, 1000, 1100);
    checkAll({
      ...series,
      close,
      high: series.high.map((h, i) => Math.max(h, close[i]!)),
      low: series.low.map((l, i) => Math.min(l, close[i]!)),
    });
  });
});
