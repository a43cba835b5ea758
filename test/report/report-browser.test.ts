import { cpSync, mkdirSync, mkdtempSync, rmSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS, SKIP_BROWSER, type Browser } from '../support/chromium.js';
import { runCli } from '../support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'ets-report-'));
const sample = join(work, 'sample');
const out = join(work, 'out');
const wfa = join(work, 'wfa');
/** A walk-forward run's own folder: its files and nothing of a single backtest. */
const wfaOnly = join(work, 'wfa-only');
const config = join(work, 'config.yaml');

/** Walk-forward files in the formats of `ets walk-forward`: three windows of a year in-sample, six months out. */
function writeWalkForwardFiles(dir: string): void {
  writeFileSync(
    join(dir, 'wfa_windows.csv'),
    [
      'window,is_start,is_end,oos_start,oos_end,fast,slow,is_objective_sharpe,is_total_return,is_sharpe,oos_total_return,oos_sharpe,pbo,deflated_sharpe,candidates',
      '1,2019-01-02,2019-12-31,2020-01-02,2020-06-30,10,30,1.1,0.12,1.1,0.03,0.6,0.25,0.8,12',
      '2,2019-07-01,2020-06-30,2020-07-01,2020-12-31,15,40,0.9,0.08,0.9,-0.02,-0.3,0.4,0.6,12',
      '3,2020-01-02,2020-12-31,2021-01-04,2021-06-30,10,50,1.4,0.15,1.4,0.05,0.9,0.3,0.7,12',
    ].join('\n') + '\n',
  );
  const rows = ['time,window,equity'];
  let equity = 100000;
  for (let day = 0; day < 360; day++) {
    const date = new Date(Date.UTC(2020, 0, 2) + day * 86_400_000).toISOString().slice(0, 10);
    equity *= 1 + Math.sin(day / 9) * 0.004;
    rows.push(`${date},${1 + Math.floor(day / 120)},${equity.toFixed(2)}`);
  }
  writeFileSync(join(dir, 'wfa_oos_equity.csv'), rows.join('\n') + '\n');
  writeFileSync(
    join(dir, 'wfa_summary.json'),
    JSON.stringify({
      oos: { total_return: 0.06, sharpe: 0.4 },
      wfe: 0.43,
      pbo: 0.31,
      dsr: 0.72,
      pass: { wfe_at_least_50pct: false, oos_profit: true },
    }),
  );
  writeFileSync(
    join(dir, 'wfa_oos_trades.csv'),
    'symbol,entry_time,entry_price,exit_time,exit_price,quantity,pnl,commission\nSYNA,2020-02-03,10,2020-02-20,11,100,99,1\nSYNB,2020-08-03,20,2020-08-20,19,100,-101,1\n',
  );
  writeFileSync(join(dir, 'optimize.csv'), 'fast,slow,sharpe,trades\n10,30,1.1,12\n15,40,0.9,10\n');
  writeFileSync(
    join(dir, 'risk_events.csv'),
    'time,rule,action,symbol,detail\n2020-03-12 10:15:00,max_daily_loss,halt_entries,,daily loss 2.1% of 2%\n',
  );
}

beforeAll(() => {
  writeFileSync(config, `logging:\n  directory: ${join(work, 'logs')}\n  console: false\n`);
  expect(runCli(['data', 'sample', '--out', sample]).status).toBe(0);
  const run = runCli(['backtest', '-c', config, '--data-dir', sample, '--benchmark', 'SYNX', '--out', out]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  cpSync(out, wfa, { recursive: true });
  writeWalkForwardFiles(wfa);
  mkdirSync(wfaOnly);
  writeWalkForwardFiles(wfaOnly);
  rmSync(join(wfaOnly, 'risk_events.csv'));
  const alone = runCli(['report', wfaOnly, '-c', config, '--title', 'Walk-forward']);
  expect(alone.stderr).toBe('');
  expect(alone.status).toBe(0);
  const again = runCli(['report', wfa, '-c', config, '--data-dir', sample, '--benchmark', 'SYNX', '--title', 'WFA']);
  expect(again.stderr).toBe('');
  expect(again.status).toBe(0);
});

interface Opened {
  readonly page: Page;
  readonly problems: string[];
  readonly requests: string[];
}

async function open(browser: Browser, file: string): Promise<Opened> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelectorAll('.chart canvas').length > 0);
  // Charts draw on the next animation frames.
  await page.waitForTimeout(500);
  return { page, problems, requests };
}

