import { EventName } from '@stoqey/ib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HISTORY_TIMEOUT_CODE,
  HistoricalBarError,
  IbHistoricalData,
  type HistoricalBarsRequest,
} from '../../../src/adapters/ib/historical-data.js';
import { HistoryPacer, IbRequestError } from '../../../src/adapters/ib/history-pacer.js';
import type { IbClient } from '../../../src/adapters/ib/ib-client.js';
import { testIbClient } from './test-ib-client.js';
import type { ContractSpec } from '../../../src/adapters/ib/qualified-contract.js';
import { generateSampleSeries } from '../../../src/data/generate-sample-series.js';
import type { Bar } from '../../../src/domain/bar.js';
import { parseBarSize } from '../../../src/domain/bar-size.js';
import { formatDate, formatTime, MS_PER_DAY, parseTime } from '../../../src/domain/time.js';
import { Gateway } from '../../../src/gateway/gateway.js';
import { DEFAULT_SYNTHETIC_DAYS, DEFAULT_SYNTHETIC_START } from '../../../src/gateway/market/data-source.js';
import { aggregateBars } from '../../../src/gateway/market/historical-bars.js';
import { FakeIbClient } from './fake-ib-client.js';

const DAILY = parseBarSize('1 day')!;
const FIVE_MINUTES = parseBarSize('5 mins')!;
const FIVE_SECONDS = parseBarSize('5 secs')!;

/** The synthetic daily bars the gateway serves (seed 7), generated independently of it. */
function sourceDaily(symbol: string): Map<string, readonly number[]> {
  const [series] = generateSampleSeries({
    symbols: [symbol],
    seed: 7,
    start: DEFAULT_SYNTHETIC_START,
    days: DEFAULT_SYNTHETIC_DAYS,
  });
  const bars = new Map<string, readonly number[]>();
  for (let i = 0; i < series!.length; i++) {
    bars.set(formatDate(series!.time[i]!), [
      series!.open[i]!,
      series!.high[i]!,
      series!.low[i]!,
      series!.close[i]!,
      series!.volume[i]!,
    ]);
  }
  return bars;
}

const ohlcv = (b: Bar): number[] => [b.open, b.high, b.low, b.close, b.volume];

