import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTime } from '../domain/time.js';
import { escapeHtml, scriptJson } from './html-text.js';
import { metricsTable } from './metrics-table.js';
import type { PeriodReturns, PerformanceSeries } from './performance-series.js';
import type { PricePanel } from './price-panels.js';
import { renderReport } from './report-client.js';
import type { ReportData } from './report-data.js';
import { csvTable, monthlyTable, summaryTable, tradesTable } from './report-tables.js';
import type { ResultsFiles, TradeRow } from './results-files.js';

const CHART_LIBRARY = join('lightweight-charts', 'dist', 'lightweight-charts.standalone.production.js');

/**
 * The chart library's browser build in the installed package, so that a page needs no network: looked for first in
 * the node_modules of the project this module belongs to (a few file checks), else resolved as Node resolves a
 * package (5–8 ms of every report, most of it the resolver's first run, when the package sits elsewhere).
 */
function chartLibraryPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const file = join(dir, 'node_modules', CHART_LIBRARY);
    if (existsSync(file)) return file;
    if (existsSync(join(dir, 'package.json'))) break;
    dir = dirname(dir);
  }
  const require = createRequire(import.meta.url);
  return join(dirname(dirname(require.resolve('lightweight-charts/package.json'))), CHART_LIBRARY);
}

/** The chart library's browser build, as text. */
export function chartLibrarySource(): string {
  return readFileSync(chartLibraryPath(), 'utf8');
}

/** The chart library's browser build as the file's bytes, for a page written to a file (no decoding and encoding). */
export function chartLibraryBytes(): Uint8Array {
  return readFileSync(chartLibraryPath());
}

export interface ReportPageInput {
  readonly title: string;
  readonly results: ResultsFiles;
  /** The trades the list shows (the first ones) and how many the run closed. */
  readonly trades: { readonly shown: readonly TradeRow[]; readonly total: number };
  readonly series: PerformanceSeries;
  readonly periods: readonly PeriodReturns[];
  readonly tradeReturns: ReportData['tradeReturns'];
  readonly prices: readonly PricePanel[];
  readonly walkForward: ReportData['walkForward'];
  /** The chart library's file (see chartLibraryBytes). */
  readonly library: Uint8Array;
}

/** Rounded to `digits` decimals: a report needs no more, and every digit is bytes in a 20-year run. */
function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function roundOrNull(x: number | null, digits: number): number | null {
  return x === null ? null : round(x, digits);
}

/** Seconds, each the difference from the previous one (see ReportData). */
export function deltaSeconds(times: readonly number[]): number[] {
  let previous = 0;
  return times.map((t) => {
    const s = Math.round(t / 1000);
    const d = s - previous;
    previous = s;
    return d;
  });
}

/** Writes a page's part by part (the page is written straight to its file rather than built whole in memory). */
export type PageWriter = (part: string | Uint8Array) => void;

function perfData(series: PerformanceSeries): ReportData['perf'] {
  return {
    t: deltaSeconds(series.time),
    equity: series.equity.map((e) => round(e, 2)),
    benchmark: series.benchmark?.map((b) => roundOrNull(b, 2)) ?? null,
    drawdown: series.drawdown.map((d) => round(d * 100, 3)),
    sharpe: series.rollingSharpe.map((s) => roundOrNull(s, 3)),
    volatility: series.rollingVolatility.map((v) => roundOrNull(v === null ? null : v * 100, 3)),
  };
}

function priceData(p: PricePanel): ReportData['prices'][number] {
  return {
    symbol: p.symbol,
    t: deltaSeconds(p.time),
    o: p.open.map((x) => round(x, 4)),
    h: p.high.map((x) => round(x, 4)),
    l: p.low.map((x) => round(x, 4)),
    c: p.close.map((x) => round(x, 4)),
    markers: p.markers.map((m) => [m.index, m.side === 'BUY' ? 1 : -1, m.price, m.purpose]),
    levels: p.levels.map((l) => [l.kind === 'stop_loss' ? 0 : 1, l.from, l.to, l.price]),
  };
}

/**
 * The page's data (ReportData) as the JSON of the whole object, written a member at a time and a price panel at a
 * time rather than as one text of megabytes in a long run.
 */