/** Per chart: pixels of a saturated colour (series: lines, candles, areas, bars), not the grey of axes and text. */
function colouredPixels(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const counts: Record<string, number> = {};
    for (const chart of Array.from(document.querySelectorAll<HTMLElement>('.chart'))) {
      let n = 0;
      for (const canvas of Array.from(chart.querySelectorAll('canvas'))) {
        const ctx = canvas.getContext('2d');
        if (ctx === null || canvas.width === 0 || canvas.height === 0) continue;
        const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < px.length; i += 4) {
          const [r, g, b, a] = [px[i]!, px[i + 1]!, px[i + 2]!, px[i + 3]!];
          if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
        }
      }
      counts[chart.id] = n;
    }
    return counts;
  });
}

describe.skipIf(SKIP_BROWSER)('report.html in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser.close();
  });

  it('opens from file:// with no console error and no request beyond the file, every chart drawn', async () => {
    const report = join(out, 'report.html');
    const { page, problems, requests } = await open(browser, report);
    await page.screenshot({ path: join(SCREENSHOTS, 'report-backtest.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(report).href]);
    const pixels = await colouredPixels(page);
    expect(Object.keys(pixels).sort()).toEqual(
      [
        'chart-drawdown',
        'chart-equity',
        'chart-sharpe',
        'chart-trade-returns',
        'chart-volatility',
        'chart-yearly',
        ...['SYNA', 'SYNB', 'SYNC', 'SYND', 'SYNE'].map((s) => `chart-price-${s}`),
      ].sort(),
    );
    for (const [id, count] of Object.entries(pixels)) expect(count, id).toBeGreaterThan(100);
    await page.close();
  });

  it('shows the metrics of metrics.json', async () => {
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, unknown>;
    const { page } = await open(browser, join(out, 'report.html'));
    const shown = await page.$$eval('[data-metric]', (cells) =>
      cells.map((c) => [c.getAttribute('data-metric'), c.getAttribute('data-value'), c.textContent] as const),
    );
    expect(shown.map(([key]) => key).sort()).toEqual(Object.keys(metrics).sort());
    for (const [key, value] of shown) expect(JSON.parse(value!), key!).toEqual(metrics[key!]);
    const text = new Map(shown.map(([key, , t]) => [key, t]));
    const pct = (x: unknown) => `${((x as number) * 100).toFixed(2)}%`;
    expect(text.get('total_return')).toBe(pct(metrics['total_return']));
    expect(text.get('max_drawdown')).toBe(pct(metrics['max_drawdown']));
    expect(text.get('sharpe')).toBe((metrics['sharpe'] as number).toFixed(2));
    expect(text.get('trades')).toBe(String(metrics['trades']));
    expect(text.get('start')).toBe(metrics['start']);
    await page.close();
  });

  it('sorts the trade list by a column when its header is clicked', async () => {
    const trades = readFileSync(join(out, 'trades.csv'), 'utf8').trim().split('\n').slice(1);
    const pnls = trades.map((line) => Number(line.split(',')[6]));
    const { page } = await open(browser, join(out, 'report.html'));
    expect(await page.locator('#trades tbody tr').count()).toBe(trades.length);
    await page.click('#trades th:nth-child(7)');
    const first = await page.locator('#trades tbody tr:first-child td:nth-child(7)').getAttribute('data-v');
    expect(Number(first)).toBe(Math.min(...pnls));
    await page.click('#trades th:nth-child(7)');
    const top = await page.locator('#trades tbody tr:first-child td:nth-child(7)').getAttribute('data-v');
    expect(Number(top)).toBe(Math.max(...pnls));
    await page.close();
  });

  it('opens the page of a long run, its reduced curves and candles drawn', async () => {
    const report = longRun();
    const { page, problems, requests } = await open(browser, report);
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(report).href]);
    const pixels = await colouredPixels(page);
    for (const id of ['chart-equity', 'chart-drawdown', 'chart-sharpe', 'chart-price-SYNA']) {
      expect(pixels[id], id).toBeGreaterThan(100);
    }
    await page.close();
  }, 120_000);

  it('renders the walk-forward section and risk events when their files are present', async () => {
    const report = join(wfa, 'report.html');
    const { page, problems, requests } = await open(browser, report);
    await page.locator('#walk-forward').screenshot({ path: join(SCREENSHOTS, 'report-walk-forward.png') });
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(report).href]);
    expect(await page.locator('#wfa-windows tbody tr').count()).toBe(3);
    expect(await page.locator('#wfa-params thead th').allTextContents()).toEqual(['window', 'fast', 'slow']);
    expect(await page.locator('#wfa-params tbody tr:nth-child(2) td').allTextContents()).toEqual(['2', '15', '40']);
    expect(await page.locator('#wfa-summary').textContent()).toContain('pbo0.31');
    expect(await page.locator('#risk-events tbody tr td:nth-child(2)').textContent()).toBe('max_daily_loss');
    expect((await colouredPixels(page))['chart-wfa']).toBeGreaterThan(100);
    await page.close();
  });

  it('draws the stitched out-of-sample curve as the equity curve, with metrics computed from it', async () => {
    const report = join(wfaOnly, 'report.html');
    const { page, problems, requests } = await open(browser, report);
    await page.screenshot({ path: join(SCREENSHOTS, 'report-walk-forward-only.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(report).href]);
    const oos = readFileSync(join(wfaOnly, 'wfa_oos_equity.csv'), 'utf8').trim().split('\n').slice(1);
    // time,window,equity
    const first = Number(oos[0]!.split(',')[2]);
    const last = Number(oos[oos.length - 1]!.split(',')[2]);
    const value = async (key: string) =>
      JSON.parse((await page.getAttribute(`[data-metric=${key}]`, 'data-value'))!) as unknown;
    expect(await value('initial_equity')).toBe(first);
    expect(await value('final_equity')).toBe(last);
    expect(await value('trades')).toBe(2);
    expect(await value('win_rate')).toBe(0.5);
    expect(await page.locator('#trades tbody tr').count()).toBe(2);
    const pixels = await colouredPixels(page);
    for (const id of ['chart-equity', 'chart-drawdown', 'chart-wfa', 'chart-trade-returns']) {
      expect(pixels[id], id).toBeGreaterThan(100);
    }
    await page.close();
  });
});

const long = join(work, 'long');
const longOut = join(work, 'long-out');
let longDone = false;

/**
 * A 26-year daily backtest of five symbols with a benchmark: more sessions than a curve is drawn whole (6,000), and
 * more bars than each symbol's share of the candles. Run once for the tests that need it.
 */
function longRun(): string {
  if (!longDone) {
    expect(runCli(['data', 'sample', '--out', long, '--days', '6500']).status).toBe(0);
    const run = runCli(['backtest', '-c', config, '--data-dir', long, '--benchmark', 'SYNX', '--out', longOut]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    longDone = true;
  }
  return join(longOut, 'report.html');
}

/** Column `name` of a CSV file as numbers. */
function csvColumn(file: string, name: string): number[] {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const at = header!.split(',').indexOf(name);
  return rows.map((row) => Number(row.split(',')[at]));
}

describe('report.html of a long run', () => {
  it('stays within 2 MB for a 26-year daily backtest of five symbols with a benchmark', () => {
    const size = statSync(longRun()).size;
    console.log(`report.html of a 26-year daily backtest of 5 symbols: ${(size / 1e6).toFixed(2)} MB`);
    expect(size).toBeLessThanOrEqual(2_000_000);
  }, 120_000);

  it('draws the curves by fewer points and the prices in weekly candles, keeping the trough and the extremes', () => {
    const html = readFileSync(longRun(), 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!) as {
      perf: { t: number[]; equity: number[]; drawdown: number[] };
      prices: { symbol: string; h: number[]; l: number[] }[];
    };
    const equity = csvColumn(join(longOut, 'daily.csv'), 'equity');
    expect(equity.length).toBe(6500);
    expect(data.perf.t.length).toBeLessThanOrEqual(4001);
    expect(data.perf.t.length).toBeLessThan(equity.length / 2);
    const initial = (JSON.parse(readFileSync(join(longOut, 'metrics.json'), 'utf8')) as { initial_equity: number })
      .initial_equity;
    let peak = initial;
    const drawdown = equity.map((e) => {
      peak = Math.max(peak, e);
      return e / peak - 1;
    });
    const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
    expect(Math.min(...data.perf.drawdown)).toBe(round(Math.min(...drawdown) * 100, 3));
    expect(Math.max(...data.perf.equity)).toBe(round(Math.max(...equity), 2));
    expect(Math.min(...data.perf.equity)).toBe(round(Math.min(...equity), 2));
    expect(html).toContain('(weekly candles)');
    expect(data.prices.map((p) => p.symbol)).toEqual(['SYNA', 'SYNB', 'SYNC', 'SYND', 'SYNE']);
    for (const p of data.prices) {
      expect(p.h.length).toBeLessThanOrEqual(4800);
      const file = join(long, `${p.symbol}.csv`);
      expect(Math.max(...p.h), p.symbol).toBe(round(Math.max(...csvColumn(file, 'high')), 4));
      expect(Math.min(...p.l), p.symbol).toBe(round(Math.min(...csvColumn(file, 'low')), 4));
    }
  }, 120_000);
});
