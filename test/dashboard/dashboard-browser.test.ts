import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import { launchChromium, SCREENSHOTS, SKIP_BROWSER, type Browser } from '../support/chromium.js';
import { lineStarting, type RunningCli } from '../support/run-cli.js';
import { liveConfig, liveWork, readCsv, startLive, startTestGateway, type LiveWork } from '../live/live-fixture.js';

interface State {
  readonly trading: { readonly state: string; readonly reason?: string };
  readonly positions: readonly unknown[];
  readonly fills: readonly unknown[];
  readonly account: { readonly realisedCommissions: number } | null;
}

describe.skipIf(SKIP_BROWSER)('the live dashboard of ets live, in headless Chromium', () => {
  let work: LiveWork;
  let gateway: Gateway;
  let browser: Browser;
  let session: RunningCli;
  let url: string;

  beforeAll(async () => {
    work = liveWork();
    browser = await launchChromium();
    // Slow enough that a day of five-minute bars takes about a minute: time to watch and to press the button.
    gateway = await startTestGateway(work, { speed: 400 });
    const config = liveConfig(work, {
      ibkr: { port: gateway.port },
      // Without protective stops a position stays open until the strategy exits: flattening has something to close.
      trading: { symbols: ['SYNA', 'SYNB', 'SYNC', 'SYND', 'SYNE'], use_bracket_orders: false },
      live: { results_directory: work.results, dashboard: { enabled: true, port: 0, controls: true } },
    });
    session = startLive(work, config);
    url = await lineStarting(session, 'Dashboard: ');
  }, 60_000);

  afterAll(async () => {
    if (session.child.exitCode === null) session.child.kill('SIGTERM');
    await session.done;
    await browser.close();
    await gateway.stop();
    work.cleanup();
  });

  it('prints a loopback address with a token and refuses requests without it', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    const base = url.slice(0, url.indexOf('?'));
    expect((await fetch(base)).status).toBe(401);
    expect((await fetch(`${base}?token=wrong`)).status).toBe(401);
    expect((await fetch(`${base}api/state`)).status).toBe(401);
    expect((await fetch(`${base}api/halt`, { method: 'POST', body: '{"flatten":true,"confirm":true}' })).status).toBe(
      401,
    );
    const token = url.slice(url.indexOf('=') + 1);
    expect((await fetch(`${base}api/state`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    // A confirmed request is all that halts: one without the confirmation is refused and changes nothing.
    const unconfirmed = await fetch(`${base}api/halt?token=${token}`, { method: 'POST', body: '{"flatten":true}' });
    expect(unconfirmed.status).toBe(400);
  });

  it('updates without reload as the gateway streams, and the halt button halts the node', async () => {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('connection')?.textContent === 'connected', null, {
      timeout: 30_000,
    });
    const firstEquity = await page.locator('#net-liquidation').textContent();
    expect(firstEquity).toMatch(/^[\d,]+\.\d\d$/);
    const fillsBefore = await page.locator('#fills tr').count();
    // A new fill and a new equity value arrive on the open page: pushed, not reloaded.
    await page.waitForFunction((n) => document.querySelectorAll('#fills tr').length > n, fillsBefore, {
      timeout: 90_000,
    });
    await page.waitForFunction((v) => document.getElementById('net-liquidation')?.textContent !== v, firstEquity, {
      timeout: 30_000,
    });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-trading.png'), fullPage: true });

    // Halted while a position is open, so that flattening has something to close.
    await page.waitForFunction(() => document.querySelectorAll('#positions tr').length > 0, null, { timeout: 60_000 });
    const held = await page.locator('#positions tr:first-child td:first-child').textContent();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
    await page.click('#flatten');
    await page.waitForFunction(() => document.getElementById('trading-state')?.textContent.startsWith('HALTED'));
    expect(dialogs).toEqual(['Halt trading and close every position at market?']);
    expect(await page.locator('#trading-state').textContent()).toBe(
      'HALTED — kill switch (dashboard): halt and flatten button, flattening',
    );
    // The node says so, through the same token-protected API.
    const state = (await (await fetch(url.replace('/?', '/api/state?'))).json()) as State;
    expect(state.trading).toEqual({
      state: 'HALTED',
      reason: 'kill switch (dashboard): halt and flatten button, flattening',
      rule: 'kill_switch',
    });
    // Flattened through the engine's exit path: the positions close at market.
    await page.waitForFunction(() => document.querySelectorAll('#positions tr').length === 0, null, {
      timeout: 30_000,
    });
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-halted.png'), fullPage: true });
    // The closed trades' commissions beside the realised P&L before them, and no amount shown as "-0.00" once flat.
    const flat = (await (await fetch(url.replace('/?', '/api/state?'))).json()) as State;
    expect(flat.account!.realisedCommissions).toBeGreaterThan(0);
    const paid = flat.account!.realisedCommissions.toLocaleString('en-US', {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    await page.waitForFunction((v) => document.getElementById('commissions')?.textContent === v, paid);
    expect(await page.locator('body').textContent()).not.toContain('-0.00');
    // The same kill switch as `ets halt`: the risk engine's state change, then only its closing orders.
    const events = readCsv(join(work.results, 'risk_events.csv'));
    const halted = events.find((e) => e.event === 'state')!;
    expect(halted).toMatchObject({ rule: 'kill_switch', from: 'ACTIVE', to: 'HALTED' });
    const closing = readCsv(join(work.results, 'orders.csv')).filter(
      (o) => o.time! >= halted.time! && o.symbol === held && o.purpose === 'exit',
    );
    expect(closing.map((o) => o.strategy)).toContain('risk');
    expect(problems).toEqual([]);
    await page.close();
  }, 150_000);

  it('writes the session report when the session ends', async () => {
    session.child.kill('SIGTERM');
    const run = await session.done;
    expect(run.stderr.trim()).toBe('SIGTERM: stopping gracefully (again to exit at once)');
    expect(run.stdout).toMatch(/Ended +interrupted \(SIGTERM\)/);
    expect(existsSync(join(work.results, 'report.html'))).toBe(true);
    expect(readFileSync(join(work.results, 'report.html'), 'utf8').includes('id="risk-events"')).toBe(true);
  }, 60_000);
});
