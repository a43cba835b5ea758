import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/domain/bar.js';
import { runWalkForward, type WalkForwardOptions } from '../../src/walk-forward/run-walk-forward.js';
import { plainConfig, studyOptions, waveSeries, writeSeries } from './wfa-fixture.js';

/** The series with every bar from `from` on scaled by a factor that changes bar by bar (times untouched). */
function scrambledAfter(s: BarSeries, from: number): BarSeries {
  const scale = (column: Float64Array) =>
    column.map((x, i) => (i < from ? x : Math.round(x * (0.7 + (0.6 * ((i * 7919) % 101)) / 101) * 100) / 100));
  const open = scale(s.open);
  const close = scale(s.close);
  return {
    ...s,
    open,
    close,
    high: close.map((c, i) => (i < from ? s.high[i]! : Math.max(c, open[i]!) + 0.5)),
    low: close.map((c, i) => (i < from ? s.low[i]! : Math.min(c, open[i]!) - 0.5)),
  };
}

describe('walk-forward has no look-ahead', () => {
  it("keeps a window's chosen parameters and OOS trades when every bar after its OOS end changes", async () => {
    const a = waveSeries('AAA', 700, [30, 30, 60, 150, 45, 90, 120], 100);
    const b = waveSeries('BBB', 700, [50, 80, 30, 100, 60, 40, 70], 100, 1.3);
    const options: WalkForwardOptions = {
      ...studyOptions({ fast: [3, 5, 8], slow: [10, 20, 30] }, { objective: 'sharpe' }),
      mode: 'rolling',
      inSample: { unit: 'bars', count: 200 },
      outOfSample: { unit: 'bars', count: 100 },
      step: { unit: 'bars', count: 100 },
    };
    const original = await runWalkForward(plainConfig(writeSeries([a, b]), ['AAA', 'BBB']), options);
    // Window 2's out-of-sample part ends at bar 400: everything from bar 400 on is altered.
    const altered = await runWalkForward(
      plainConfig(writeSeries([scrambledAfter(a, 400), scrambledAfter(b, 400)]), ['AAA', 'BBB']),
      options,
    );
    expect(original.windows).toHaveLength(5);
    for (const k of [0, 1]) {
      const before = original.windows[k]!;
      const after = altered.windows[k]!;
      expect(after.bounds).toEqual(before.bounds);
      expect(after.selection.best).toBe(before.selection.best);
      expect(after.selection.candidates.map((c) => c.objective)).toEqual(
        before.selection.candidates.map((c) => c.objective),
      );
      expect(after.oos!.trades).toEqual(before.oos!.trades);
      expect(after.oos!.equity).toEqual(before.oos!.equity);
      expect(before.oos!.trades.length).toBeGreaterThan(0);
    }
    // The alteration does reach the later windows: the test can tell.
    const later = (o: typeof original) => o.windows.slice(2).map((w) => w.oos?.equity);
    expect(later(altered)).not.toEqual(later(original));
  });
});
