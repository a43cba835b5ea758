import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageRateLimiter } from '../../src/execution/message-rate-limiter.js';

/** Manual time with synchronous timers (the pacer sends from timer callbacks, no promises involved). */
class FakeClock {
  time = 0;
  private timers: { id: number; at: number; callback: () => void }[] = [];
  private nextId = 1;
  readonly now = (): number => this.time;
  readonly setTimer = (callback: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.push({ id, at: this.time + ms, callback });
    return id;
  };
  readonly clearTimer = (timer: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== timer);
  };

  get pending(): number {
    return this.timers.length;
  }

  advanceTo(end: number): void {
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = Math.max(this.time, end);
  }
}

/** IB's real-time-bar limit (60 new requests in 10 minutes) with the 100 ms margin the live node adds. */
function setup(options: { max?: number; windowMs?: number } = {}) {
  const clock = new FakeClock();
  const pacer = new MessageRateLimiter({
    max: 60,
    windowMs: 600_100,
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    ...options,
  });
  const sent: { label: string; time: number }[] = [];
  const request = (label: string): void => {
    pacer.send(() => sent.push({ label, time: clock.time }));
  };
  return { clock, pacer, sent, request };
}

describe('MessageRateLimiter', () => {
  it('sends 60 messages at once and the 61st when the first leaves the window (IB’s real-time bar limit, +100 ms)', () => {
    const { clock, pacer, sent, request } = setup();
    for (let i = 0; i < 60; i++) {
      clock.advanceTo(i * 1_000);
      request(`r${i}`);
    }
    expect(sent.map((s) => s.time)).toEqual(Array.from({ length: 60 }, (_, i) => i * 1_000));
    request('r60');
    request('r61');
    expect(pacer.queued).toBe(2);
    expect(clock.pending).toBe(1);
    clock.advanceTo(600_099);
    expect(sent).toHaveLength(60);
    clock.advanceTo(600_100);
    expect(sent.at(-1)).toEqual({ label: 'r60', time: 600_100 });
    clock.advanceTo(601_099);
    expect(sent).toHaveLength(61);
    clock.advanceTo(601_100);
    expect(sent.at(-1)).toEqual({ label: 'r61', time: 601_100 });
    expect(pacer.queued).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('keeps FIFO order: a request never passes one that waits', () => {
    const { clock, sent, request } = setup({ max: 2, windowMs: 1_000 });
    request('a');
    request('b');
    request('c');
    clock.advanceTo(500);
    request('d');
    clock.advanceTo(1_000);
    expect(sent.map((s) => s.label)).toEqual(['a', 'b', 'c', 'd']);
    expect(sent.map((s) => s.time)).toEqual([0, 0, 1_000, 1_000]);
  });

  it('clear drops waiting messages and the timer', () => {
    const { clock, pacer, sent, request } = setup({ max: 1, windowMs: 1_000 });
    request('a');
    request('b');
    request('c');
    expect(pacer.clear()).toBe(2);
    expect(pacer.queued).toBe(0);
    expect(clock.pending).toBe(0);
    clock.advanceTo(5_000);
    expect(sent.map((s) => s.label)).toEqual(['a']);
    request('d');
    expect(sent.at(-1)).toEqual({ label: 'd', time: 5_000 });
  });

  it('queues a request made from inside a send behind those already waiting', () => {
    const { clock, pacer, sent } = setup({ max: 1, windowMs: 1_000 });
    const send = (label: string) => (): void => {
      sent.push({ label, time: clock.time });
    };
    pacer.send(send('x'));
    pacer.send(() => {
      send('a')();
      pacer.send(send('nested'));
    });
    pacer.send(send('b'));
    clock.advanceTo(5_000);
    expect(sent).toEqual([
      { label: 'x', time: 0 },
      { label: 'a', time: 1_000 },
      { label: 'b', time: 2_000 },
      { label: 'nested', time: 3_000 },
    ]);
  });

  it('never sends more than 60 within any 10 minutes and sends everything, for random streams', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            { arbitrary: fc.constant(0), weight: 5 },
            { arbitrary: fc.integer({ min: 0, max: 10_000 }), weight: 5 },
            { arbitrary: fc.integer({ min: 0, max: 120_000 }), weight: 1 },
          ),
          { minLength: 1, maxLength: 200, size: 'max' },
        ),
        (gaps) => {
          const { clock, sent, request } = setup();
          let at = 0;
          for (const [i, gap] of gaps.entries()) {
            at += gap;
            clock.advanceTo(at);
            request(`r${i}`);
          }
          clock.advanceTo(at + 10 * 600_100);
          expect(sent.map((s) => s.label)).toEqual(gaps.map((_, i) => `r${i}`));
          for (const [i, s] of sent.entries()) {
            expect(sent.slice(0, i).filter((b) => s.time - b.time < 600_000).length).toBeLessThan(60);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
