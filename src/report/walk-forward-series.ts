import { MS_PER_DAY, parseTime } from '../domain/time.js';
import { columnReader, type CsvTable } from './csv-table.js';
import type { DailyRows } from './results-files.js';

/** Columns of wfa_windows.csv the in-sample paths need. */
const COLUMNS = ['is_start', 'is_end', 'is_total_return', 'oos_start', 'oos_end'];

/**
 * Per window, the path the out-of-sample equity would have taken had it kept the in-sample pace: from the OOS equity
 * at the window's first OOS point, compounding the in-sample return per calendar day, (1 + is_total_return)^(days /
 * in-sample days), at the OOS curve's own times — so that both lie on the same points of the chart's time axis.
 * Windows without OOS points or without an in-sample choice, and files without the columns, give none.
 */
export function inSamplePaths(windows: CsvTable, oos: DailyRows): DailyRows[] {
  if (!COLUMNS.every((c) => windows.header.includes(c))) return [];
  const paths: DailyRows[] = [];
  for (let i = 0; i < windows.rows.length; i++) {
    const row = columnReader(windows, i);
    const isDays = (row.time('is_end', parseTime) - row.time('is_start', parseTime)) / MS_PER_DAY;
    const growth = row.optionalNumber('is_total_return');
    // A window where no set qualified chose nothing in sample: it held cash, and has no pace to draw.
    if (growth === null) continue;
    const from = row.time('oos_start', parseTime);
    const until = row.time('oos_end', parseTime) + MS_PER_DAY;
    const time: number[] = [];
    const equity: number[] = [];
    for (let k = 0; k < oos.time.length; k++) {
      const t = oos.time[k]!;
      if (t < from || t >= until) continue;
      if (time.length === 0 || isDays <= 0) {
        time.push(t);
        equity.push(oos.equity[k]!);
        continue;
      }
      time.push(t);
      equity.push(equity[0]! * (1 + growth) ** ((t - time[0]!) / MS_PER_DAY / isDays));
    }
    if (time.length > 0) paths.push({ time, equity });
  }
  return paths;
}
