import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { IbConnectError, type IbClient } from '../../../src/adapters/ib/ib-client.js';
import { testIbClient } from './test-ib-client.js';
import { Gateway } from '../../../src/gateway/gateway.js';

const client = testIbClient;

/** A port nothing listens on: bound once to learn a free number, then closed. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((done) =>
    server.close(() => {
      done();
    }),
  );
  return port;
}

async function failure(c: IbClient): Promise<IbConnectError> {
  const error: unknown = await c.connect().then(
    () => new Error('connected'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IbConnectError);
  return error as IbConnectError;
}

describe('IbClient', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function gateway(): Promise<Gateway> {
    const g = await Gateway.start({ port: 0, clockMode: 'manual', start: '2021-03-01 09:30:00', symbols: ['AAPL'] });
    cleanup.push(() => g.stop());
    return g;
  }

  it('completes the handshake: next order id, managed accounts and the negotiated version', async () => {
    const g = await gateway();
    const c = client(g.port);
    cleanup.push(() => {
      c.disconnect();
    });
    const session = await c.connect();
    expect(session.nextValidId).toBeGreaterThan(0);
    expect(session.accounts).toEqual(['DU1234567']);
    expect(session.serverVersion).toBe(193);
    expect(c.connected).toBe(true);
  });

  it('says nothing listens, and how to fix it, when the port is closed', async () => {
    const port = await freePort();
    const error = await failure(client(port));
    expect(error.kind).toBe('refused');
    expect(error.message).toBe(
      `nothing is listening at 127.0.0.1:${port}: is TWS / IB Gateway running, with "Enable ActiveX and Socket Clients" on and the socket port set to ${port}?`,
    );
  });

  it('names the client id that is already in use (326)', async () => {
    const g = await gateway();
    const first = client(g.port, 7);
    cleanup.push(() => {
      first.disconnect();
    });
    await first.connect();
    const error = await failure(client(g.port, 7));
    expect(error.kind).toBe('client_id_in_use');
    expect(error.message).toMatch(/^client id 7 is already in use at 127\.0\.0\.1:\d+ \(326\): set ibkr\.client_id/);
  });

  it('gives up after the timeout when the peer accepts but never answers', async () => {
    const silent: Server = createServer((socket) => socket.resume());
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    cleanup.push(
      () =>
        new Promise<void>((done) =>
          silent.close(() => {
            done();
          }),
        ),
    );
    const port = (silent.address() as { port: number }).port;
    const error = await failure(client(port, 1, 300));
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/^no answer from TWS \/ IB Gateway at 127\.0\.0\.1:\d+ within 0\.3 s/);
  });

  it('reports a peer that closes the socket during the handshake', async () => {
    const rude: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((done) => rude.listen(0, '127.0.0.1', done));
    cleanup.push(
      () =>
        new Promise<void>((done) =>
          rude.close(() => {
            done();
          }),
        ),
    );
    const error = await failure(client((rude.address() as { port: number }).port));
    expect(error.kind).toBe('closed');
  });

  it('tells listeners when an established connection is lost, and reconnects with the same client id', async () => {
    const g = await gateway();
    const c = client(g.port, 3);
    cleanup.push(() => {
      c.disconnect();
    });
    await c.connect();
    const closed = new Promise<void>((done) => {
      c.onClosed(done);
    });
    g.faults.dropConnections(3);
    await closed;
    expect(c.connected).toBe(false);
    expect(c.send(() => undefined)).toBe(false);
    const again = await c.connect();
    expect(again.accounts).toEqual(['DU1234567']);
    expect(c.connected).toBe(true);
  });
});
