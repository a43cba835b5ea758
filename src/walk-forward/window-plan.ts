import { lowerBound } from '../data/slice-bar-series.js';
import { OptimizeConfigError } from '../optimize/optimize-error.js';

/** A window length: a number of bars of the merged timeline, or a calendar length. */
export type WindowLength =
  { readonly unit: 'bars'; readonly count: number } | { readonly unit: 'D' | 'W' | 'M' | 'Y'; readonly count: number };

export type WalkForwardMode = 'rolling' | 'anchored';

/** How far consecutive windows may overlap from their boundaries' moves alone (weekends, holidays, month ends). */
const MAX_BOUNDARY_OVERLAP_MS = 7 * 86_400_000;

/** One walk-forward window as index ranges [start, end) of the timeline. */
export interface PlannedWindow {
  readonly isStart: number;
  readonly isEnd: number;
  readonly oosStart: number;
  readonly oosEnd: number;
}

/** A length as the user wrote it: `126 bars`, `6M`. */
function lengthText(length: WindowLength): string {
  return length.unit === 'bars' ? `${length.count} bars` : `${length.count}${length.unit}`;
}

/** A length in the unit it compares in: weeks as days, years as months (bars and the rest as they are). */
function comparable(length: WindowLength): { unit: string; count: number } {
  if (length.unit === 'W') return { unit: 'D', count: 7 * length.count };
  if (length.unit === 'Y') return { unit: 'M', count: 12 * length.count };
  return length;
}

function stepTooShort(step: WindowLength, outOfSample: WindowLength): OptimizeConfigError {
  return new OptimizeConfigError(
    `the walk-forward step (${lengthText(step)}) is shorter than the out-of-sample window ` +
      `(${lengthText(outOfSample)}): consecutive out-of-sample windows would overlap and count their days twice ` +
      'in the stitched result; use a step at least as long as the out-of-sample window (the default)',
  );
}

export function parseLength(text: string): WindowLength {
  const match = /^([1-9]\d{0,3})([DWMY])$/.exec(text);
  if (match === null) throw new OptimizeConfigError(`window length ${text}: expected bars or 2Y, 6M, 13W, 30D`);
  return { unit: match[2] as 'D' | 'W' | 'M' | 'Y', count: Number(match[1]) };
}

/** `time` moved by `count` lengths (months and years keep the day of month, clamped to the month's last day). */
export function addLength(time: number, length: WindowLength, count = 1): number {
  const date = new Date(time);
  const n = length.count * count;
  switch (length.unit) {
    case 'D':
      return time + n * 86_400_000;
    case 'W':
      return time + n * 7 * 86_400_000;
    case 'M':
    case 'Y': {
      const months = length.unit === 'M' ? n : 12 * n;
      const y = date.getUTCFullYear();
      const m = date.getUTCMonth() + months;
      const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
      const day = Math.min(date.getUTCDate(), lastDay);
      return Date.UTC(y, m, day) + (time % 86_400_000);
    }
    case 'bars':
      throw new OptimizeConfigError('a bar count is not a calendar length');
  }
}

/**
 * The windows of a walk-forward run over `timeline` (ascending distinct bar times). Rolling: the in-sample window
 * keeps its length and moves by `step`; anchored: it always starts at the first bar and grows by `step`. The
 * out-of-sample window follows the in-sample one directly. Bar lengths count timeline positions; calendar lengths
 * are measured from the first bar's time, a boundary falling at the first bar at or after it. Only complete windows
 * are used: the out-of-sample window must end within the data (bars), or the data must reach its end (calendar).
 * Out-of-sample windows never overlap, as the stitched result counts each day once: a step shorter than the
 * out-of-sample window is refused (in other units: when the windows it gives overlap by a week or more), and where
 * calendar boundaries falling on the next bar after a weekend or holiday make a window reach a bar or two into the
 * next one's, it ends where the next one starts.
 */
export function planWindows(
  timeline: Float64Array,
  mode: WalkForwardMode,
  inSample: WindowLength,
  outOfSample: WindowLength,
  step: WindowLength,
): PlannedWindow[] {
  const oos = comparable(outOfSample);
  const by = comparable(step);
  if (by.unit === oos.unit && by.count < oos.count) throw stepTooShort(step, outOfSample);
  const n = timeline.length;
  const windows: PlannedWindow[] = [];
  const at = (time: number): number => lowerBound(timeline, n, time);
  for (let k = 0; ; k++) {
    let isStart: number;
    let isEnd: number;
    let oosEnd: number;
    if (inSample.unit === 'bars' && outOfSample.unit === 'bars' && step.unit === 'bars') {
      const shift = k * step.count;
      isStart = mode === 'rolling' ? shift : 0;
      isEnd = shift + inSample.count;
      oosEnd = isEnd + outOfSample.count;
      if (oosEnd > n) break;
    } else {
      const origin = timeline[0]!;
      // Not clamped to the data: a window that would end past it is incomplete and left out below.
      const shifted = (length: WindowLength, from: number, times: number): number =>
        length.unit === 'bars' ? at(from) + length.count * times : at(addLength(from, length, times));
      const startTime = step.unit === 'bars' ? timeline[Math.min(n - 1, k * step.count)]! : addLength(origin, step, k);
      isStart = mode === 'rolling' ? at(startTime) : 0;
      isEnd = shifted(inSample, startTime, 1);
      if (isEnd >= n) break;
      oosEnd = shifted(outOfSample, timeline[isEnd]!, 1);
      // A calendar window is complete only when the data goes on past its end.
      if (outOfSample.unit === 'bars' ? oosEnd > n : oosEnd >= n) break;
    }
    if (isEnd - isStart < 2 || oosEnd - isEnd < 1) {
      throw new OptimizeConfigError('the walk-forward windows are shorter than two bars: lengthen them');
    }
    const previous = windows.at(-1);
    if (previous !== undefined && previous.oosEnd > isEnd) {
      // Boundaries moved past a weekend, holidays or a month's end overlap by a few days: the earlier window ends
      // where the next starts. More is a step shorter than the window in other units (30W against 6M, 6M against
      // 100 bars): refused as above, rather than cutting every window short of the length asked for.
      if (timeline[previous.oosEnd - 1]! - timeline[isEnd]! >= MAX_BOUNDARY_OVERLAP_MS) {
        throw stepTooShort(step, outOfSample);
      }
      windows[windows.length - 1] = { ...previous, oosEnd: isEnd };
    }
    windows.push({ isStart, isEnd, oosStart: isEnd, oosEnd });
  }
  if (windows.length === 0) {
    throw new OptimizeConfigError(
      `no complete walk-forward window fits in the ${n} bars of the data: shorten the in-sample or out-of-sample length`,
    );
  }
  return windows;
}
