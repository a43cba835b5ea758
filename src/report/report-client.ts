/// <reference lib="dom" />
import type * as Charts from 'lightweight-charts';
import type { ReportData } from './report-data.js';

/**
 * Draws the report's charts in the browser. It runs there, not in Node: the page embeds its source text
 * (`renderReport.toString()`), so it must not refer to anything outside its own body.
 */
export function renderReport(lib: typeof Charts, data: ReportData): void {
  const base = {
    autoSize: true,
    layout: { background: { color: '#ffffff' }, textColor: '#333333', fontSize: 11 },
    grid: { vertLines: { visible: false }, horzLines: { color: '#f0f0f0' } },
    rightPriceScale: { borderVisible: false },
    timeScale: { borderVisible: false },
  };
  const times = (deltas: readonly number[]): Charts.UTCTimestamp[] => {
    const out: Charts.UTCTimestamp[] = [];
    let t = 0;
    for (const d of deltas) {
      t += d;
      out.push(t as Charts.UTCTimestamp);
    }
    return out;
  };
  const line = (time: readonly Charts.UTCTimestamp[], values: readonly (number | null)[]) =>
    time.map((t, i) => (values[i] === null || values[i] === undefined ? { time: t } : { time: t, value: values[i] }));
  const element = (id: string): HTMLElement | null => document.getElementById(id);
  const chart = (id: string) => {
    const el = element(id);
    return el === null ? null : lib.createChart(el, base);
  };

  const t = times(data.perf.t);
  const equity = chart('chart-equity');
  if (equity !== null) {
    if (data.perf.benchmark !== null) {
      equity
        .addSeries(lib.LineSeries, { color: '#f28e2b', lineWidth: 1, title: 'benchmark' })
        .setData(line(t, data.perf.benchmark));
    }
    equity
      .addSeries(lib.LineSeries, { color: '#1f77b4', lineWidth: 2, title: 'equity' })
      .setData(line(t, data.perf.equity));
    equity.timeScale().fitContent();
  }
  const drawdown = chart('chart-drawdown');
  if (drawdown !== null) {
    drawdown
      .addSeries(lib.AreaSeries, {
        lineColor: '#d62728',
        topColor: 'rgba(214,39,40,0.15)',
        bottomColor: 'rgba(214,39,40,0.6)',
        invertFilledArea: true,
        priceFormat: { type: 'percent' },
      })
      .setData(line(t, data.perf.drawdown));
    drawdown.timeScale().fitContent();
  }
  const sharpe = chart('chart-sharpe');
  if (sharpe !== null) {
    sharpe
      .addSeries(lib.LineSeries, { color: '#2ca02c', lineWidth: 1, title: 'Sharpe' })
      .setData(line(t, data.perf.sharpe));
    sharpe.timeScale().fitContent();
  }
  const volatility = chart('chart-volatility');
  if (volatility !== null) {
    volatility
      .addSeries(lib.LineSeries, {
        color: '#9467bd',
        lineWidth: 1,
        title: 'volatility %',
        priceFormat: { type: 'percent' },
      })
      .setData(line(t, data.perf.volatility));
    volatility.timeScale().fitContent();
  }

  // Histograms on a numeric horizontal axis: trade returns by bin centre, yearly returns by year.
  const bars = (id: string, points: { x: number; value: number }[], percent: boolean) => {
    const el = element(id);
    if (el === null) return;
    const c = lib.createOptionsChart(el, base);
    const priceFormat = percent ? { type: 'percent' as const } : { type: 'price' as const, precision: 0, minMove: 1 };
    c.addSeries(lib.HistogramSeries, { priceFormat }).setData(
      points.map((p) => ({ time: p.x, value: p.value, color: p.value >= 0 ? '#2ca02c' : '#d62728' })),
    );
    c.timeScale().fitContent();
  };
  bars(
    'chart-trade-returns',
    data.tradeReturns.map(([from, to, count]) => ({ x: Math.round(((from + to) / 2) * 100) / 100, value: count })),
    false,
  );
  bars(
    'chart-yearly',
    data.yearly.map(([year, value]) => ({ x: year, value })),
    true,
  );

  for (const p of data.prices) {
    const c = chart(`chart-price-${p.symbol}`);
    if (c === null) continue;
    const pt = times(p.t);
    const candles = c.addSeries(lib.CandlestickSeries, {
      upColor: '#26a69a',
      downColor: '#ef5350',
      wickUpColor: '#26a69a',
      wickDownColor: '#ef5350',
      borderVisible: false,
    });
    candles.setData(pt.map((time, i) => ({ time, open: p.o[i]!, high: p.h[i]!, low: p.l[i]!, close: p.c[i]! })));
    for (const kind of [0, 1]) {
      const level: (number | null)[] = pt.map(() => null);
      for (const [k, from, to, price] of p.levels) {
        if (k !== kind) continue;
        for (let i = from; i <= to; i++) level[i] = price;
      }
      c.addSeries(lib.LineSeries, {
        color: kind === 0 ? '#d62728' : '#2ca02c',
        lineWidth: 1,
        lineStyle: lib.LineStyle.Dashed,
        lastValueVisible: false,
        priceLineVisible: false,
        title: kind === 0 ? 'stop' : 'target',
      }).setData(line(pt, level));
    }
    // Colour says why: entries blue, exits orange, stops red, targets green (no text: hundreds of fills would hide
    // the candles).
    const colours: Record<string, string> = {
      entry: '#1f77b4',
      exit: '#ff7f0e',
      stop_loss: '#d62728',
      take_profit: '#2ca02c',
    };
    lib.createSeriesMarkers(
      candles,
      p.markers.map(([i, side, , purpose]) => ({
        time: pt[i]!,
        position: side > 0 ? 'belowBar' : 'aboveBar',
        shape: side > 0 ? 'arrowUp' : 'arrowDown',
        color: colours[purpose] ?? '#555555',
      })),
    );
    c.timeScale().fitContent();
  }

  const wfa = chart('chart-wfa');
  if (wfa !== null && data.walkForward !== null) {
    for (const path of data.walkForward.inSample) {
      wfa
        .addSeries(lib.LineSeries, {
          color: '#999999',
          lineWidth: 1,
          lineStyle: lib.LineStyle.Dashed,
          lastValueVisible: false,
          priceLineVisible: false,
        })
        .setData(line(times(path.t), path.equity));
    }
    const oos = data.walkForward.oos;
    if (oos !== null) {
      wfa
        .addSeries(lib.LineSeries, { color: '#1f77b4', lineWidth: 2, title: 'OOS' })
        .setData(line(times(oos.t), oos.equity));
    }
    wfa.timeScale().fitContent();
  }

  // Sortable tables: a click on a header sorts by that column (numbers by data-v), the first click ascending, the next descending.
  for (const table of Array.from(document.querySelectorAll<HTMLTableElement>('table.sortable'))) {
    const headers = Array.from(table.querySelectorAll('th'));
    headers.forEach((th, column) => {
      th.addEventListener('click', () => {
        const body = table.tBodies[0];
        if (body === undefined) return;
        const ascending = th.dataset['dir'] !== 'asc';
        for (const h of headers) delete h.dataset['dir'];
        th.dataset['dir'] = ascending ? 'asc' : 'desc';
        const key = (row: HTMLTableRowElement): string | number => {
          const cell = row.cells[column];
          const v = cell?.dataset['v'];
          return v === undefined ? (cell?.textContent ?? '') : Number(v);
        };
        const rows = Array.from(body.rows).sort((a, b) => {
          const x = key(a);
          const y = key(b);
          const order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        for (const row of rows) body.appendChild(row);
      });
    });
  }
}
