import { chartLibrarySource } from '../report/report-page.js';
import { runDashboard } from './dashboard-client.js';

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:16px;color:#222}
h1{font-size:20px;margin:0 0 8px}h2{font-size:15px;margin:18px 0 6px;border-bottom:1px solid #ddd}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}.chart{height:260px}
table{border-collapse:collapse;font-size:12px;width:100%}th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}.ok{color:#080}.warn{color:#b60}.bad{color:#c00;font-weight:bold}
.gain{color:#080}.loss{color:#c00}dl{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:0}dt{color:#666}
p.note{color:#666;font-size:12px;margin:0 0 4px}
button{font-size:14px;padding:6px 14px;margin-right:8px;border:1px solid #c00;background:#fff;color:#c00;cursor:pointer}
`;

let library: string | undefined;

/** The dashboard page: static markup filled by the pushed snapshots, with the chart library inlined. */
export function dashboardPage(controls: boolean): string {
  library ??= chartLibrarySource();
  const buttons = controls
    ? '<h2>Kill switch</h2><button id="halt">Halt</button><button id="flatten">Halt and flatten</button> <span id="halt-result"></span>'
    : '<p>Read-only (live.dashboard.controls: false).</p><span id="halt-result"></span>';
  const table = (id: string, head: string[]) =>
    `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody id="${id}"></tbody></table>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ets live</title><style>${STYLE}</style></head><body>
<h1>Live session</h1>
<dl><dt>Connection</dt><dd id="connection">-</dd><dt>Trading</dt><dd id="trading-state">-</dd>
<dt>Exchange time</dt><dd id="exchange-time">-</dd><dt>Updated</dt><dd id="updated">-</dd></dl>
<div class="grid"><div><h2>Account</h2><dl>
<dt>Net liquidation</dt><dd id="net-liquidation">-</dd><dt>Cash</dt><dd id="cash">-</dd>
<dt>Settled cash</dt><dd id="settled-cash">-</dd><dt>Unrealised P&amp;L</dt><dd id="unrealised">-</dd>
<dt>Entry commissions of open positions</dt><dd id="open-commissions">-</dd></dl>
<h2>Closed trades</h2><p class="note">The trades of trades.csv, a continued session's earlier ones included.</p><dl>
<dt>Realised P&amp;L before commissions</dt><dd id="realised">-</dd><dt>Commissions of these trades</dt><dd id="commissions">-</dd>
<dt>Realised P&amp;L after commissions</dt><dd id="realised-net">-</dd></dl>
<h2>Risk limits</h2>${table('risk', ['limit', 'used', 'max', 'usage'])}
<h2>Messages</h2><dl><dt>Message rate</dt><dd id="messages">-</dd><dt>Order efficiency ratio</dt><dd id="oer">-</dd></dl>
${buttons}</div>
<div><h2>Equity</h2><div class="chart" id="chart-equity"></div></div></div>
<h2>Positions</h2>${table('positions', ['symbol', 'quantity', 'average cost', 'last', 'unrealised P&amp;L'])}
<h2>Working orders</h2>${table('orders', ['id', 'symbol', 'side', 'type', 'purpose', 'remaining'])}
<h2>Recent fills</h2>${table('fills', ['time', 'symbol', 'side', 'quantity', 'price', 'purpose'])}
<script>${library}</script>
<script>(${runDashboard.toString()})(LightweightCharts);</script>
</body></html>
`;
}