describe('IbHistoricalData against the embedded gateway', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  interface Setup {
    readonly gateway: Gateway;
    readonly client: IbClient;
    readonly contract: (symbol: string) => ContractSpec;
    readonly request: (symbol: string, overrides: Partial<HistoricalBarsRequest>) => HistoricalBarsRequest;
  }

  async function setup(start = '2021-08-02 09:30:00'): Promise<Setup> {
    const gateway = await Gateway.start({ port: 0, clockMode: 'manual', start, seed: 7, symbols: ['AAPL', 'MSFT'] });
    cleanup.push(() => gateway.stop());
    const client = testIbClient(gateway.port);
    cleanup.push(() => {
      client.disconnect();
    });
    await client.connect();
    const contract = (symbol: string): ContractSpec => {
      const listed = gateway.registry.bySymbolName(symbol);
      return {
        conId: listed?.conId ?? 0,
        symbol,
        secType: 'STK',
        exchange: 'SMART',
        primaryExch: listed?.primaryExchange ?? '',
        currency: 'USD',
      };
    };
    return {
      gateway,
      client,
      contract,
      request: (symbol, overrides) => ({
        contract: contract(symbol),
        symbol,
        endDateTime: '',
        duration: '1 D',
        barSize: DAILY,
        whatToShow: 'TRADES',
        useRth: true,
        timeoutMs: 5000,
        ...overrides,
      }),
    };
  }

  const pacer = (): HistoryPacer => new HistoryPacer({ maxOpen: 10 });

  it('returns daily bars stamped at midnight, exactly as the source has them', async () => {
    const { client, request } = await setup();
    const bars = await new IbHistoricalData(client, pacer()).fetch(request('AAPL', { duration: '30 D' }));
    expect(bars).toHaveLength(30);
    // The replay day's session has not begun at 09:30: the last bar is the previous Friday.
    expect(formatTime(bars.at(-1)!.time)).toBe('2021-07-30');
    const source = sourceDaily('AAPL');
    for (const bar of bars) {
      expect(bar.symbol).toBe('AAPL');
      expect(bar.time % MS_PER_DAY).toBe(0);
      expect(ohlcv(bar)).toEqual(source.get(formatTime(bar.time)));
    }
  });

  it('returns five-minute bars in New York time, summer and winter, equal to the gateway’s store', async () => {
    const { gateway, client, request } = await setup();
    const history = new IbHistoricalData(client, pacer());
    for (const [day, end] of [
      ['2021-07-16', '20210716 16:00:00 US/Eastern'],
      ['2021-02-16', '20210216 16:00:00 US/Eastern'],
    ] as const) {
      const bars = await history.fetch(request('MSFT', { endDateTime: end, barSize: FIVE_MINUTES }));
      expect(bars).toHaveLength(78);
      expect(formatTime(bars[0]!.time)).toBe(`${day} 09:30:00`);
      expect(formatTime(bars.at(-1)!.time)).toBe(`${day} 15:55:00`);
      const dayStart = parseTime(day);
      const stored = aggregateBars(
        gateway.store,
        'MSFT',
        dayStart,
        dayStart + 16 * 3_600_000,
        { kind: 'seconds', seconds: 300 },
        true,
      );
      expect(bars.map((b) => [b.time, ...ohlcv(b)])).toEqual(
        stored.map((b) => [b.time, b.open, b.high, b.low, b.close, b.volume]),
      );
      const [open, high, low, close, volume] = sourceDaily('MSFT').get(day)!;
      expect([bars[0]!.open, bars.at(-1)!.close]).toEqual([open, close]);
      expect(Math.max(...bars.map((b) => b.high))).toBe(high);
      expect(Math.min(...bars.map((b) => b.low))).toBe(low);
      expect(bars.reduce((sum, b) => sum + b.volume, 0)).toBe(volume);
    }
  });

  it('gives quote bars a volume of zero instead of IB’s −1', async () => {
    const { client, request } = await setup();
    const bars = await new IbHistoricalData(client, pacer()).fetch(
      request('AAPL', {
        endDateTime: '20210716 10:00:00 US/Eastern',
        duration: '1800 S',
        barSize: FIVE_MINUTES,
        whatToShow: 'MIDPOINT',
      }),
    );
    expect(bars).toHaveLength(6);
    expect(bars.every((b) => b.volume === 0)).toBe(true);
  });

  it('resolves with no bars when the range has none (162 "no data")', async () => {
    const { client, request } = await setup();
    const bars = await new IbHistoricalData(client, pacer()).fetch(
      request('AAPL', { endDateTime: '20210718 12:00:00 US/Eastern', duration: '3600 S', barSize: FIVE_SECONDS }),
    );
    expect(bars).toEqual([]);
  });

  it('rejects an unknown contract with IB’s error 200', async () => {
    const { client, request } = await setup();
    const error: unknown = await new IbHistoricalData(client, pacer())
      .fetch(request('NOPE', {}))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IbRequestError);
    expect((error as IbRequestError).code).toBe(200);
    expect((error as Error).message).toBe('NOPE: No security definition has been found for the request (200)');
  });

  it('keeps to the pacing rules: eight five-second requests for one contract all succeed', async () => {
    const { client, request } = await setup();
    const paced = pacer();
    const history = new IbHistoricalData(client, paced);
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        history.fetch(
          request('MSFT', {
            endDateTime: `20210716 10:${String(i).padStart(2, '0')}:00 US/Eastern`,
            duration: '60 S',
            barSize: FIVE_SECONDS,
          }),
        ),
      ),
    );
    expect(answers.map((a) => a.length)).toEqual(Array(8).fill(12));
    expect(paced.stats.retried).toBe(0);
    // The sixth request waits for the first to leave the two-second window.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('retries a request the gateway refuses for pacing (162) until it is accepted', async () => {
    const { client, request } = await setup();
    const fiveSeconds = (minute: number) =>
      request('MSFT', {
        endDateTime: `20210716 11:${String(minute).padStart(2, '0')}:00 US/Eastern`,
        duration: '60 S',
        barSize: FIVE_SECONDS,
      });
    // Another client of the same TWS (here, another pacer) has just used the contract's budget.
    const others = new IbHistoricalData(client, pacer());
    await Promise.all([0, 1, 2, 3, 4].map((m) => others.fetch(fiveSeconds(m))));
    const retrying = new HistoryPacer({ maxOpen: 10, initialBackoffMs: 400, retries: 8 });
    const bars = await new IbHistoricalData(client, retrying).fetch(fiveSeconds(5));
    expect(bars).toHaveLength(12);
    expect(retrying.stats.retried).toBeGreaterThanOrEqual(1);
  });

  it('times out, cancels the request and says so', async () => {
    const { gateway, client, request } = await setup();
    gateway.faults.delayResponses(1500);
    const error: unknown = await new IbHistoricalData(client, pacer())
      .fetch(request('AAPL', { timeoutMs: 200, duration: '5 D', endDateTime: '20210716 16:00:00 US/Eastern' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IbRequestError);
    expect((error as IbRequestError).code).toBe(HISTORY_TIMEOUT_CODE);
    expect((error as Error).message).toBe(
      'AAPL: no answer to a history request (1 day bars, 5 D to 20210716 16:00:00 US/Eastern) within 0.2 s',
    );
  });
});

