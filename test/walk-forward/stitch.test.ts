import { describe, expect, it } from 'vitest';
import type { EvaluationResult } from '../../src/optimize/evaluation-job.js';
import type { PerformanceMetrics } from '../../src/performance/metrics.js';
import { dayEnds, stitchWindows } from '../../src/walk-forward/stitch.js';

const DAY = 86_400_000;

function run(start: number, equity: readonly number[]): EvaluationResult {
  const time = equity.map((_, i) => start + i * DAY);
  return { metrics: {} as PerformanceMetrics, time, equity, trades: [] };
}

describe('stitchWindows', () => {
  it('keeps a window that made nothing exactly at the level it started from', () => {
    // After these two windows, 100,000 × (level ÷ 100,000) is the level less an ulp: a flat third window then counted
    // as profitable (or losing) by 1.5e-11.
    const curve = stitchWindows(
      100_000,
      [run(0, [103_379.93]), run(DAY, [98_355.2]), run(2 * DAY, [100_000, 100_000]), null],
      [[], [], [], [5 * DAY, 6 * DAY]],
    );
    const level = curve.windowEnds[1]!;
    expect(100_000 * (level / 100_000)).not.toBe(level);
    expect(curve.windowEnds.slice(2)).toEqual([level, level]);
    expect(curve.equity.slice(2)).toEqual([level, level, level, level]);
    expect(curve.window).toEqual([0, 1, 2, 2, 3, 3]);
    expect(curve.time.slice(4)).toEqual([5 * DAY, 6 * DAY]);
  });

  it('puts a day of a cash window at its last bar time, as a traded window has its points', () => {
    const t = [DAY + 100, DAY + 200, 2 * DAY + 100, 3 * DAY + 50, 3 * DAY + 60];
    expect(dayEnds(t, 0, 5)).toEqual([DAY + 200, 2 * DAY + 100, 3 * DAY + 60]);
    expect(dayEnds(t, 1, 4)).toEqual([DAY + 200, 2 * DAY + 100, 3 * DAY + 50]);
  });
});
