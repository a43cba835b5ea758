import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HistoryPacer,
  historyRequestKey,
  IbRequestError,
  isPacingViolation,
  PacingReason,
  type HistoryPacerOptions,
  type PacedRequestKey,
} from '../../../src/adapters/ib/history-pacer.js';
import { SlidingWindowCounter } from '../../../src/adapters/ib/sliding-window-counter.js';

const PACING = 'Historical Market Data Service error message:Historical data request pacing violation';
const NO_DATA = 'Historical Market Data Service error message:HMDS query returned no data: AAPL@SMART Trades';

/** Lets every pending promise callback run (settled attempts resume the pacer through promise handlers). */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface FakeTimer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/** Manual time: `now`, `setTimer` and `clearTimer` to inject; `advance` fires due timers in time order. */
class FakeClock {
  time = 0;
  private timers: FakeTimer[] = [];
  private nextId = 1;

  readonly now = (): number => this.time;

  readonly setTimer = (callback: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.push({ id, at: this.time + Math.max(0, ms), callback });
    return id;
  };

  readonly clearTimer = (timer: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== timer);
  };

  get pending(): number {
    return this.timers.length;
  }

  async advanceTo(end: number): Promise<void> {
    await flush();
    for (let next = this.earliest(); next !== undefined && next.at <= end; next = this.earliest()) {
      await this.fire(next);
    }
    this.time = Math.max(this.time, end);
    await flush();
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.time + ms);
  }

  /** Fires timers until none is left. */
  async runAll(maxTimers = 100_000): Promise<void> {
    await flush();
    for (let fired = 0, next = this.earliest(); next !== undefined; fired++, next = this.earliest()) {
      if (fired >= maxTimers) throw new Error(`more than ${maxTimers} timers`);
      await this.fire(next);
    }
  }

  private earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers)
      if (best === undefined || t.at < best.at || (t.at === best.at && t.id < best.id)) best = t;
    return best;
  }

  private async fire(timer: FakeTimer): Promise<void> {
    this.timers = this.timers.filter((t) => t !== timer);
    this.time = Math.max(this.time, timer.at);
    timer.callback();
    await flush();
  }
}

/** A request whose attempt the test settles by hand. */
interface Manual {
  readonly started: number[];
  resolve(): void;
  reject(error: unknown): void;
}

/** A pacer on a fake clock that records when each labelled attempt starts. */
function setup(options: Partial<HistoryPacerOptions> = {}) {
  const clock = new FakeClock();
  const starts: { label: string; time: number }[] = [];
  const pacer = new HistoryPacer({
    maxOpen: 50,
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    ...options,
  });
  /** Runs a request whose every attempt succeeds at once. */
  const quick = (label: string, key: PacedRequestKey): Promise<string> =>
    pacer.run(key, () => {
      starts.push({ label, time: clock.time });
      return Promise.resolve(label);
    });
  /** Runs a request whose attempts stay open until settled through the returned handle. */
  const manual = (label: string, key: PacedRequestKey): { handle: Manual; result: Promise<string> } => {
    const pending: { resolve?: () => void; reject?: (e: unknown) => void } = {};
    const handle: Manual = {
      started: [],
      resolve: () => {
        pending.resolve!();
      },
      reject: (e) => {
        pending.reject!(e);
      },
    };
    const result = pacer.run(key, () => {
      starts.push({ label, time: clock.time });
      handle.started.push(clock.time);
      return new Promise<string>((resolve, reject) => {
        pending.resolve = () => {
          resolve(label);
        };
        pending.reject = reject;
      });
    });
    return { handle, result };
  };
  const startOf = (label: string): number | undefined => starts.find((s) => s.label === label)?.time;
  return { clock, pacer, starts, quick, manual, startOf };
}

const small = (identity: string, contract = 'AAPL|SMART|TRADES', weight: 1 | 2 = 1): PacedRequestKey => ({
  identityKey: identity,
  contractKey: contract,
  smallBars: true,
  weight,
});
const large = (identity: string, contract = 'AAPL|SMART|TRADES'): PacedRequestKey => ({
  identityKey: identity,
  contractKey: contract,
  smallBars: false,
});

