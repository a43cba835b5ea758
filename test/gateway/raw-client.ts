import { Socket } from 'node:net';
import { frameFields } from '../../src/gateway/protocol/field-writer.js';
import { FrameDecoder, splitFields } from '../../src/gateway/protocol/framing.js';

/** A bare TWS-protocol client: raw frames in, decoded messages out. */
export class RawClient {
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
