import { formatTime } from '../domain/time.js';
import { formatDecimal } from '../performance/decimal-format.js';
import type { CsvTable } from './csv-table.js';
import { escapeHtml } from './html-text.js';
import type { PeriodReturns } from './performance-series.js';
import type { TradeRow } from './results-files.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A return as a heat-map cell: green for gains, red for losses, stronger with size (full at ±10 %). */
function heatCell(value: number | null): string {
  if (value === null) return '<td class="empty"></td>';
  const strength = Math.min(1, Math.abs(value) / 0.1);
  const colour =
    value >= 0
      ? `rgba(44,160,44,${(0.1 + 0.6 * strength).toFixed(2)})`
      : `rgba(214,39,40,${(0.1 + 0.6 * strength).toFixed(2)})`;
  return `<td style="background:${colour}" data-v="${value}">${(value * 100).toFixed(1)}</td>`;
}

/** Monthly returns as a year × month heat-map, with each year's return in the last column (per cent). */
export function monthlyTable(years: readonly PeriodReturns[]): string {
  const head = `<tr><th>Year</th>${MONTHS.map((m) => `<th>${m}</th>`).join('')}<th>Year</th></tr>`;
  const rows = years.map((y) => `<tr><th>${y.year}</th>${y.months.map(heatCell).join('')}${heatCell(y.total)}</tr>`);
  return `<table class="heatmap" id="monthly-returns"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function numberCell(value: number, text = formatDecimal(value)): string {
  // A number's text (digits, sign, point, exponent; a CSV field only when it reads as a finite number) holds nothing
  // to escape.
  return `<td class="num" data-v="${value}">${text}</td>`;
}

/** The closed trades, sortable by any column; `total` says how many trades.csv holds when that is more. */
export function tradesTable(trades: readonly TradeRow[], total = trades.length): string {
  const head = ['Symbol', 'Entry', 'Entry price', 'Exit', 'Exit price', 'Quantity', 'P&L', 'Return %', 'Commission'];
  const rows = trades.map((t) => {
    const ret = t.pnl / (t.entryPrice * Math.abs(t.quantity));
    return (
      `<tr class="${t.pnl >= 0 ? 'win' : 'loss'}"><td>${escapeHtml(t.symbol)}</td>` +
      `<td data-v="${t.entryTime}">${formatTime(t.entryTime)}</td>${numberCell(t.entryPrice)}` +
      `<td data-v="${t.exitTime}">${formatTime(t.exitTime)}</td>${numberCell(t.exitPrice)}` +
      `${numberCell(t.quantity)}${numberCell(t.pnl, t.pnl.toFixed(2))}${numberCell(ret, (ret * 100).toFixed(2))}` +
      `${numberCell(t.commission, t.commission.toFixed(2))}</tr>`
    );
  });
  return (
    `<table class="sortable" id="trades"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>` +
    (total > trades.length ? `<p>… and ${total - trades.length} more trades in trades.csv.</p>` : '')
  );
}

/** A CSV file as a table (risk events, walk-forward windows, optimisation results), its first `limit` rows. */
export function csvTable(table: CsvTable, id: string, limit = 500): string {
  const head = `<tr>${table.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const rows = table.rows.slice(0, limit).map((fields) => {
    const cells = fields.map((f) => {
      const n = Number(f);
      return f.trim() !== '' && Number.isFinite(n) ? numberCell(n, f) : `<td>${escapeHtml(f)}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  const total = table.rowCount ?? table.rows.length;
  const more = total > limit ? `<p>… and ${total - limit} more rows in the file.</p>` : '';
  return `<table class="sortable" id="${id}"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>${more}`;
}

/** A JSON summary as key / value rows, nested objects flattened to dotted keys. */
export function summaryTable(summary: Record<string, unknown>, id: string): string {
  const rows: string[] = [];
  const walk = (prefix: string, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(prefix === '' ? k : `${prefix}.${k}`, v);
      return;
    }
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const cls =
      value === true || value === 'pass' ? ' class="pass"' : value === false || value === 'fail' ? ' class="fail"' : '';
    rows.push(`<tr><th>${escapeHtml(prefix)}</th><td${cls}>${escapeHtml(text)}</td></tr>`);
  };
  walk('', summary);
  return `<table class="metrics" id="${id}">${rows.join('')}</table>`;
}
