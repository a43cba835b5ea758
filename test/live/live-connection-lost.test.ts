import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IbClient } from '../../src/adapters/ib/ib-client.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { silentLogger } from '../../src/logging/logger.js';
import { liveConfig, liveWork, startLive, startTestGateway, type LiveWork } from './live-fixture.js';
import { until } from './stepped-replay.js';

const NOT_VERIFIED = 'the book was not verified with the broker at the end';

/** The last line of the session's log. */
function lastLogLine(work: LiveWork): { level: number; msg: string } {
  const lines = readFileSync(join(work.logs, 'ets.log'), 'utf8').trim().split('\n');
  return JSON.parse(lines.at(-1)!) as { level: number; msg: string };
}

/**
 * A session that loses TWS for good ends with its results written, but as a failure: exit code 1, one error line
 * saying why, and a summary that says the book was not verified with the broker at the end.
 */
describe('ets live without TWS at its end', () => {
  let work: LiveWork;
  let gateway: Gateway;
  beforeEach(async () => {
    work = liveWork();
    gateway = await startTestGateway(work, { clockMode: 'manual', start: '2024-10-16 10:00' });
  });
  afterEach(async () => {
    await gateway.stop();
    work.cleanup();
  });

  it('fails when reconnection is given up', { timeout: 60_000 }, async () => {
    const config = liveConfig(work, { ibkr: { port: gateway.port, reconnect: { max_attempts: 2 } } });
    const session = startLive(work, config, ['--duration', '60s']);
    await until(() => gateway.realtimeStreams === 5, 30_000, 'the session subscribing its bars');
    const port = gateway.port;
    await gateway.stop();
    const run = await session.done;
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('could not reconnect to TWS after 2 attempts');
    expect(run.stdout).toMatch(/Book\s+NOT verified with the broker at the end: the connection to TWS was down/);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error: could not reconnect to TWS after 2 attempts: the connection to TWS was down \\(the socket to TWS / IB Gateway closed; last attempt: nothing is listening at 127\\.0\\.0\\.1:${port}.*\\); ${NOT_VERIFIED}$`,
        ),
      ),
    ]);
    // The log, where a supervisor looks, says it as an error too.
    const last = lastLogLine(work);
    expect(last.level).toBe(50);
    expect(last.msg).toContain(NOT_VERIFIED);
  });

  it('fails when another client holds the client id until the end', { timeout: 60_000 }, async () => {
    // The first attempt waits two seconds: time enough for the other client to be there first.
    const reconnect = { initial_delay_seconds: 2, max_delay_seconds: 2 };
    const config = liveConfig(work, { ibkr: { port: gateway.port, reconnect } });
    const session = startLive(work, config, ['--duration', '10s']);
    await until(() => gateway.realtimeStreams === 5, 30_000, 'the session subscribing its bars');
    // The socket drops and, before the session reconnects, a second client takes its id.
    gateway.faults.dropConnections(11);
    const other = new IbClient({
      host: '127.0.0.1',
      port: gateway.port,
      clientId: 11,
      connectTimeoutMs: 3000,
      maxMessagesPerSecond: 45,
      logger: silentLogger(),
    });
    await until(() => gateway.clientCount === 0, 5000, 'the dropped socket closing');
    await other.connect();
    try {
      const run = await session.done;
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/Ended\s+ran for the session's duration/);
      expect(run.stdout).toMatch(/Book\s+NOT verified with the broker at the end/);
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          new RegExp(
            `^error: ran for the session's duration: the connection to TWS was down \\(.*last attempt: client id 11 is already in use .*\\(326\\).*\\); ${NOT_VERIFIED}$`,
          ),
        ),
      ]);
    } finally {
      other.disconnect();
    }
  });
});
