import { money, num, pct } from '../cli/print-summary.js';
import type { PerformanceMetrics } from '../performance/metrics.js';
import { escapeHtml } from './html-text.js';

type Format = 'pct' | 'money' | 'ratio' | 'beta' | 'count' | 'text';

/** The metrics of metrics.json in the order and with the labels of the run summary. */
const ROWS: readonly [keyof PerformanceMetrics, string, Format][] = [
  ['start', 'Start', 'text'],
  ['end', 'End', 'text'],
  ['periods', 'Sessions', 'count'],
  ['initial_equity', 'Initial equity', 'money'],
  ['final_equity', 'Final equity', 'money'],
  ['total_return', 'Total return', 'pct'],
  ['cagr', 'CAGR', 'pct'],
  ['annual_volatility', 'Annual volatility', 'pct'],
  ['sharpe', 'Sharpe', 'ratio'],
  ['sortino', 'Sortino', 'ratio'],
  ['max_drawdown', 'Max drawdown', 'pct'],
  ['max_drawdown_duration', 'Max drawdown duration (sessions)', 'count'],
  ['calmar', 'Calmar', 'ratio'],
  ['trades', 'Closed trades', 'count'],
  ['win_rate', 'Win rate', 'pct'],
  ['profit_factor', 'Profit factor', 'ratio'],
  ['average_win', 'Average win', 'money'],
  ['average_loss', 'Average loss', 'money'],
  ['exposure', 'Exposure', 'pct'],
  ['alpha', 'Alpha', 'pct'],
  ['beta', 'Beta', 'beta'],
  ['open_positions', 'Open positions', 'count'],
];

/** A metric as the report shows it: the run summary's formats (n/a for a value that is undefined). */
export function formatMetric(value: unknown, format: Format): string {
  if (value === null || value === undefined) return 'n/a';
  if (typeof value === 'string') return value;
  if (typeof value !== 'number') return JSON.stringify(value);
  switch (format) {
    case 'pct':
      return pct(value);
    case 'money':
      return money(value);
    case 'ratio':
      return num(value);
    case 'beta':
      return num(value, 3);
    case 'count':
    case 'text':
      return String(value);
  }
}

/** One row per metric, each carrying its key and its exact metrics.json value (`data-metric`, `data-value`). */
export function metricsTable(metrics: PerformanceMetrics): string {
  const rows = ROWS.filter(([key]) => key in metrics).map(([key, label, format]) => {
    const value = metrics[key];
    return `<tr><th>${escapeHtml(label)}</th><td data-metric="${key}" data-value="${escapeHtml(JSON.stringify(value))}">${escapeHtml(formatMetric(value, format))}</td></tr>`;
  });
  const risk = (metrics as { risk_events?: unknown }).risk_events;
  if (risk !== undefined) {
    rows.push(
      `<tr><th>Risk events</th><td data-metric="risk_events" data-value="${escapeHtml(JSON.stringify(risk))}">${escapeHtml(riskEventsText(risk))}</td></tr>`,
    );
  }
  return `<table class="metrics">${rows.join('')}</table>`;
}

/** The risk engine's counts by rule (metrics.json's `risk_events`): "rejected 3 (price_band 2, order_rate 1) · …". */
function riskEventsText(counts: unknown): string {
  if (typeof counts !== 'object' || counts === null) return formatMetric(counts, 'text');
  const groups: [string, string][] = [
    ['rejected', 'rejected'],
    ['state_changes', 'state changes'],
    ['notices', 'notices'],
  ];
  return groups
    .map(([key, label]) => {
      const byRule = Object.entries((counts as Record<string, Record<string, number> | undefined>)[key] ?? {});
      const total = byRule.reduce((sum, [, n]) => sum + n, 0);
      const detail = byRule.map(([rule, n]) => `${rule} ${n}`).join(', ');
      return detail === '' ? `${label} ${total}` : `${label} ${total} (${detail})`;
    })
    .join(' · ');
}