describe('isPacingViolation', () => {
  it('is true for 162 with the pacing text only', () => {
    expect(isPacingViolation(162, PACING)).toBe(true);
    expect(isPacingViolation(162, 'historical data request PACING VIOLATION')).toBe(true);
    expect(isPacingViolation(162, NO_DATA)).toBe(false);
    expect(isPacingViolation(200, PACING)).toBe(false);
    expect(isPacingViolation(420, 'Invalid Real-time Query:Historical data request pacing violation')).toBe(false);
  });

  it('IbRequestError carries the code and its name', () => {
    const error = new IbRequestError(162, PACING);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('IbRequestError');
    expect([error.code, error.message]).toEqual([162, PACING]);
  });
});

describe('historyRequestKey', () => {
  const base = {
    symbol: 'AAPL',
    exchange: 'SMART',
    endDateTime: '',
    duration: '1800 S',
    barSize: '5 secs',
    whatToShow: 'TRADES',
    useRth: true,
  };

  it('applies the small-bar rules to bars of 30 seconds or less', () => {
    for (const barSize of ['1 secs', '5 secs', '10 secs', '15 secs', '30 secs']) {
      expect(historyRequestKey({ ...base, barSize }).smallBars).toBe(true);
    }
    for (const barSize of ['1 min', '2 mins', '5 mins', '1 hour', '1 day', '1 week', '1 month']) {
      expect(historyRequestKey({ ...base, barSize }).smallBars).toBe(false);
    }
    expect(historyRequestKey({ ...base, barSize: 'fortnightly' }).smallBars).toBe(true);
  });

  it('counts BID_ASK twice and keys the contract by symbol, exchange and tick type', () => {
    const trades = historyRequestKey(base);
    const other = historyRequestKey({ ...base, duration: '3600 S', useRth: false, endDateTime: '20240102 16:00:00' });
    const bidAsk = historyRequestKey({ ...base, whatToShow: 'BID_ASK' });
    expect(trades.weight).toBe(1);
    expect(bidAsk.weight).toBe(2);
    expect(other.contractKey).toBe(trades.contractKey);
    expect(other.identityKey).not.toBe(trades.identityKey);
    expect(bidAsk.contractKey).not.toBe(trades.contractKey);
    expect(historyRequestKey({ ...base, exchange: 'ISLAND' }).contractKey).not.toBe(trades.contractKey);
    expect(historyRequestKey({ ...base, useRth: false }).identityKey).not.toBe(trades.identityKey);
    expect(historyRequestKey({ ...base, barSize: '5  SECS' })).toEqual(trades);
  });
});

describe('SlidingWindowCounter', () => {
  it('frees room as the oldest events leave the window', () => {
    const counter = new SlidingWindowCounter(3, 1000);
    counter.record(0);
    counter.record(100, 2);
    expect(counter.earliest(100)).toBe(1000);
    expect(counter.earliest(100, 2)).toBe(1100);
    expect(counter.earliest(100, 3)).toBe(1100);
    expect(counter.earliest(100, 4)).toBe(Infinity);
    expect(counter.total(999)).toBe(3);
    expect(counter.total(1000)).toBe(2);
    expect(counter.isEmpty(1100)).toBe(true);
  });
});

