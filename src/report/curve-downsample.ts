import type { PerformanceSeries } from './performance-series.js';

/** Curves of up to this many points (some 24 years of sessions) are drawn whole. */
export const FULL_CURVE_POINTS = 6_000;
/** Longer ones are cut into this many stretches of equal length, each drawn by at most four points. */
const CURVE_BUCKETS = 1_000;

/**
 * The indices a long curve is drawn by: per stretch, where the equity is lowest and highest and where the drawdown
 * is deepest and shallowest, in time order, and the first and last point. A chart a thousand pixels wide shows no
 * more than that, and the troughs and peaks stay where they were: the deepest drawdown and the extremes of the
 * equity are on the chart exactly.
 */
export function curveIndices(equity: readonly number[], drawdown: readonly number[]): number[] {
  const n = equity.length;
  const kept: number[] = [0];
  for (let b = 0; b < CURVE_BUCKETS; b++) {
    const from = Math.floor((b * n) / CURVE_BUCKETS);
    const to = Math.floor(((b + 1) * n) / CURVE_BUCKETS);
    if (to <= from) continue;
    let lowE = from;
    let highE = from;
    let lowD = from;
    let highD = from;
    for (let i = from + 1; i < to; i++) {
      if (equity[i]! < equity[lowE]!) lowE = i;
      if (equity[i]! > equity[highE]!) highE = i;
      if (drawdown[i]! < drawdown[lowD]!) lowD = i;
      if (drawdown[i]! > drawdown[highD]!) highD = i;
    }
    const picks = [...new Set([lowE, highE, lowD, highD])].sort((a, b) => a - b);
    for (const i of picks) if (i > kept[kept.length - 1]!) kept.push(i);
  }
  if (kept[kept.length - 1] !== n - 1) kept.push(n - 1);
  return kept;
}

/** A series of more than FULL_CURVE_POINTS points reduced to the points of curveIndices; shorter ones as they are. */
export function downsampleSeries(series: PerformanceSeries): PerformanceSeries {
  if (series.time.length <= FULL_CURVE_POINTS) return series;
  const indices = curveIndices(series.equity, series.drawdown);
  const pick = <T>(values: readonly T[]): T[] => indices.map((i) => values[i]!);
  return {
    ...series,
    time: pick(series.time),
    equity: pick(series.equity),
    benchmark: series.benchmark === null ? null : pick(series.benchmark),
    drawdown: pick(series.drawdown),
    rollingSharpe: pick(series.rollingSharpe),
    rollingVolatility: pick(series.rollingVolatility),
  };
}
