import { spawn } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EventName } from '@stoqey/ib';
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { GatewayOptions } from '../../src/gateway/gateway-options.js';
import { connect, startGateway, waitFor } from './harness.js';
import { RawClient } from './raw-client.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;

/**
 * Opens `count` connections to the port and has each announce a message of IB's maximum length (0xFFFFFF bytes)
 * and send `bytes` of it in 64 KB writes, as fast as the gateway reads them. With mode "hello" the message is the
 * version announcement right after "API\0"; with mode "ready" each connection first completes the handshake with
 * its own client id. Runs in a child process so that its own buffers do not count against the gateway's memory.
 * Prints one JSON line once every connection has sent its bytes or been closed, then keeps the survivors open
 * until stdin closes.
 */
const ATTACKER = String.raw`
const net = require('node:net');
const [port, mode, count, bytes] = process.argv.slice(1).map((v, i) => (i === 1 ? v : Number(v)));
const frame = (fields) => {
  const body = Buffer.from(fields.join('\0') + '\0');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
};
const header = Buffer.alloc(4);
header.writeUInt32BE(0xffffff);
const chunk = Buffer.alloc(64 * 1024, 0x41);
const sockets = [];
function attack(id) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    sockets.push(socket);
    let closed = false;
    let sent = 0;
    let received = Buffer.alloc(0);
    let onMessage = () => undefined;
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      onMessage();
      resolve({ sent, closed: true });
    });
    socket.on('data', (data) => {
      received = Buffer.concat([received, data]);
      onMessage();
    });
    const until = (test) =>
      new Promise((done) => {
        onMessage = () => {
          if (closed || test(received)) done();
        };
        onMessage();
      });
    const has = (id) => (buffer) => {
      for (let at = 0; at + 4 <= buffer.length; ) {
        const length = buffer.readUInt32BE(at);
        if (at + 4 + length > buffer.length) return false;
        if (buffer.subarray(at + 4, at + 4 + length).toString('latin1').split('\0')[0] === id) return true;
        at += 4 + length;
      }
      return false;
    };
    socket.on('connect', async () => {
      if (mode === 'ready') {
        socket.write(Buffer.concat([Buffer.from('API\0'), frame(['v157..193'])]));
        await until((buffer) => buffer.length >= 8);
        socket.write(frame(['71', '2', String(id), '']));
        await until(has('9'));
        if (closed) return;
        socket.write(header);
      } else {
        socket.write(Buffer.concat([Buffer.from('API\0'), header]));
      }
      while (!closed && sent < bytes) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          await new Promise((drained) => {
            socket.once('drain', drained);
            socket.once('close', drained);
          });
        }
      }
      resolve({ sent, closed });
    });
  });
}
Promise.all(Array.from({ length: count }, (_, i) => attack(100 + i))).then((results) => {
  const sent = results.reduce((sum, r) => sum + r.sent, 0);
  const open = sockets.filter((s) => !s.destroyed).length;
  process.stdout.write(JSON.stringify({ sent, open }) + '\n');
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

interface AttackResult {
  /** Bytes the attacker's sockets accepted in total (what the kernel buffered included). */
  readonly sent: number;
  /** Its connections still open when every one had sent its share or been closed. */
  readonly open: number;
  /** Peak growth of the gateway process's resident memory during the attack. */
  readonly rssGrowth: number;
  /** Peak growth of the JavaScript heap and buffer memory during the attack. */
  readonly heapGrowth: number;
}

async function attack(port: number, mode: 'hello' | 'ready', count: number, bytes: number): Promise<AttackResult> {
  gc();
  const base = process.memoryUsage();
  let rssPeak = base.rss;
  let heapPeak = base.heapUsed + base.arrayBuffers;
  const sample = setInterval(() => {
    const usage = process.memoryUsage();
    rssPeak = Math.max(rssPeak, usage.rss);
    heapPeak = Math.max(heapPeak, usage.heapUsed + usage.arrayBuffers);
  }, 10);
  const child = spawn(process.execPath, ['-e', ATTACKER, String(port), mode, String(count), String(bytes)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (data: Buffer) => {
        out += data.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', (code) => {
        reject(new Error(`attacker exited with ${code}`));
      });
    });
    const { sent, open } = JSON.parse(line) as { sent: number; open: number };
    // Hold the connections a moment longer: whatever the gateway keeps is measured now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { sent, open, rssGrowth: rssPeak - base.rss, heapGrowth: heapPeak - base.heapUsed - base.arrayBuffers };
  } finally {
    clearInterval(sample);
    child.stdin.end();
    child.kill();
  }
}

function report(label: string, r: AttackResult): void {
  console.info(
    `${label}: attacker queued ${(r.sent / MB).toFixed(0)} MB, ${r.open} connections left open; ` +
      `gateway peak growth: RSS +${(r.rssGrowth / MB).toFixed(1)} MB, heap+buffers +${(r.heapGrowth / MB).toFixed(1)} MB`,
  );
}

describe('input limits', () => {
  let gateway: Gateway;

  async function start(options: GatewayOptions = {}): Promise<Gateway> {
    gateway = await startGateway(options);
    return gateway;
  }

  afterEach(async () => {
    await gateway.stop();
  });

  async function stillServes(): Promise<void> {
    for (let i = 0; i < 100 && gateway.clientCount > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const client = await connect(gateway.port, 77);
    const time = waitFor(client.api, EventName.currentTime);
    client.api.reqCurrentTime();
    await time;
    await client.disconnect();
  }

  it('closes a connection that does not complete the handshake in time', async () => {
    await start({ handshakeTimeoutMs: 300 });
    const silent = await RawClient.open(gateway.port);
    const helloOnly = await RawClient.open(gateway.port);
    helloOnly.hello();
    await helloOnly.until(() => helloOnly.messages.length >= 1);
    const started = Date.now();
    await silent.until(() => silent.closed, 3000);
    await helloOnly.until(() => helloOnly.closed, 3000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(helloOnly.messages.some((m) => m[0] === '9')).toBe(false);
    // A client that starts in time is not affected by the deadline later.
    const client = await connect(gateway.port, 5);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(client.api.isConnected).toBe(true);
    await client.disconnect();
  });

  it('closes a started client whose message does not arrive completely in time, with 320', async () => {
    await start({ messageTimeoutMs: 300 });
    const raw = await RawClient.open(gateway.port);
    await raw.start(5);
    const partial = Buffer.alloc(4 + 10);
    partial.writeUInt32BE(100, 0);
    raw.raw(partial);
    await raw.until(() => raw.closed, 3000);
    expect(raw.errors().at(-1)?.slice(2, 4)).toEqual(['-1', '320']);
    await stillServes();
  });

  it('refuses a version announcement longer than a handshake message at once', async () => {
    await start();
    const raw = await RawClient.open(gateway.port);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(0xffffff, 0);
    raw.raw(Buffer.concat([Buffer.from('API\0', 'latin1'), header]));
    await raw.until(() => raw.closed, 1000);
    await stillServes();
  });

  it('holds memory under 100 connections each sending half of a maximum-length message before the handshake', async () => {
    await start();
    const result = await attack(gateway.port, 'hello', 100, 8 * MB);
    report('100 connections, half of a 16 MB version announcement each', result);
    expect(result.rssGrowth).toBeLessThan(100 * MB);
    expect(result.heapGrowth).toBeLessThan(100 * MB);
    await stillServes();
  }, 60_000);

  it('holds memory under 100 started clients each sending half of a maximum-length message', async () => {
    // Every one of them a client the gateway admits (the default admits 32); the default input budget.
    await start({ maxClients: 100 });
    const result = await attack(gateway.port, 'ready', 100, 8 * MB);
    report('100 started clients, half of a 16 MB message each', result);
    expect(result.rssGrowth).toBeLessThan(100 * MB);
    expect(result.heapGrowth).toBeLessThan(100 * MB);
    await stillServes();
  }, 60_000);
});
