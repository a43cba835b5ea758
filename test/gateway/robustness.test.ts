import { Socket } from 'node:net';
import { EventName } from '@stoqey/ib';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import { frameFields } from '../../src/gateway/protocol/field-writer.js';
import { FrameDecoder, splitFields } from '../../src/gateway/protocol/framing.js';
import { connect, startGateway, waitFor } from './harness.js';

/** A bare TWS-protocol client: raw frames in, decoded messages out. */
class RawClient {
  readonly messages: string[][] = [];
  closed = false;
  private readonly socket = new Socket();
  private readonly decoder = new FrameDecoder();
  private waiters: (() => void)[] = [];

  static async open(port: number): Promise<RawClient> {
    const client = new RawClient();
    await new Promise<void>((resolve, reject) => {
      client.socket.once('error', reject);
      client.socket.connect(port, '127.0.0.1', () => {
        resolve();
      });
    });
    client.socket.on('data', (chunk: Buffer) => {
      client.decoder.push(chunk);
      for (let f = client.decoder.next(); f.kind === 'frame'; f = client.decoder.next())
        client.messages.push(splitFields(f.payload));
      client.notify();
    });
    client.socket.on('close', () => {
      client.closed = true;
      client.notify();
    });
    client.socket.on('error', () => undefined);
    return client;
  }

  raw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  send(fields: string[]): void {
    this.socket.write(frameFields(fields));
  }

  hello(range = 'v157..193'): void {
    const text = Buffer.from(range, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(text.length, 0);
    this.raw(Buffer.concat([Buffer.from('API\0', 'latin1'), length, text]));
  }

  /** Handshake and START_API; resolves once nextValidId has arrived. */
  async start(clientId: number): Promise<void> {
    this.hello();
    await this.until(() => this.messages.length >= 1);
    this.send(['71', '2', String(clientId), '']);
    await this.until(() => this.messages.some((m) => m[0] === '9'));
  }

  async until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  errors(): string[][] {
    return this.messages.filter((m) => m[0] === '4');
  }

  close(): void {
    this.socket.destroy();
  }

  private notify(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }
}

describe('protocol robustness', () => {
  let gateway: Gateway;

  beforeEach(async () => {
    gateway = await startGateway();
  });

  afterEach(async () => {
    await gateway.stop();
  });

  async function stillServes(): Promise<void> {
    const client = await connect(gateway.port, 77);
    const time = waitFor(client.api, EventName.currentTime);
    client.api.reqCurrentTime();
    await time;
    await client.disconnect();
  }

  it('drops a connection that does not speak the V100+ protocol', async () => {
    const raw = await RawClient.open(gateway.port);
    raw.raw(Buffer.from('GET / HTTP/1.1\r\n\r\n', 'latin1'));
    await raw.until(() => raw.closed);
    await stillServes();
  });

  it('answers a client without a common version with its own and closes', async () => {
    const raw = await RawClient.open(gateway.port);
    raw.hello('v100..150');
    await raw.until(() => raw.closed);
    expect(raw.messages[0]?.[0]).toBe('193');
    await stillServes();
  });

  it('answers an oversized frame with 320 and closes', async () => {
    const raw = await RawClient.open(gateway.port);
    await raw.start(5);
    raw.raw(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
    await raw.until(() => raw.closed);
    expect(raw.errors().at(-1)?.slice(2, 4)).toEqual(['-1', '320']);
    await stillServes();
  });

  it('answers unknown and unreadable messages with an error and keeps the connection', async () => {
    const raw = await RawClient.open(gateway.port);
    await raw.start(5);
    raw.send(['250', '1', '2']);
    raw.send(['9', '8', 'abc']);
    raw.send(['3', '42', '0', 'AAPL']);
    raw.send(['49', '1']);
    await raw.until(() => raw.messages.some((m) => m[0] === '49'));
    const errors = raw
      .errors()
      .filter((m) => m[3] === '320')
      .map((m) => [m[2], m[3], m[4]]);
    expect(errors).toEqual([
      ['-1', '320', 'Error reading request: unknown message id 250'],
      ['-1', '320', 'Error reading request: ReqContractData: field 2 is "abc", expected an integer'],
      ['42', '320', 'Error reading request: PlaceOrder: message ended after 4 fields'],
    ]);
    expect(raw.closed).toBe(false);
    raw.close();
  });

  it('survives arbitrary frames after the handshake', async () => {
    const raw = await RawClient.open(gateway.port);
    await raw.start(6);
    const field = fc.oneof(
      fc.constantFrom('', '0', '1', '-1', '3', '20', 'AAPL', 'STK', 'SMART', 'USD', '1 day', '1e999'),
      fc.string({ maxLength: 8 }),
    );
    const frames = fc.sample(
      fc.tuple(
        fc.integer({ min: 1, max: 110 }),
        fc.array(
          field.map((s) => s.replaceAll('\0', '')),
          { maxLength: 30 },
        ),
      ),
      { numRuns: 40, seed: 11 },
    );
    for (const [id, fields] of frames) raw.send([String(id), ...fields]);
    raw.send(['49', '1']);
    await raw.until(() => raw.closed || raw.messages.some((m) => m[0] === '49'));
    raw.close();
    await stillServes();
  });
});