describe('HistoryPacer', () => {
  it('refuses a maxOpen above IB’s 50', () => {
    expect(() => new HistoryPacer({ maxOpen: 51 })).toThrow(RangeError);
    expect(() => new HistoryPacer({ maxOpen: 0 })).toThrow(RangeError);
  });

  it('starts a request allowed by the rules synchronously', () => {
    const { pacer, starts, quick } = setup();
    void quick('a', small('a'));
    expect(starts).toEqual([{ label: 'a', time: 0 }]);
    expect(pacer.stats.open).toBe(1);
  });

  it('waits with the sixth request for one contract within 2 s until the first leaves the window (+100 ms)', async () => {
    const { clock, quick, startOf, pacer } = setup();
    for (let i = 0; i < 5; i++) {
      await clock.advanceTo(i * 100);
      void quick(`r${i}`, small(`r${i}`));
    }
    await clock.advanceTo(500);
    const sixth = quick('r5', small('r5'));
    await clock.advanceTo(2_099);
    expect(startOf('r5')).toBeUndefined();
    expect(pacer.stats.queued).toBe(1);
    await clock.advanceTo(2_100);
    expect(startOf('r5')).toBe(2_100);
    await expect(sixth).resolves.toBe('r5');
    // The seventh fits once the second of the first five has left, 100 ms later.
    void quick('r6', small('r6'));
    await clock.advanceTo(2_199);
    expect(startOf('r6')).toBeUndefined();
    await clock.advanceTo(2_200);
    expect(startOf('r6')).toBe(2_200);
  });

  it('waits with the 61st small-bar request within 10 minutes', async () => {
    const { clock, quick, startOf } = setup();
    for (let i = 0; i < 60; i++) {
      await clock.advanceTo(i * 1_000);
      void quick(`r${i}`, small(`r${i}`, `c${i}`));
    }
    expect(startOf('r59')).toBe(59_000);
    await clock.advanceTo(60_000);
    void quick('r60', small('r60', 'c60'));
    await clock.advanceTo(600_099);
    expect(startOf('r60')).toBeUndefined();
    await clock.advanceTo(600_100);
    expect(startOf('r60')).toBe(600_100);
  });

  it('counts BID_ASK twice in the ten-minute window and keeps FIFO order for the budget', async () => {
    const { clock, quick, startOf } = setup();
    for (let i = 0; i < 29; i++) void quick(`b${i}`, small(`b${i}`, `c${i}`, 2));
    void quick('one', small('one', 'x')); // 58 + 1 = 59
    const bidAsk = quick('two', small('two', 'y', 2)); // 61: waits
    void quick('later', small('later', 'z')); // would fit (60) but must not pass the waiting BID_ASK
    await clock.advance(1);
    expect(startOf('one')).toBe(0);
    expect(startOf('two')).toBeUndefined();
    expect(startOf('later')).toBeUndefined();
    await clock.advanceTo(600_100);
    await bidAsk;
    expect(startOf('two')).toBe(600_100);
    expect(startOf('later')).toBe(600_100);
  });

  it('holds an identical small-bar request back 15 s, and only that one', async () => {
    const { clock, quick, startOf } = setup();
    void quick('first', small('same'));
    void quick('twin', small('same'));
    void quick('sibling', small('other'));
    await clock.advance(1);
    expect(startOf('sibling')).toBe(0);
    await clock.advanceTo(15_099);
    expect(startOf('twin')).toBeUndefined();
    await clock.advanceTo(15_100);
    expect(startOf('twin')).toBe(15_100);
  });

  it('limits large bars ("1 day", "5 mins") only by maxOpen', async () => {
    const { clock, quick, manual, starts, pacer } = setup({ maxOpen: 3 });
    for (let i = 0; i < 100; i++) void quick(`d${i}`, large('same-daily-request'));
    await clock.advance(0);
    expect(starts).toHaveLength(100);
    expect(starts.every((s) => s.time === 0)).toBe(true);
    const open = ['a', 'b', 'c', 'd'].map((label) => manual(label, large(`5 mins ${label}`)));
    expect(pacer.stats).toMatchObject({ open: 3, queued: 1 });
    await clock.advance(10_000);
    expect(open[3]!.handle.started).toEqual([]);
    open[1]!.handle.resolve();
    await clock.advance(0);
    expect(open[3]!.handle.started).toEqual([10_000]);
    expect(pacer.stats.open).toBe(3);
  });

  it('starts queued requests in arrival order', async () => {
    const { clock, manual, starts } = setup({ maxOpen: 1 });
    const requests = ['a', 'b', 'c', 'd', 'e'].map((label, i) => manual(label, large(label, `c${i}`)));
    for (const r of requests) {
      await clock.advance(10);
      r.handle.resolve();
    }
    await Promise.all(requests.map((r) => r.result));
    expect(starts.map((s) => s.label)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('counts a request in its contract’s 2 s window from its answer: IB saw it arrive no later than that', async () => {
    const { clock, manual, quick, startOf } = setup();
    // Five requests sent at 0, answered at 700 ms (a busy socket): IB may have counted them as late as that.
    const open = Array.from({ length: 5 }, (_, i) => manual(`r${i}`, small(`r${i}`)));
    await clock.advanceTo(300);
    const sixth = quick('r5', small('r5'));
    await clock.advanceTo(700);
    for (const { handle } of open) handle.resolve();
    await clock.advanceTo(2_799);
    expect(startOf('r5')).toBeUndefined();
    await clock.advanceTo(2_800);
    expect(startOf('r5')).toBe(2_800);
    await expect(sixth).resolves.toBe('r5');
    await Promise.all(open.map(({ result }) => result));
  });

  it('does not let one contract’s 2 s budget block other contracts', async () => {
    const { clock, quick, startOf, pacer } = setup();
    for (let i = 0; i < 7; i++) void quick(`x${i}`, small(`x${i}`, 'X'));
    for (let i = 0; i < 5; i++) void quick(`y${i}`, small(`y${i}`, 'Y'));
    await clock.advance(0);
    expect(startOf('x4')).toBe(0);
    expect(startOf('y4')).toBe(0);
    expect(pacer.stats.queued).toBe(2);
    await clock.advanceTo(2_100);
    expect([startOf('x5'), startOf('x6')]).toEqual([2_100, 2_100]);
  });

  it('retries a pacing 162 with doubling, capped backoff, then gives up', async () => {
    const retries: { attempt: number; delayMs: number }[] = [];
    const { clock, manual } = setup({
      retries: 4,
      initialBackoffMs: 1_000,
      maxBackoffMs: 3_000,
      onRetry: ({ attempt, delayMs }) => retries.push({ attempt, delayMs }),
    });
    const { handle, result } = manual('daily', large('daily'));
    const outcome = result.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    for (let i = 0; i < 5; i++) {
      await clock.advance(0);
      handle.reject(new IbRequestError(162, PACING));
      await clock.advance(5_000);
    }
    expect(retries).toEqual([
      { attempt: 1, delayMs: 1_000 },
      { attempt: 2, delayMs: 2_000 },
      { attempt: 3, delayMs: 3_000 },
      { attempt: 4, delayMs: 3_000 },
    ]);
    expect(handle.started).toEqual([0, 1_000, 7_000, 13_000, 18_000]);
    const error = await outcome;
    expect(error).toBeInstanceOf(IbRequestError);
    expect((error as IbRequestError).message).toBe(PACING);
  });

  it('retries with the default backoff 2 s, 4 s, 8 s and resolves with the successful attempt', async () => {
    const { clock, manual, pacer } = setup();
    const { handle, result } = manual('daily', large('daily'));
    for (let i = 0; i < 3; i++) {
      await clock.advance(0);
      handle.reject(new IbRequestError(162, PACING));
      await clock.advance(0);
      await clock.advance(2_000 * 2 ** i);
    }
    handle.resolve();
    await expect(result).resolves.toBe('daily');
    expect(handle.started).toEqual([0, 2_000, 6_000, 14_000]);
    expect(pacer.stats).toMatchObject({ started: 4, retried: 3, open: 0, queued: 0 });
  });

  it('still applies the rules to a retry: an identical small-bar retry waits out the 15 s', async () => {
    const { clock, manual } = setup();
    const { handle, result } = manual('fine', small('fine'));
    await clock.advance(0);
    handle.reject(new IbRequestError(162, PACING));
    await clock.advanceTo(15_099);
    expect(handle.started).toEqual([0]);
    await clock.advanceTo(15_100);
    expect(handle.started).toEqual([0, 15_100]);
    handle.resolve();
    await expect(result).resolves.toBe('fine');
  });

  it('does not retry "no data" 162, other codes or other errors', async () => {
    for (const error of [new IbRequestError(162, NO_DATA), new IbRequestError(200, 'No security'), new Error('x')]) {
      const { clock, manual, pacer } = setup();
      const { handle, result } = manual('r', large('r'));
      const outcome = result.catch((e: unknown) => e);
      handle.reject(error);
      await clock.advance(0);
      expect(await outcome).toBe(error);
      expect(handle.started).toHaveLength(1);
      expect(pacer.stats.retried).toBe(0);
    }
  });

  it('turns an attempt that throws into a rejection', async () => {
    const { pacer } = setup();
    const boom = new Error('boom');
    await expect(
      pacer.run(large('x'), () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(pacer.stats.open).toBe(0);
  });

  it('reports waits with their reason and estimate, and the longest wait', async () => {
    const waits: { waitMs: number; reason: string }[] = [];
    const { clock, quick, pacer } = setup({ onWait: ({ waitMs, reason }) => waits.push({ waitMs, reason }) });
    void quick('a', small('same'));
    void quick('b', small('same'));
    await clock.advanceTo(15_100);
    expect(waits).toEqual([{ waitMs: 15_100, reason: PacingReason.Identical }]);
    expect(pacer.stats.longestWaitMs).toBe(15_100);
  });

  it('cancelQueued rejects what waits, lets open requests finish and does not retry them', async () => {
    const { clock, manual, pacer } = setup({ maxOpen: 1 });
    const open = manual('open', large('open'));
    const waiting = manual('waiting', large('waiting'));
    const shutdown = new Error('shutting down');
    pacer.cancelQueued(shutdown);
    await expect(waiting.result).rejects.toBe(shutdown);
    expect(waiting.handle.started).toEqual([]);
    expect(clock.pending).toBe(0);
    const refused = new IbRequestError(162, PACING);
    open.handle.reject(refused);
    await expect(open.result).rejects.toBe(refused);
    expect(pacer.stats).toMatchObject({ open: 0, queued: 0, retried: 0 });
    // Still usable afterwards (a new connection).
    const again = manual('again', large('again'));
    again.handle.resolve();
    await expect(again.result).resolves.toBe('again');
  });

  it('never breaks a rule and starts every request, for random request streams', async () => {
    // Bursts (many requests at once), a few contracts and enough identities per contract to reach every limit.
    const request = fc.record({
      gapMs: fc.oneof(
        { arbitrary: fc.constant(0), weight: 4 },
        { arbitrary: fc.integer({ min: 0, max: 1_000 }), weight: 3 },
        { arbitrary: fc.integer({ min: 0, max: 60_000 }), weight: 1 },
      ),
      contract: fc.integer({ min: 0, max: 2 }),
      identity: fc.integer({ min: 0, max: 11 }),
      smallBars: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
      bidAsk: fc.boolean(),
      durationMs: fc.integer({ min: 0, max: 4_000 }),
      refusals: fc.integer({ min: 0, max: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50 }),
        fc.array(request, { minLength: 1, maxLength: 160, size: 'max' }),
        async (maxOpen, stream) => {
          const clock = new FakeClock();
          let pacerTimers = 0;
          let mostPacerTimers = 0;
          const pacer = new HistoryPacer({
            maxOpen,
            now: clock.now,
            setTimer: (callback, ms) => {
              pacerTimers++;
              mostPacerTimers = Math.max(mostPacerTimers, pacerTimers);
              return clock.setTimer(() => {
                pacerTimers--;
                callback();
              }, ms);
            },
            clearTimer: (timer) => {
              pacerTimers--;
              clock.clearTimer(timer);
            },
          });
          const starts: { time: number; key: PacedRequestKey }[] = [];
          let open = 0;
          let mostOpen = 0;
          let settled = 0;
          let at = 0;
          for (const r of stream) {
            at += r.gapMs;
            const key: PacedRequestKey = {
              identityKey: `${r.contract}/${r.identity}/${r.smallBars}/${r.bidAsk}`,
              contractKey: `${r.contract}/${r.bidAsk}`,
              smallBars: r.smallBars,
              weight: r.bidAsk ? 2 : 1,
            };
            let refusals = r.refusals;
            clock.setTimer(() => {
              void pacer
                .run(key, () => {
                  open++;
                  mostOpen = Math.max(mostOpen, open);
                  starts.push({ time: clock.time, key });
                  return new Promise<void>((resolve, reject) => {
                    clock.setTimer(() => {
                      open--;
                      if (refusals-- > 0) reject(new IbRequestError(162, PACING));
                      else resolve();
                    }, r.durationMs);
                  });
                })
                .then(() => settled++);
            }, at);
          }
          await clock.runAll();
          expect(settled).toBe(stream.length);
          expect(mostOpen).toBeLessThanOrEqual(maxOpen);
          expect(mostPacerTimers).toBeLessThanOrEqual(1);
          const smallStarts = starts.filter((s) => s.key.smallBars);
          for (const [i, s] of smallStarts.entries()) {
            const before = smallStarts.slice(0, i);
            const weight = (list: typeof before): number => list.reduce((sum, b) => sum + (b.key.weight ?? 1), 0);
            const identical = before.filter((b) => b.key.identityKey === s.key.identityKey);
            expect(identical.every((b) => s.time - b.time >= 15_000)).toBe(true);
            const sameContract = before.filter(
              (b) => b.key.contractKey === s.key.contractKey && s.time - b.time < 2_000,
            );
            expect(weight(sameContract) + (s.key.weight ?? 1)).toBeLessThanOrEqual(5);
            const tenMinutes = before.filter((b) => s.time - b.time < 600_000);
            expect(weight(tenMinutes) + (s.key.weight ?? 1)).toBeLessThanOrEqual(60);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
