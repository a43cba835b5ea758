import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/data/seeded-random.js';
import { subdivideBar, SynthesisScratch, type ParentBar } from '../../../src/gateway/market/bar-synthesizer.js';
import { DayBars } from '../../../src/gateway/market/day-bars.js';

const cents = (x: number): number => Math.round(x * 100) / 100;

/** A valid parent bar: low ≤ open, close ≤ high, whole-share volume. */
const parentBar = fc
  .record({
    a: fc.integer({ min: 100, max: 50_000 }),
    b: fc.integer({ min: 100, max: 50_000 }),
    up: fc.integer({ min: 0, max: 3_000 }),
    down: fc.integer({ min: 0, max: 3_000 }),
    volume: fc.integer({ min: 0, max: 50_000_000 }),
  })
  .map(({ a, b, up, down, volume }): ParentBar => {
    const open = a / 100;
    const close = b / 100;
    return {
      open,
      close,
      high: cents(Math.max(open, close) + up / 100),
      low: Math.max(0.01, cents(Math.min(open, close) - down / 100)),
      volume,
    };
  });

describe('bar synthesizer', () => {
  it('subdivides a bar into sub-bars that aggregate back to it exactly and never leave its range', () => {
    fc.assert(
      fc.property(parentBar, fc.integer({ min: 1, max: 600 }), fc.integer(), (parent, count, seed) => {
        const out = new DayBars('T', 0, count);
        subdivideBar(parent, count, 1_000, 5_000, new SeededRandom(seed), 'session', out, 0, new SynthesisScratch());
        let high = Number.NEGATIVE_INFINITY;
        let low = Number.POSITIVE_INFINITY;
        let volume = 0;
        for (let i = 0; i < count; i++) {
          expect(out.time[i]).toBe(1_000 + i * 5_000);
          expect(out.low[i]!).toBeLessThanOrEqual(Math.min(out.open[i]!, out.close[i]!));
          expect(out.high[i]!).toBeGreaterThanOrEqual(Math.max(out.open[i]!, out.close[i]!));
          expect(out.low[i]!).toBeGreaterThanOrEqual(parent.low);
          expect(out.high[i]!).toBeLessThanOrEqual(parent.high);
          expect(Number.isInteger(out.volume[i]) && out.volume[i]! >= 0).toBe(true);
          if (i > 0) expect(out.open[i]).toBe(out.close[i - 1]);
          high = Math.max(high, out.high[i]!);
          low = Math.min(low, out.low[i]!);
          volume += out.volume[i]!;
        }
        expect([out.open[0], out.close[count - 1], high, low, volume]).toEqual([
          parent.open,
          parent.close,
          parent.high,
          parent.low,
          parent.volume,
        ]);
      }),
    );
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const parent = { open: 100, high: 103, low: 98, close: 101, volume: 1_000_000 };
    const run = (seed: number): number[] => {
      const out = new DayBars('T', 0, 100);
      subdivideBar(parent, 100, 0, 5_000, new SeededRandom(seed, 'T:1'), 'session', out, 0, new SynthesisScratch());
      return [...out.close];
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it('puts more volume at the open and close of a session than at midday', () => {
    const parent = { open: 50, high: 52, low: 49, close: 51, volume: 46_800_000 };
    const out = new DayBars('T', 0, 4680);
    subdivideBar(parent, 4680, 0, 5_000, new SeededRandom(3), 'session', out, 0, new SynthesisScratch());
    const sum = (from: number, to: number): number => out.volume.slice(from, to).reduce((s, v) => s + v, 0);
    expect(sum(0, 360)).toBeGreaterThan(2 * sum(2160, 2520));
    expect(sum(4320, 4680)).toBeGreaterThan(1.5 * sum(2160, 2520));
  });
});
