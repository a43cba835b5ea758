import type { EvaluationResult } from '../optimize/evaluation-job.js';

export interface StitchedCurve {
  readonly time: number[];
  readonly equity: number[];
  /** The window each point belongs to. */
  readonly window: number[];
  /** Stitched equity at the end of each window (the start value before the first). */
  readonly windowEnds: number[];
}

/**
 * The out-of-sample windows chained into one account: each window was traded from the initial capital, so its
 * curve is scaled by the stitched equity at its start ÷ the initial capital (compounding from window to window).
 * A window without a chosen set (nothing qualified) holds cash: it adds no points and leaves the equity unchanged.
 */
export function stitchWindows(initial: number, windows: readonly (EvaluationResult | null)[]): StitchedCurve {
  const curve: StitchedCurve = { time: [], equity: [], window: [], windowEnds: [] };
  let level = initial;
  windows.forEach((result, w) => {
    if (result !== null) {
      const scale = level / initial;
      for (let i = 0; i < result.time.length; i++) {
        curve.time.push(result.time[i]!);
        curve.equity.push(result.equity[i]! * scale);
        curve.window.push(w);
      }
      if (result.equity.length > 0) level = result.equity[result.equity.length - 1]! * scale;
    }
    curve.windowEnds.push(level);
  });
  return curve;
}
