import { dayNumber } from '../domain/time.js';
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
 * A window without a chosen set (nothing qualified) holds cash: the equity stays where it was on each of its days
 * (`cashDays[w]`, the times its curve would have had), so that its days count in the returns, volatility and
 * annualisation like any other's.
 */
export function stitchWindows(
  initial: number,
  windows: readonly (EvaluationResult | null)[],
  cashDays: readonly (readonly number[])[],
): StitchedCurve {
  const curve: StitchedCurve = { time: [], equity: [], window: [], windowEnds: [] };
  let level = initial;
  windows.forEach((result, w) => {
    if (result === null) {
      for (const time of cashDays[w] ?? []) {
        curve.time.push(time);
        curve.equity.push(level);
        curve.window.push(w);
      }
    } else {
      // level × (E / initial) rather than E × (level / initial): a window that stayed at the initial capital then
      // stays exactly at the level, where the other order left it an ulp off, and counted as a profitable window.
      const start = level;
      for (let i = 0; i < result.time.length; i++) {
        curve.time.push(result.time[i]!);
        curve.equity.push(start * (result.equity[i]! / initial));
        curve.window.push(w);
      }
      if (result.equity.length > 0) level = start * (result.equity[result.equity.length - 1]! / initial);
    }
    curve.windowEnds.push(level);
  });
  return curve;
}

/** The last time of each day among `timeline[start..end)`: where a window's daily curve has its points. */
export function dayEnds(timeline: ArrayLike<number>, start: number, end: number): number[] {
  const ends: number[] = [];
  for (let i = start; i < end; i++) {
    if (i + 1 === end || dayNumber(timeline[i + 1]!) !== dayNumber(timeline[i]!)) ends.push(timeline[i]!);
  }
  return ends;
}

/**
 * A window's trade as the stitched account counts it: its P&L and commission at the scale of the window's curve (see
 * stitchWindows), so that the trades add up to the stitched profit. Prices and quantities stay as traded.
 */
export function scaledTrade<T extends { readonly pnl: number; readonly commission: number }>(
  trade: T,
  scale: number,
): T {
  return scale === 1 ? trade : { ...trade, pnl: trade.pnl * scale, commission: trade.commission * scale };
}
