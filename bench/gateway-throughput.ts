/**
 * Throughput of the embedded gateway: five-second real-time bars for 500 symbols replayed at 100x and delivered
 * over a real socket. The gateway runs in this process (its CPU is what is measured, with process.cpuUsage());
 * the consumer is a child process speaking the TWS protocol directly, so its decoding does not count.
 *
 * Run: node dist/bench/gateway-throughput.js [--symbols 500] [--speed 100] [--seconds 20]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Gateway } from '../src/gateway/gateway.js';
import { frameFields } from '../src/gateway/protocol/field-writer.js';
import { FrameDecoder, splitFields } from '../src/gateway/protocol/framing.js';

export interface ThroughputOptions {
  readonly symbols: number;
  readonly speed: number;
  /** Wall-clock seconds measured after every subscription is in place. */
  readonly seconds: number;
}

export interface ThroughputResult {
  readonly symbols: number;
  readonly speed: number;
  readonly wallSeconds: number;
  readonly barsDelivered: number;
  readonly barsPerSecond: number;
  /** Gateway CPU time over wall time, in percent of one core. */
  readonly cpuPercentOfOneCore: number;
}

type ConsumerMessage = { kind: 'subscribed' } | { kind: 'count'; bars: number };

/** The consumer side: handshake, START_API, one reqRealTimeBars per symbol, then counting REAL_TIME_BARS. */
function runConsumer(port: number, symbols: readonly string[]): void {
  const socket = new Socket();
  const decoder = new FrameDecoder();
  let handshakeDone = false;
  let bars = 0;
  const send = (fields: string[]): void => {
    socket.write(frameFields(fields));
  };
  socket.connect(port, '127.0.0.1', () => {
    const range = Buffer.from('v157..193', 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(range.length, 0);
    socket.write(Buffer.concat([Buffer.from('API\0', 'latin1'), length, range]));
  });
  socket.on('data', (chunk: Buffer) => {
    decoder.push(chunk);
    for (let frame = decoder.next(); frame.kind === 'frame'; frame = decoder.next()) {
      if (!handshakeDone) {
        handshakeDone = true;
        send(['71', '2', '1', '']);
        continue;
      }
      const id = frame.payload.toString('latin1', 0, 3);
      if (id === '50\0') {
        bars++;
      } else if (splitFields(frame.payload)[0] === '9') {
        symbols.forEach((symbol, i) => {
          send([
            '50',
            '3',
            String(i + 1),
            '0',
            symbol,
            'STK',
            '',
            '0',
            '',
            '',
            'SMART',
            '',
            'USD',
            '',
            '',
            '5',
            'TRADES',
            '1',
            '',
          ]);
        });
        process.send?.({ kind: 'subscribed' } satisfies ConsumerMessage);
      }
    }
  });
  process.on('message', () => {
    process.send?.({ kind: 'count', bars } satisfies ConsumerMessage);
  });
  socket.on('close', () => process.exit(0));
}

function request(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: ConsumerMessage): void => {
      if (message.kind !== 'count') return;
      child.off('message', onMessage);
      resolve(message.bars);
    };
    child.on('message', onMessage);
    child.send('count');
  });
}

export async function runGatewayThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const symbols = Array.from({ length: options.symbols }, (_, i) => `S${String(i + 1).padStart(4, '0')}`);
  const gateway = await Gateway.start({
    port: 0,
    symbols,
    speed: options.speed,
    start: '2021-03-01 09:30:00',
    maxMessagesPerSecond: 10 * options.symbols,
    enforcePacing: false,
  });
  const child = fork(fileURLToPath(import.meta.url), ['--consume', String(gateway.port), symbols.join(',')], {
    stdio: 'inherit',
  });
  try {
    await new Promise<void>((resolve) => {
      child.once('message', () => {
        resolve();
      });
    });
    // Let the subscriptions arrive and the day's bars be synthesized before measuring.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const startBars = await request(child);
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
    const used = process.cpuUsage(cpu);
    const wallMicros = Number(process.hrtime.bigint() - started) / 1000;
    const bars = (await request(child)) - startBars;
    const wallSeconds = wallMicros / 1e6;
    return {
      symbols: options.symbols,
      speed: options.speed,
      wallSeconds,
      barsDelivered: bars,
      barsPerSecond: bars / wallSeconds,
      cpuPercentOfOneCore: ((used.user + used.system) / wallMicros) * 100,
    };
  } finally {
    child.kill();
    await gateway.stop();
  }
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const consume = process.argv.indexOf('--consume');
  if (consume >= 0) {
    runConsumer(Number(process.argv[consume + 1]), (process.argv[consume + 2] ?? '').split(','));
  } else {
    const result = await runGatewayThroughput({
      symbols: flag('symbols', 500),
      speed: flag('speed', 100),
      seconds: flag('seconds', 20),
    });
    const expected = (result.symbols * result.speed) / 5;
    process.stdout.write(
      `gateway throughput: ${result.symbols} symbols × 5-second bars at ${result.speed}x replay\n` +
        `  bars delivered: ${result.barsDelivered} in ${result.wallSeconds.toFixed(1)} s = ` +
        `${Math.round(result.barsPerSecond)} bars/s (replay rate ${Math.round(expected)} bars/s)\n` +
        `  gateway CPU: ${result.cpuPercentOfOneCore.toFixed(1)}% of one core (target ≤ 50%)\n`,
    );
  }
}