describe('IbHistoricalData on recorded answers', () => {
  const contract: ContractSpec = {
    conId: 1,
    symbol: 'AAA',
    secType: 'STK',
    exchange: 'SMART',
    primaryExch: 'NYSE',
    currency: 'USD',
  };
  const request: HistoricalBarsRequest = {
    contract,
    symbol: 'AAA',
    endDateTime: '',
    duration: '1 D',
    barSize: FIVE_MINUTES,
    whatToShow: 'TRADES',
    useRth: true,
    timeoutMs: 5000,
  };
  /** Epoch seconds (formatDate 2) of a UTC time. */
  const stamp = (utc: string): string => String(parseTime(utc) / 1000);

  async function answer(rows: [string, number, number, number, number, number][]): Promise<unknown> {
    const fake = new FakeIbClient();
    const result = new IbHistoricalData(fake.client, new HistoryPacer({ maxOpen: 1 })).fetch(request);
    await Promise.resolve();
    const reqId = fake.lastRequestId('reqHistoricalData');
    const sent = fake.sent.find(([method]) => method === 'reqHistoricalData')!;
    // formatDate 2 (epoch seconds) and no keepUpToDate.
    expect(sent.slice(8)).toEqual([2, false]);
    for (const row of rows) fake.emit(EventName.historicalData, reqId, ...row, 10, 0);
    fake.emit(EventName.historicalData, reqId, 'finished-20240105-20240106', -1, -1, -1, -1, -1, -1, -1);
    return result.then(
      (bars) => bars,
      (e: unknown) => ({ error: e, cancelled: fake.sent.some(([m]) => m === 'cancelHistoricalData') }),
    );
  }

  it('collects rows until the end marker', async () => {
    const bars = (await answer([
      [stamp('2024-01-05 14:30'), 10, 11, 9, 10.5, 100],
      [stamp('2024-01-05 14:35'), 10.5, 10.5, 10, 10, 200],
    ])) as Bar[];
    expect(bars.map((b) => formatTime(b.time))).toEqual(['2024-01-05 09:30:00', '2024-01-05 09:35:00']);
  });

  it.each([
    ['high below low', [10, 9, 11, 10, 1], 'AAA 2024-01-05 09:30:00: high 9 is below low 11'],
    ['a zero price', [0, 11, 9, 10, 1], 'AAA 2024-01-05 09:30:00: open 0 is not a positive price'],
    ['close above high', [10, 11, 9, 12, 1], 'AAA 2024-01-05 09:30:00: close 12 is outside low 9 – high 11'],
    ['negative volume', [10, 11, 9, 10, -5], 'AAA 2024-01-05 09:30:00: volume -5 is negative'],
  ] as const)(
    'refuses a bar with %s, naming symbol and time, and cancels the request',
    async (_name, values, message) => {
      const outcome = (await answer([[stamp('2024-01-05 14:30'), ...values]])) as { error: Error; cancelled: boolean };
      expect(outcome.error).toBeInstanceOf(HistoricalBarError);
      expect(outcome.error.message).toBe(message);
      expect(outcome.cancelled).toBe(true);
    },
  );

  it('fails on a 162 that is not about an empty range (no permissions), rather than returning no bars', async () => {
    const fake = new FakeIbClient();
    const result = new IbHistoricalData(fake.client, new HistoryPacer({ maxOpen: 1 })).fetch(request);
    await Promise.resolve();
    const message = 'Historical Market Data Service error message:No market data permissions for NYSE STK';
    fake.error(fake.lastRequestId('reqHistoricalData'), 162, message);
    const error: unknown = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IbRequestError);
    expect((error as IbRequestError).code).toBe(162);
    expect((error as Error).message).toBe(`AAA: ${message} (162)`);
  });

  it('refuses bars out of order and stamps that are not times', async () => {
    const backwards = (await answer([
      [stamp('2024-01-05 14:35'), 10, 11, 9, 10, 1],
      [stamp('2024-01-05 14:30'), 10, 11, 9, 10, 1],
    ])) as { error: Error };
    expect(backwards.error.message).toBe(
      'AAA 2024-01-05 09:30:00: bar does not follow the previous one (2024-01-05 09:35:00)',
    );
    const garbage = (await answer([['yesterday', 10, 11, 9, 10, 1]])) as { error: Error };
    expect(garbage.error.message).toBe('AAA: IB sent a bar stamped "yesterday", which is not a time');
  });
});
