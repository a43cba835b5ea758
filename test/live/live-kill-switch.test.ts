import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTime, MS_PER_DAY, parseTime } from '../../src/domain/time.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { runCliAsync } from '../support/run-cli.js';
import {
  executionsOf,
  liveConfig,
  liveWork,
  readCsv,
  startLive,
  startTestGateway,
  writeConfig,
  type LiveWork,
} from './live-fixture.js';

function dataEnd(gateway: Gateway): string {
  return formatTime(gateway.calendar.dayAt(gateway.calendar.size - 1)! * MS_PER_DAY + 16 * 3_600_000);
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The client's holdings at the gateway, from its executions. */
function held(gateway: Gateway): Map<string, number> {
  const quantities = new Map<string, number>();
  for (const e of executionsOf(gateway, 11)) {
    quantities.set(e.symbol, (quantities.get(e.symbol) ?? 0) + (e.side === 'BOT' ? e.shares : -e.shares));
  }
  return quantities;
}

/** Whether the client holds any share at the gateway. */
function holding(gateway: Gateway): boolean {
  return [...held(gateway).values()].some((quantity) => quantity !== 0);
}

/** A session whose SMA 3/6 trades soon after it starts, on the test's gateway. */
function tradingConfig(work: LiveWork, gateway: Gateway): Record<string, unknown> {
  return liveConfig(work, {
    ibkr: { port: gateway.port },
    strategies: { sma_crossover: { enabled: true, params: { fast: 3, slow: 6 }, bar_size: '5 mins' } },
  });
}

/** Entries in orders.csv so far. */
function entries(work: LiveWork): number {
  const path = join(work.results, 'orders.csv');
  return existsSync(path) ? readCsv(path).filter((o) => o.purpose === 'entry').length : 0;
}

describe('the kill switch of a live session on the embedded gateway', () => {
  let work: LiveWork;
  let gateway: Gateway;
  beforeEach(async () => {
    work = liveWork();
    gateway = await startTestGateway(work, { speed: 1000 });
  });
  afterEach(async () => {
    await gateway.stop();
    work.cleanup();
  });

  it(
    'ets halt --flatten cancels working entries, closes every position and halts for the rest of the session',
    { timeout: 90_000 },
    async () => {
      const config = tradingConfig(work, gateway);
      const session = startLive(work, config, ['--until', dataEnd(gateway)]);
      await until(() => entries(work) > 0, 60_000);
      const halt = await runCliAsync(
        ['halt', '-c', writeConfig(work, config, 'halt.yaml'), '--flatten', '--reason', 'test'],
        work.dir,
      );
      expect(halt.stderr).toBe('');
      expect(halt.stdout).toContain('halt and flatten taken by the running session');
      expect(halt.status).toBe(0);
      // Flat at the broker and halted for the rest of the day: the session is stopped as Ctrl+C does.
      await until(() => !holding(gateway), 30_000);
      session.child.kill('SIGTERM');
      const run = await session.done;
      expect(run.stderr).toBe('\nSIGTERM: stopping gracefully (again to exit at once)\n');
      expect(run.status).toBe(0);

      const events = readCsv(join(work.results, 'risk_events.csv'));
      // Entries refused before the halt (sizing, limits) may come first; from the halt on only its refusals follow.
      const haltAt = events.findIndex((e) => e.event === 'state');
      const halted = events[haltAt]!;
      expect(halted).toMatchObject({ rule: 'kill_switch', from: 'ACTIVE', to: 'HALTED' });
      // (readCsv splits at every comma: the reason's own comma ends this cell.)
      expect(halted.reason).toBe('"kill switch (ets halt): test');
      const haltTime = parseTime(halted.time!);
      // After the halt only the risk engine's closing orders went out, and the account ended flat.
      const after = readCsv(join(work.results, 'orders.csv')).filter((o) => parseTime(o.time!) >= haltTime);
      for (const order of after) expect([order.purpose, order.strategy]).toEqual(['exit', 'risk']);
      for (const [symbol, quantity] of held(gateway)) expect(`${symbol} ${quantity}`).toBe(`${symbol} 0`);
      for (const e of events.slice(haltAt + 1)) expect(e).toMatchObject({ event: 'rejected', rule: 'trading_state' });
      const metrics = JSON.parse(readFileSync(join(work.results, 'metrics.json'), 'utf8')) as {
        risk_events: { state_changes: Record<string, number> };
      };
      expect(metrics.risk_events.state_changes).toEqual({ kill_switch: 1 });
    },
  );

  it(
    'ets halt --flatten sent to a session already halted closes the positions and is recorded as a notice',
    { timeout: 90_000 },
    async () => {
      const config = tradingConfig(work, gateway);
      const session = startLive(work, config, ['--until', dataEnd(gateway)]);
      await until(() => holding(gateway), 60_000);
      const haltConfig = writeConfig(work, config, 'halt.yaml');
      const first = await runCliAsync(['halt', '-c', haltConfig, '--reason', 'first'], work.dir);
      expect(first.status, first.stderr).toBe(0);
      const second = await runCliAsync(['halt', '-c', haltConfig, '--flatten', '--reason', 'second'], work.dir);
      expect(second.stdout).toContain('halt and flatten taken by the running session');
      expect(second.status, second.stderr).toBe(0);
      await until(() => !holding(gateway), 30_000);
      session.child.kill('SIGTERM');
      expect((await session.done).status).toBe(0);

      // (readCsv splits at every comma: a reason's own commas cut it into cells.)
      const events = readCsv(join(work.results, 'risk_events.csv')).filter((e) => e.event !== 'rejected');
      expect(events.map((e) => [e.event, e.rule, e.to, e.reason])).toEqual([
        ['state', 'kill_switch', 'HALTED', 'kill switch (ets halt): first'],
        ['notice', 'kill_switch', '', '"kill switch (ets halt): second'],
      ]);
      const metrics = JSON.parse(readFileSync(join(work.results, 'metrics.json'), 'utf8')) as {
        risk_events: { state_changes: Record<string, number>; notices: Record<string, number> };
      };
      expect(metrics.risk_events.state_changes).toEqual({ kill_switch: 1 });
      expect(metrics.risk_events.notices).toEqual({ kill_switch: 1 });
      const journal = await runCliAsync(['journal', 'events', '-c', haltConfig, '--format', 'csv'], work.dir);
      expect(journal.status, journal.stderr).toBe(0);
      expect(journal.stdout).toContain(
        'kill switch (ets halt): second, flattening: the state stays HALTED by kill_switch',
      );
    },
  );

  it(
    'a flatten asked for while no session runs closes the positions the next session starts with',
    { timeout: 120_000 },
    async () => {
      // Entries without protective orders: nothing may close the positions while no session runs (a stop filled
      // between the sessions at the replay's speed, and the second session then had less to close).
      const config = liveConfig(work, {
        ...tradingConfig(work, gateway),
        trading: { use_bracket_orders: false },
      });
      const first = startLive(work, config, ['--until', dataEnd(gateway)]);
      await until(() => holding(gateway), 60_000);
      first.child.kill('SIGTERM');
      expect((await first.done).status).toBe(0);
      const holdings = [...held(gateway)].filter(([, quantity]) => quantity !== 0);
      expect(holdings.length).toBeGreaterThan(0);
      const ordersBefore = readCsv(join(work.results, 'orders.csv')).length;

      const haltConfig = writeConfig(work, config, 'halt.yaml');
      const pending = await runCliAsync(
        ['halt', '-c', haltConfig, '--flatten', '--reason', 'overnight', '--wait', '0'],
        work.dir,
      );
      expect(pending.status).toBe(1);
      const second = startLive(work, config, ['--until', dataEnd(gateway)]);
      await until(() => !holding(gateway), 60_000);
      second.child.kill('SIGTERM');
      const run = await second.done;
      expect(run.stderr).toBe('\nSIGTERM: stopping gracefully (again to exit at once)\n');
      expect(run.status).toBe(0);
      expect(existsSync(join(work.dir, 'ets.halt'))).toBe(false);
      // Nothing left working at the broker.
      const working = gateway.broker
        .snapshot()
        .orders.filter((o) => o.clientId === 11 && (o.state === 'PreSubmitted' || o.state === 'Submitted'));
      expect(working.map((o) => `${o.symbol} ${o.request.purpose}`)).toEqual([]);
      const states = readCsv(join(work.results, 'risk_events.csv')).filter((e) => e.event === 'state');
      expect(states.map((e) => [e.rule, e.to])).toEqual([['kill_switch', 'HALTED']]);
      // The session's only orders (its rows follow the first session's) closed what it started with.
      const orders = readCsv(join(work.results, 'orders.csv')).slice(ordersBefore);
      expect(orders.map((o) => [o.symbol, o.purpose, o.strategy]).sort()).toEqual(
        holdings.map(([symbol]) => [symbol, 'exit', 'risk']).sort(),
      );
    },
  );

  it('a directory appearing at the path halts the session once, and is left in place', async () => {
    const config = tradingConfig(work, gateway);
    const session = startLive(work, config, ['--until', dataEnd(gateway)]);
    await until(() => entries(work) > 0, 60_000);
    const folder = join(work.dir, 'ets.halt');
    mkdirSync(folder);
    writeFileSync(join(folder, 'kept'), 'not the session’s');
    const recorded = () =>
      existsSync(join(work.results, 'risk_events.csv'))
        ? readCsv(join(work.results, 'risk_events.csv')).filter((e) => e.event !== 'rejected')
        : [];
    await until(() => recorded().length > 0, 30_000);
    // Many of the session's looks later, still the one halt.
    await new Promise((r) => setTimeout(r, 1000));
    session.child.kill('SIGTERM');
    expect((await session.done).status).toBe(0);
    expect(recorded().map((e) => [e.event, e.rule, e.to, e.reason])).toEqual([
      // (readCsv splits at every comma: the reason's own commas cut it into cells.)
      ['state', 'kill_switch', 'HALTED', '"kill switch (file ets.halt): the path is a directory'],
    ]);
    expect(readdirSync(folder)).toEqual(['kept']);
  }, 90_000);

  it('a read-only session leaves a halt request in the file for a session that trades', async () => {
    const config = tradingConfig(work, gateway);
    const session = startLive(work, config, ['--until', dataEnd(gateway), '--read-only']);
    await until(() => existsSync(join(work.results, 'read-only', 'orders.csv')), 30_000);
    const halt = await runCliAsync(['halt', '-c', writeConfig(work, config, 'halt.yaml'), '--wait', '1'], work.dir);
    expect(halt.stderr).toMatch(/^error: no running session took the halt request within 1 s/);
    expect(halt.status).toBe(1);
    expect(existsSync(join(work.dir, 'ets.halt'))).toBe(true);
    session.child.kill('SIGTERM');
    const run = await session.done;
    expect(run.status).toBe(0);
    expect(readCsv(join(work.results, 'read-only', 'risk_events.csv')).filter((e) => e.event === 'state')).toEqual([]);
  }, 90_000);

  it('SIGUSR2 halts without flattening; ets halt without a session leaves the request for the next one', async () => {
    const config = tradingConfig(work, gateway);
    const lonely = await runCliAsync(['halt', '-c', writeConfig(work, config, 'halt.yaml'), '--wait', '0'], work.dir);
    expect(lonely.status).toBe(1);
    expect(lonely.stderr).toMatch(
      /^error: no running session took the halt request within 0 s; it stays at .*ets\.halt/,
    );
    expect(existsSync(join(work.dir, 'ets.halt'))).toBe(true);

    // The next session takes the request at its start and never places an order.
    const session = startLive(work, config, ['--until', dataEnd(gateway)]);
    await until(() => !existsSync(join(work.dir, 'ets.halt')), 30_000);
    let said = '';
    session.child.stderr!.on('data', (chunk: Buffer | string) => (said += String(chunk)));
    session.child.kill('SIGUSR2');
    // Halted for good: the rest of the day would trade nothing, so the session is stopped as Ctrl+C does.
    await until(() => said.includes('SIGUSR2: halting trading'), 30_000);
    session.child.kill('SIGTERM');
    const run = await session.done;
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('SIGUSR2: halting trading');
    expect(readCsv(join(work.results, 'orders.csv'))).toEqual([]);
    const states = readCsv(join(work.results, 'risk_events.csv')).filter((e) => e.event === 'state');
    expect(states.map((e) => [e.rule, e.to])).toEqual([['kill_switch', 'HALTED']]);
  }, 90_000);
});