function writeReportData(input: ReportPageInput, write: PageWriter): void {
  const yearly: ReportData['yearly'] = input.periods.map((p) => [p.year, round(p.total * 100, 3)]);
  write(`{"perf":${scriptJson(perfData(input.series))},"tradeReturns":${scriptJson(input.tradeReturns)}`);
  write(`,"yearly":${scriptJson(yearly)},"prices":[`);
  input.prices.forEach((p, i) => {
    write(`${i === 0 ? '' : ','}${scriptJson(priceData(p))}`);
  });
  write(`],"walkForward":${scriptJson(input.walkForward)}}`);
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:16px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.sub{color:#666;margin-bottom:12px}.chart{height:280px;position:relative}.chart.small{height:200px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
table{border-collapse:collapse;font-size:12px}th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}table.metrics td{text-align:right}
table.heatmap td{text-align:right;min-width:38px}table.sortable th{cursor:pointer;background:#f6f6f6}
.scroll{max-height:420px;overflow:auto}tr.loss td:nth-child(7){color:#c00}.pass{color:#080}.fail{color:#c00}
`;

function section(title: string, body: string, id: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

/** Columns of wfa_windows.csv that are neither a parameter nor an in- or out-of-sample figure. */
const WINDOW_COLUMNS = new Set(['window', 'pbo', 'deflated_sharpe', 'candidates']);

function walkForwardSection(results: ResultsFiles): string {
  const wf = results.walkForward;
  if (wf === null) return '';
  const parts: string[] = [];
  if (wf.oosEquity !== null) {
    parts.push(
      '<p>Stitched out-of-sample equity (blue) and, per window, the path it would have taken at the in-sample pace (grey dashes).</p>',
    );
    parts.push('<div class="chart" id="chart-wfa"></div>');
  }
  if (wf.windows !== null) {
    parts.push('<h3>Windows</h3><div class="scroll">', csvTable(wf.windows, 'wfa-windows'), '</div>');
    // The chosen parameters are the columns named after them: all but the window number, the dates and figures.
    const params = wf.windows.header.filter(
      (h) => !WINDOW_COLUMNS.has(h) && !h.startsWith('is_') && !h.startsWith('oos_'),
    );
    if (params.length > 0) {
      const columns = [wf.windows.header[0]!, ...params];
      const picked = {
        ...wf.windows,
        header: columns,
        rows: wf.windows.rows.map((row) => columns.map((c) => row[wf.windows!.header.indexOf(c)] ?? '')),
      };
      parts.push('<h3>Parameters chosen per window</h3>', csvTable(picked, 'wfa-params'));
    }
  }
  if (wf.summary !== null)
    parts.push('<h3>Summary and overfitting statistics</h3>', summaryTable(wf.summary, 'wfa-summary'));
  if (wf.optimize !== null) {
    parts.push('<h3>Optimisation grid</h3><div class="scroll">', csvTable(wf.optimize, 'optimize', 200), '</div>');
  }
  return section('Walk-forward analysis', parts.join(''), 'walk-forward');
}

/** The whole report, to `write`: one HTML file with its data, the chart library and the drawing code inlined. */
export function reportPage(input: ReportPageInput, write: PageWriter): void {
  const { results, series } = input;
  const m = results.metrics;
  const prices = input.prices
    .map((p) => {
      const period = p.period === 'bar' ? '' : ` (${p.period === 'day' ? 'daily' : `${p.period}ly`} candles)`;
      return `<h3>${escapeHtml(p.symbol)}${period}</h3><div class="chart" id="chart-price-${escapeHtml(p.symbol)}"></div>`;
    })
    .join('');
  const risk =
    results.riskEvents === null
      ? ''
      : section('Risk events', `<div class="scroll">${csvTable(results.riskEvents, 'risk-events')}</div>`, 'risk');
  const benchmark = series.benchmark === null ? '' : ' against the benchmark (orange, buy and hold)';
  const body = [
    `<h1>${escapeHtml(input.title)}</h1>`,
    `<div class="sub">${escapeHtml(m.start ?? '-')} – ${escapeHtml(m.end ?? '-')}, ${m.periods} sessions; written ${escapeHtml(formatTime(Math.floor(Date.now() / 1000) * 1000))} UTC</div>`,
    section('Metrics', metricsTable(m), 'metrics'),
    section('Equity', `<p>Account equity (blue)${benchmark}.</p><div class="chart" id="chart-equity"></div>`, 'equity'),
    section('Drawdown', '<div class="chart small" id="chart-drawdown"></div>', 'underwater'),
    section(
      'Rolling risk',
      `<p>Over the last ${series.window} sessions: Sharpe ratio (left) and annualised volatility in per cent (right).</p>` +
        '<div class="grid"><div class="chart small" id="chart-sharpe"></div><div class="chart small" id="chart-volatility"></div></div>',
      'rolling',
    ),
    section(
      'Returns',
      `<div class="scroll">${monthlyTable(input.periods)}</div>` +
        '<div class="grid"><div><h3>Yearly returns (%)</h3><div class="chart small" id="chart-yearly"></div></div>' +
        '<div><h3>Trade returns (% of the money put in; number of trades)</h3><div class="chart small" id="chart-trade-returns"></div></div></div>',
      'returns',
    ),
    prices === ''
      ? ''
      : section(
          'Prices and trades',
          `<p>Fills: entries (blue), exits (orange), stop-loss (red) and take-profit (green) arrows; working stop-loss (red dashes) and take-profit (green dashes) levels.</p>${prices}`,
          'prices',
        ),
    section('Trades', `<div class="scroll">${tradesTable(input.trades.shown, input.trades.total)}</div>`, 'trades'),
    risk,
    walkForwardSection(results),
  ].join('\n');
  write(
    [
      '<!DOCTYPE html>',
      '<html lang="en"><head><meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      // Nothing may load from anywhere: the page is one file that works offline.
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
      `<title>${escapeHtml(input.title)}</title><style>${STYLE}</style></head><body>`,
      body,
      '<script type="application/json" id="report-data">',
    ].join('\n'),
  );
  writeReportData(input, write);
  write('</script>\n<script>');
  write(input.library);
  write(
    `</script>\n<script>(${renderReport.toString()})(LightweightCharts, JSON.parse(document.getElementById('report-data').textContent));</script>\n</body></html>\n`,
  );
}
