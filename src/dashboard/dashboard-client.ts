/// <reference lib="dom" />
import type * as Charts from 'lightweight-charts';
import type { LiveSnapshot } from './live-snapshot.js';

/**
 * Runs in the browser (the page embeds its source text): follows the server-sent snapshots and redraws the page,
 * and sends a halt after the user has confirmed it. It must not refer to anything outside its own body.
 */
export function runDashboard(lib: typeof Charts): void {
  const el = (id: string): HTMLElement => document.getElementById(id)!;
  // Below half a cent is zero (no "-0.00").
  const money = (x: number) =>
    (Math.abs(x) < 0.005 ? 0 : x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const fixed = (x: number) => (Math.abs(x) < 0.005 ? 0 : x).toFixed(2);
  const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  const cell = (text: string, cls = '') => {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls !== '') td.className = cls;
    return td;
  };
  const rows = (id: string, items: readonly (readonly [string, string][])[]) => {
    const body = el(id);
    body.replaceChildren(
      ...items.map((cells) => {
        const tr = document.createElement('tr');
        tr.append(...cells.map(([text, cls]) => cell(text, cls)));
        return tr;
      }),
    );
  };
  const chart = lib.createChart(el('chart-equity'), {
    autoSize: true,
    layout: { background: { color: '#ffffff' }, textColor: '#333333', fontSize: 11 },
    grid: { vertLines: { visible: false }, horzLines: { color: '#f0f0f0' } },
    timeScale: { timeVisible: true, secondsVisible: false },
  });
  const equity = chart.addSeries(lib.LineSeries, { color: '#1f77b4', lineWidth: 2 });
  let points = 0;

  const show = (s: LiveSnapshot) => {
    el('connection').textContent = s.connection;
    el('connection').className = s.connection === 'connected' ? 'ok' : 'warn';
    el('trading-state').textContent =
      s.trading.state + (s.trading.reason === undefined ? '' : ` — ${s.trading.reason}`);
    el('trading-state').className = s.trading.state === 'ACTIVE' ? 'ok' : 'bad';
    el('exchange-time').textContent = s.time === 0 ? '-' : time(s.time);
    const a = s.account;
    el('net-liquidation').textContent = a === null ? '-' : money(a.netLiquidation);
    el('cash').textContent = a === null ? '-' : money(a.cash);
    el('settled-cash').textContent = a === null ? '-' : money(a.settledCash);
    el('unrealised').textContent = a === null ? '-' : money(a.unrealisedPnl);
    el('open-commissions').textContent = a === null ? '-' : money(a.openCommissions);
    el('realised').textContent = a === null ? '-' : money(a.realisedPnl);
    el('commissions').textContent = a === null ? '-' : money(a.realisedCommissions);
    el('realised-net').textContent = a === null ? '-' : money(a.realisedNetPnl);
    rows(
      'positions',
      s.positions.map((p) => [
        [p.symbol, ''],
        [String(p.quantity), 'num'],
        [money(p.averageCost), 'num'],
        [money(p.lastPrice), 'num'],
        [money(p.unrealisedPnl), p.unrealisedPnl >= 0 ? 'num gain' : 'num loss'],
      ]),
    );
    rows(
      'orders',
      s.orders.map((o) => [
        [String(o.id), 'num'],
        [o.symbol, ''],
        [o.side, ''],
        [o.type, ''],
        [o.purpose, ''],
        [`${o.remaining} / ${o.quantity}`, 'num'],
      ]),
    );
    rows(
      'fills',
      s.fills.map((f) => [
        [time(f.time), ''],
        [f.symbol, ''],
        [f.side, ''],
        [String(f.quantity), 'num'],
        [money(f.price), 'num'],
        [f.purpose, ''],
      ]),
    );
    rows(
      'risk',
      s.risk.map((r) => [
        [r.name, ''],
        [fixed(r.used), 'num'],
        [fixed(r.limit), 'num'],
        [`${r.limit > 0 ? Math.round((r.used / r.limit) * 100) : 0}%`, r.used >= r.limit ? 'num bad' : 'num'],
      ]),
    );
    el('messages').textContent = `${s.messages.recent} in the last second (limit ${s.messages.limit}/s)`;
    el('oer').textContent =
      s.oer === null ? 'off' : `${s.oer.ratio.toFixed(2)} (${s.oer.state}; warn ${s.oer.warn}, halt ${s.oer.max})`;
    const data = s.equity.map(([t, v]) => ({ time: t as Charts.UTCTimestamp, value: v }));
    if (data.length > 0) {
      if (data.length < points || points === 0) equity.setData(data);
      else for (const point of data.slice(Math.max(0, points - 1))) equity.update(point);
      points = data.length;
    }
    el('updated').textContent = new Date().toLocaleTimeString();
  };

  const events = new EventSource(`events${location.search}`);
  events.addEventListener('snapshot', (e) => {
    show(JSON.parse((e as MessageEvent<string>).data) as LiveSnapshot);
  });
  events.onerror = () => {
    el('connection').textContent = 'dashboard disconnected (session ended?)';
    el('connection').className = 'bad';
  };

  for (const flatten of [false, true]) {
    const button = document.getElementById(flatten ? 'flatten' : 'halt');
    button?.addEventListener('click', () => {
      const what = flatten ? 'Halt trading and close every position at market?' : 'Halt trading (no new entries)?';
      if (!window.confirm(what)) return;
      fetch(`api/halt${location.search}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ flatten, confirm: true }),
      })
        .then(async (response) => {
          el('halt-result').textContent = response.ok ? 'halted' : `refused: ${await response.text()}`;
        })
        .catch((error: unknown) => {
          el('halt-result').textContent = `failed: ${String(error)}`;
        });
    });
  }
}
