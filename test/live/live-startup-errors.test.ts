import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IbClient } from '../../src/adapters/ib/ib-client.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { silentLogger } from '../../src/logging/logger.js';
import { liveConfig, liveWork, runLive, startLive, startTestGateway, type LiveWork } from './live-fixture.js';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as { port: number }).port;
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((done) =>
    server.close(() => {
      done();
    }),
  );
}

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await close(server);
  return port;
}

/** The one line a failed start writes, and its exit code; it leaves no results directory or journal behind. */
async function failure(
  work: LiveWork,
  overrides: Record<string, unknown>,
  args: string[] = [],
): Promise<[number | null, string]> {
  const run = await runLive(work, liveConfig(work, overrides), args);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(existsSync(work.results)).toBe(false);
  return [run.status, run.stderr.trim()];
}

describe('ets live refuses to start, with one line saying why and a non-zero exit', () => {
  let work: LiveWork;
  let gateway: Gateway;
  beforeAll(async () => {
    work = liveWork();
    gateway = await startTestGateway(work, { clockMode: 'manual', start: '2024-10-16 10:00' });
  });
  afterAll(async () => {
    await gateway.stop();
    work.cleanup();
  });

  it('when nothing listens on the port, and says it in the log file too', async () => {
    const port = await freePort();
    const why = `nothing is listening at 127.0.0.1:${port}: is TWS / IB Gateway running, with "Enable ActiveX and Socket Clients" on and the socket port set to ${port}?`;
    expect(await failure(work, { ibkr: { port } })).toEqual([1, `error: ${why}`]);
    const last = readFileSync(join(work.logs, 'ets.log'), 'utf8').trim().split('\n').at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ level: 50, error: 'IbConnectError', msg: `session failed: ${why}` });
  });

  it('when the client id is in use (326)', async () => {
    const other = new IbClient({
      host: '127.0.0.1',
      port: gateway.port,
      clientId: 11,
      connectTimeoutMs: 3000,
      maxMessagesPerSecond: 45,
      logger: silentLogger(),
    });
    await other.connect();
    try {
      const [status, line] = await failure(work, { ibkr: { port: gateway.port } });
      expect(status).toBe(1);
      expect(line).toBe(
        `error: client id 11 is already in use at 127.0.0.1:${gateway.port} (326): set ibkr.client_id to an id no other API client uses`,
      );
    } finally {
      other.disconnect();
    }
  });

  it('when TWS accepts the socket but never answers', async () => {
    const silent = createServer((socket) => socket.resume());
    const port = await listen(silent);
    try {
      const [status, line] = await failure(work, { ibkr: { port, connect_timeout_seconds: 0.5 } });
      expect(status).toBe(1);
      expect(line).toMatch(/^error: no answer from TWS \/ IB Gateway at 127\.0\.0\.1:\d+ within 0\.5 s/);
    } finally {
      await close(silent);
    }
  });

  it('at once on Ctrl+C while TWS does not answer, rather than after the connect timeout', async () => {
    const silent = createServer((socket) => socket.resume());
    const port = await listen(silent);
    try {
      const live = startLive(work, liveConfig(work, { ibkr: { port, connect_timeout_seconds: 60 } }));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const interrupted = Date.now();
      live.child.kill('SIGINT');
      const run = await live.done;
      expect(Date.now() - interrupted).toBeLessThan(5000);
      expect(run.status).toBe(130);
      expect(run.stderr).toContain(
        `interrupted (SIGINT) while connecting to TWS / IB Gateway at 127.0.0.1:${port}: nothing was sent\n`,
      );
    } finally {
      await close(silent);
    }
  });

  it('when TWS closes the socket during the handshake (API refused)', async () => {
    const rude = createServer((socket) => socket.destroy());
    const port = await listen(rude);
    try {
      const [status, line] = await failure(work, { ibkr: { port } });
      expect(status).toBe(1);
      expect(line).toMatch(/^error: TWS \/ IB Gateway at 127\.0\.0\.1:\d+ closed the connection during the handshake/);
    } finally {
      await close(rude);
    }
  });

  it('when the configured account is not one the login manages', async () => {
    expect(await failure(work, { ibkr: { port: gateway.port, account_id: 'DU7654321' } })).toEqual([
      2,
      'error: account DU7***321 (ibkr.account_id) is not among the accounts this login manages (DU1***567)',
    ]);
  });

  it('on a live-trading port without both permissions, before connecting', async () => {
    expect(await failure(work, { ibkr: { port: 7496 } })).toEqual([
      2,
      'error: port 7496 is a live-trading port: refusing to connect unless both --live and ibkr.allow_live: true are given (paper ports: TWS 7497, IB Gateway 4002)',
    ]);
    expect((await failure(work, { ibkr: { port: 4001, allow_live: true } }))[0]).toBe(2);
    // Before the dashboard too: no address of a page that is gone at once.
    const dashboard = { enabled: true, port: await freePort() };
    expect((await failure(work, { ibkr: { port: 7496 }, live: { dashboard } }))[0]).toBe(2);
  });

  it('when a symbol is unknown to IB (200)', async () => {
    const [status, line] = await failure(work, {
      ibkr: { port: gateway.port },
      trading: { symbols: ['SYNA', 'NOPE'] },
    });
    expect(status).toBe(2);
    expect(line).toMatch(/^error: .*NOPE/);
  });

  it('when several strategies are enabled without their own symbols, or a flag is malformed', async () => {
    const [status, line] = await failure(work, {
      ibkr: { port: gateway.port },
      strategies: {
        sma_crossover: { enabled: true, bar_size: '5 mins' },
        rsi_mean_reversion: { enabled: true, bar_size: '5 mins' },
      },
    });
    expect([status, line]).toEqual([
      2,
      'error: strategies.sma_crossover.symbols: missing; when several strategies run at once each lists its own symbols',
    ]);
    expect(await failure(work, { ibkr: { port: gateway.port } }, ['--duration', 'soon'])).toEqual([
      2,
      'error: --duration soon: expected a duration such as 90s, 30m, 2h or 1d',
    ]);
    expect(await failure(work, { ibkr: { port: gateway.port } }, ['--duration', '1h', '--until', '11:00'])).toEqual([
      2,
      'error: --duration and --until: give one (the session stops after a time, or at one)',
    ]);
  });
});

describe('ets live refuses a real-money account unless live trading is allowed twice', () => {
  let work: LiveWork;
  let gateway: Gateway;
  beforeAll(async () => {
    work = liveWork();
    gateway = await startTestGateway(work, { accountId: 'U1234567', clockMode: 'manual', start: '2024-10-16 10:00' });
  });
  afterAll(async () => {
    await gateway.stop();
    work.cleanup();
  });

  it('refuses it without --live and ibkr.allow_live', async () => {
    const overrides = { ibkr: { port: gateway.port, account_id: 'U1234567' } };
    const refusal = [
      2,
      'error: account U12***567 is not a paper account: refusing to trade it unless both --live and ibkr.allow_live: true are given',
    ];
    expect(await failure(work, overrides)).toEqual(refusal);
    expect(await failure(work, overrides, ['--live'])).toEqual(refusal);
    expect(await failure(work, { ibkr: { ...overrides.ibkr, allow_live: true } })).toEqual(refusal);
  });

  it('trades it with both, masking the account id', async () => {
    const run = await runLive(
      work,
      liveConfig(work, { ibkr: { port: gateway.port, account_id: 'U1234567', allow_live: true } }),
      ['--live', '--duration', '1s'],
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Account              U12***567');
    expect(run.stdout).not.toContain('U1234567');
  });
});
