import { formatTime } from '../domain/time.js';
import type { JournalRows } from '../journal/journal-queries.js';
import { csvField } from '../performance/csv-field.js';

export const JOURNAL_FORMATS = ['table', 'csv', 'json'] as const;
export type JournalFormat = (typeof JOURNAL_FORMATS)[number];

/** Columns holding exchange times in ms: shown as "YYYY-MM-DD HH:MM:SS" like every result file. */
const TIME_COLUMNS = new Set(['time', 'started', 'stopped', 'entry_time', 'exit_time']);

function cell(column: string, value: string | number | null): string | number | null {
  if (value === null) return null;
  if (TIME_COLUMNS.has(column) && typeof value === 'number') return formatTime(value);
  if (typeof value === 'number' && !Number.isInteger(value)) return Number(value.toFixed(6));
  return value;
}

/** The rows with their times readable, in column order. */
function readable(result: JournalRows): (string | number | null)[][] {
  return result.rows.map((row) => result.columns.map((c) => cell(c, row[c] ?? null)));
}

export function formatRows(result: JournalRows, format: JournalFormat): string {
  const rows = readable(result);
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i]]))),
        null,
        2,
      )}\n`;
    case 'csv':
      return [result.columns.join(','), ...rows.map((row) => row.map((v) => csvField(String(v ?? ''))).join(','))]
        .map((line) => `${line}\n`)
        .join('');
    case 'table': {
      if (rows.length === 0) return '(none)\n';
      const text = rows.map((row) => row.map((v) => String(v ?? '')));
      const widths = result.columns.map((c, i) => Math.max(c.length, ...text.map((row) => row[i]!.length)));
      const line = (cells: readonly string[]): string =>
        cells
          .map((v, i) => v.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
      return [line(result.columns), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)]
        .map((l) => `${l}\n`)
        .join('');
    }
  }
}
