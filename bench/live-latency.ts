/**
 * The live node's hot path measured from outside, at the socket: the time from a five-second real-time bar
 * arriving on the wire to the placeOrder it causes leaving on the wire.
 *
 * Three processes, as in a real setup: `ets gateway` replaying generated daily data (five-second bars synthesised
 * from each day's OHLC) for 50 symbols, `ets live` trading them, and this process in between as a TCP proxy
 * (bench/tws-proxy.ts) that forwards every byte unchanged and stamps each frame on arrival. The proxy learns which
 * symbol a request id streams from the node's reqRealTimeBars, stamps every REAL_TIME_BARS frame towards the node
 * and every PLACE_ORDER towards the gateway; an order's latency is its PLACE_ORDER stamp minus the stamp of the last
 * bar of its symbol before it. Both loopback hops (proxy → node, node → proxy) are inside the figure.
 *
 * The node runs the shipped config except: SMA 2/3 on "5 secs" bars (the five-second bars pass straight through to
 * the strategy and cross often), plain market orders (no brackets: one message per order), fixed:1 sizing, no
 * position, loss or OER limit that could hold an order back, an outgoing message limit of 30 a second instead of 45
 * (with 45 the gateway disconnects the node at startup), and a start a minute before the open, so that the
 * strategy warms up on live bars and no symbol waits for a backfill (see the comments on the config below). The
 * replay speed keeps the orders below the limit: a message the limiter queues is written late and would measure the
 * limiter, not the path, so every message to the gateway is counted per sliding second at the proxy and the output
 * says whether any second reached the limit. At 4x a step of 50 bars arrives every 1.25 s and brings some 16
 * orders (at most ~22): about 12 orders a second, some 1,100 in 90 s.
 *
 * Run: node dist/bench/live-latency.js [--symbols 50] [--speed 4] [--seconds 90] [--warm 8] [--max-messages 30]
 *      [--profile <dir>] [--verbose]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitFields } from '../src/gateway/protocol/framing.js';
import {
  benchSymbols,
  percentile,
  startChild,
  startGateway,
  stopChild,
  verdict,
  writeBenchData,
  writeYaml,
  type Child,
} from './live-support.js';
import { TwsProxy, type ProxiedFrame } from './tws-proxy.js';

export interface LatencyOptions {
  readonly symbols: number;
  readonly speed: number;
  /** Wall-clock seconds of trading measured, after the warm-up. */
  readonly seconds: number;
  /** Seconds after the first real-time bar that are not measured: the strategy warms up on the first bars. */
  readonly warmSeconds: number;
  /** The node's outgoing message limit (monitoring.max_messages_per_second). */
  readonly maxMessagesPerSecond: number;
  /** SMA periods of the five-second strategy: 2/3 crosses on about a third of the bars, 10/30 now and then. */
  readonly fast: number;
  readonly slow: number;
  /** Write a CPU profile of the live node into this directory. */
  readonly profileDir?: string;
}

export interface LatencyResult {
  readonly symbols: number;
  readonly speed: number;
  readonly maxMessagesPerSecond: number;
  readonly fast: number;
  readonly slow: number;
  /** Order latencies in microseconds, sorted. */
  readonly micros: readonly number[];
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Orders placed in the measured span, and orders outside it (warm-up, shutdown). */
  readonly orders: number;
  readonly excludedOrders: number;
  /** Orders with no bar of their symbol before them (not attributable). */
  readonly unattributed: number;
  readonly bars: number;
  readonly measuredSeconds: number;
  /** Loopback round trips between two otherwise idle processes, back to back (µs, sorted). */
  readonly loopback: readonly number[];
  /**
   * The same, each after IDLE_GAP_MS of quiet, as a step's burst of bars arrives after the pause between steps (µs,
   * sorted): both processes wake from sleep, the real floor of the figure.
   */
  readonly loopbackAfterIdle: readonly number[];
  /** Most messages the node sent (all kinds / placeOrder only) within any sliding second of the measured span. */
  readonly peakMessagesPerSecond: number;
  readonly peakOrdersPerSecond: number;
  /** Requests for history in the measured span (backfills): their answers can complete bars off the socket path. */
  readonly historyRequests: number;
  /** Bars of the strategy and five-second bars the node reports: fewer strategy bars means symbols were held back. */
  readonly strategyBars: number;
  readonly fiveSecondBars: number;
  /** Client connections the proxy saw: more than one means the node reconnected. */
  readonly connections: number;
  readonly nodeExit: number | null;
  readonly nodeSummary: string;
  readonly nodeErrors: string;
  readonly gatewayLog: string;
  readonly nodeWarnings: readonly string[];
}

interface OrderSample {
  readonly time: bigint;
  readonly micros: number;
}

/**
 * A minute before the open, replayed rather than skipped: the node starts up before the first regular-hours bar,
 * so its warm-up history is empty and no symbol has a gap to backfill (see the config's comment).
 */
const REPLAY_START = '2023-06-01 09:29:00';
const PRE_OPEN_SECONDS = 60;
const REAL_TIME_BARS = '50';
const REQ_REAL_TIME_BARS = '50';
const PLACE_ORDER = '3';
const REQ_HISTORICAL_DATA = '20';

/** Most events within any window of `windowNs` (times sorted). */
function peakInWindow(times: readonly bigint[], windowNs: bigint): number {
  let peak = 0;
  let first = 0;
  for (let i = 0; i < times.length; i++) {
    while (times[i]! - times[first]! >= windowNs) first++;
    peak = Math.max(peak, i - first + 1);
  }
  return peak;
}

/** Quiet before each of the idle round trips: about a replay step's pause at 12x (5 s / 12). */
const IDLE_GAP_MS = 400;
/** A step's 50 real-time bars on the wire. */
const BURST_BYTES = 3_700;

/**
 * The floor under the figure: round trips of a step's burst of bars between this process and an echo process over
 * loopback TCP, in microseconds, sorted — back to back, or each after `gapMs` of quiet. The measured path has the same
 * two hops (proxy → node, node → proxy).
 */
async function loopbackRoundTrips(count: number, gapMs = 0): Promise<number[]> {
  const echo = fork(fileURLToPath(import.meta.url), ['--echo'], { stdio: 'inherit' });
  try {
    const port = await new Promise<number>((resolve) => {
      echo.once('message', (message) => {
        resolve(Number(message));
      });
    });
    const socket = new Socket();
    socket.setNoDelay(true);
    await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
    const message = Buffer.alloc(BURST_BYTES, 1);
    const trips: number[] = [];
    for (let i = 0; i < count; i++) {
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      const sent = process.hrtime.bigint();
      await new Promise<void>((resolve) => {
        let received = 0;
        const onData = (chunk: Buffer): void => {
          received += chunk.length;
          if (received < message.length) return;
          socket.off('data', onData);
          resolve();
        };
        socket.on('data', onData);
        socket.write(message);
      });
      trips.push(Number(process.hrtime.bigint() - sent) / 1000);
    }
    socket.destroy();
    return trips.sort((a, b) => a - b);
  } finally {
    echo.kill();
  }
}

function runEcho(): void {
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on('data', (chunk: Buffer) => socket.write(chunk));
    socket.on('close', () => process.exit(0));
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.(typeof address === 'object' && address !== null ? address.port : 0);
  });
}

/** The id of a frame without splitting it: the text before the first NUL. */
function messageId(payload: Buffer): string {
  const end = payload.indexOf(0);
  return payload.toString('latin1', 0, end < 0 ? payload.length : end);
}

export async function runLiveLatency(options: LatencyOptions): Promise<LatencyResult> {
  const work = mkdtempSync(join(tmpdir(), 'ets-bench-live-'));
  let gateway: Child | undefined;
  let node: Child | undefined;
  let proxy: TwsProxy | undefined;
  try {
    const loopback = await loopbackRoundTrips(2000);
    const loopbackAfterIdle = await loopbackRoundTrips(40, IDLE_GAP_MS);
    const symbols = benchSymbols(options.symbols);
    const data = join(work, 'data');
    writeBenchData(data, symbols);
    const started = await startGateway([
      '--data-dir',
      data,
      '--speed',
      String(options.speed),
      '--start',
      REPLAY_START,
      '--no-skip-closed',
      '--log-level',
      'info',
    ]);
    gateway = started.child;

    const symbolByRequest = new Map<number, string>();
    const lastBar = new Map<string, bigint>();
    const orders: OrderSample[] = [];
    const sent: bigint[] = [];
    const historyRequests: bigint[] = [];
    let unattributed = 0;
    let bars = 0;
    let firstBar: bigint | undefined;
    const onFrame = (frame: ProxiedFrame): void => {
      if (frame.index === 0) return;
      const id = messageId(frame.payload);
      if (frame.direction === 'toClient') {
        if (id !== REAL_TIME_BARS) return;
        // REAL_TIME_BARS: id, version, reqId, time, open, high, low, close, volume, wap, count
        const symbol = symbolByRequest.get(Number(splitFields(frame.payload)[2]));
        if (symbol === undefined) return;
        lastBar.set(symbol, frame.time);
        firstBar ??= frame.time;
        bars++;
        return;
      }
      sent.push(frame.time);
      if (id === REQ_REAL_TIME_BARS) {
        // REQ_REAL_TIME_BARS: id, version, reqId, conId, symbol, secType, …
        const fields = splitFields(frame.payload);
        symbolByRequest.set(Number(fields[2]), fields[4]!);
      } else if (id === PLACE_ORDER) {
        // PLACE_ORDER (server version ≥ 145, no message version): id, orderId, conId, symbol, secType, …
        const symbol = splitFields(frame.payload)[3]!;
        const barTime = lastBar.get(symbol);
        if (barTime === undefined) unattributed++;
        else orders.push({ time: frame.time, micros: Number(frame.time - barTime) / 1000 });
      } else if (id === REQ_HISTORICAL_DATA) {
        historyRequests.push(frame.time);
      }
    };
    proxy = await TwsProxy.start({ targetPort: started.port, onFrame });

    const config = writeYaml(join(work, 'live.yaml'), {
      ibkr: {
        gateway: 'external',
        host: '127.0.0.1',
        port: proxy.port,
        client_id: 7,
        // Requested at 09:29 with regular hours only: no bars (IB's 162 "no data", taken as an empty history).
        // With history, every symbol's first live bar would open a gap to backfill with five-second bars; with the
        // 50 warm-up requests those exceed IB's 60 small-bar requests per 10 minutes, and the node would hold the
        // live bars of 40 symbols for up to 10 minutes waiting for their backfill (see the report).
        historical_duration: '300 S',
      },
      trading: {
        symbols,
        sizing: 'fixed:1',
        max_active_positions: symbols.length,
        max_daily_loss_pct: 100,
        max_drawdown_pct: 100,
        use_bracket_orders: false,
        // The strategy is warm after 4 bars (slow + 1, ATR + 1) instead of 15: it warms up on live bars.
        atr_period: 2,
      },
      strategies: {
        sma_crossover: {
          enabled: true,
          params: { fast: options.fast, slow: options.slow },
          bar_size: '5 secs',
        },
      },
      monitoring: { oer_enabled: false, max_messages_per_second: options.maxMessagesPerSecond },
      logging: { directory: join(work, 'logs'), console: false },
      live: { results_directory: join(work, 'results') },
      benchmarking: { symbol: null },
    });
    const nodeArgs =
      options.profileDir === undefined
        ? []
        : ['--cpu-prof', '--cpu-prof-interval', '50', '--cpu-prof-dir', options.profileDir];
    // The duration counts from the end of startup: the rest of the minute before the open, the warm-up, the span.
    const duration = Math.ceil(PRE_OPEN_SECONDS / options.speed + options.warmSeconds + options.seconds + 3);
    node = startChild(['live', '--config', config, '--duration', `${duration}s`], nodeArgs);
    const nodeExit = await node.exited;

    const from = (firstBar ?? 0n) + BigInt(Math.round(options.warmSeconds * 1e9));
    const to = from + BigInt(Math.round(options.seconds * 1e9));
    const inSpan = (t: bigint): boolean => t >= from && t < to;
    const measured = orders.filter((o) => inSpan(o.time));
    const micros = measured.map((o) => o.micros).sort((a, b) => a - b);
    const lastSent = sent.at(-1) ?? from;
    const measuredSeconds = Number((lastSent < to ? lastSent : to) - from) / 1e9;
    const logDir = join(work, 'logs');
    const nodeWarnings = readdirSync(logDir)
      .flatMap((file) => readFileSync(join(logDir, file), 'utf8').split('\n'))
      .filter((line) => /"level":(40|50|60)/.test(line));
    return {
      symbols: options.symbols,
      speed: options.speed,
      maxMessagesPerSecond: options.maxMessagesPerSecond,
      fast: options.fast,
      slow: options.slow,
      micros,
      p50: percentile(micros, 50),
      p99: percentile(micros, 99),
      max: micros.at(-1) ?? Number.NaN,
      orders: measured.length,
      excludedOrders: orders.length - measured.length,
      unattributed,
      bars,
      measuredSeconds,
      loopback,
      loopbackAfterIdle,
      peakMessagesPerSecond: peakInWindow(sent.filter(inSpan), 1_000_000_000n),
      peakOrdersPerSecond: peakInWindow(
        measured.map((o) => o.time),
        1_000_000_000n,
      ),
      historyRequests: historyRequests.filter(inSpan).length,
      strategyBars: Number(/Bars\s+(\d+) /.exec(node.stdout())?.[1] ?? Number.NaN),
      fiveSecondBars: Number(/from (\d+) five-second bars/.exec(node.stdout())?.[1] ?? Number.NaN),
      connections: proxy.connectionCount,
      nodeExit,
      nodeSummary: node.stdout(),
      nodeErrors: node.stderr(),
      gatewayLog: gateway.stderr(),
      nodeWarnings,
    };
  } finally {
    await stopChild(node);
    await proxy?.close();
    await stopChild(gateway);
    rmSync(work, { recursive: true, force: true });
  }
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function text(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function ms(micros: number): string {
  return `${(micros / 1000).toFixed(3)} ms`;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--echo')) {
  runEcho();
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const profileDir = text('profile');
  const result = await runLiveLatency({
    symbols: flag('symbols', 50),
    speed: flag('speed', 4),
    seconds: flag('seconds', 90),
    warmSeconds: flag('warm', 8),
    maxMessagesPerSecond: flag('max-messages', 45),
    fast: flag('fast', 2),
    slow: flag('slow', 3),
    ...(profileDir === undefined ? {} : { profileDir }),
  });
  const limiterClear = result.peakMessagesPerSecond < result.maxMessagesPerSecond;
  process.stdout.write(
    `live bar -> placeOrder at the socket, ${result.symbols} symbols x 5-second bars at ${result.speed}x replay, ` +
      `SMA ${result.fast}/${result.slow}: ` +
      `p50 ${ms(result.p50)}, p99 ${ms(result.p99)}, max ${ms(result.max)} over ${result.orders} orders in ` +
      `${result.measuredSeconds.toFixed(0)} s\n` +
      `  target: p99 <= 1 ms [${verdict(result.p99 <= 1000)}]; node -> gateway at most ` +
      `${result.peakMessagesPerSecond} msgs in a second (limit ${result.maxMessagesPerSecond}: ` +
      `${limiterClear ? 'no order held back' : 'orders may have waited for the limiter'}); loopback floor ` +
      `(a burst's round trip between two processes) p50 ${ms(percentile(result.loopback, 50))} back to back, ` +
      `p50 ${ms(percentile(result.loopbackAfterIdle, 50))} / p90 ${ms(percentile(result.loopbackAfterIdle, 90))} ` +
      `after ${IDLE_GAP_MS} ms of quiet\n`,
  );
  const notes: string[] = [];
  if (result.orders < 1000) notes.push(`only ${result.orders} orders measured (wanted >= 1000)`);
  if (result.connections !== 1) notes.push(`the node connected ${result.connections} times (reconnections)`);
  if (!(result.strategyBars >= 0.95 * result.fiveSecondBars)) {
    notes.push(
      `the strategy got ${result.strategyBars} of ${result.fiveSecondBars} five-second bars (symbols held back)`,
    );
  }
  if (result.unattributed > 0) notes.push(`${result.unattributed} orders had no bar of their symbol before them`);
  if (result.historyRequests > 0) notes.push(`${result.historyRequests} history requests in the measured span`);
  if (result.nodeExit !== 0) notes.push(`ets live exited with ${result.nodeExit}`);
  if (notes.length > 0) process.stdout.write(`  note: ${notes.join('; ')}\n`);
  if (result.nodeExit !== 0) process.stdout.write(result.nodeErrors.trim().split('\n').slice(-5).join('\n') + '\n');
  if (process.argv.includes('--verbose')) {
    process.stdout.write(
      `${result.nodeSummary}\n--- node warnings\n${result.nodeWarnings.join('\n')}\n--- gateway\n${result.gatewayLog}\n`,
    );
  }
  if (result.nodeExit !== 0 || result.orders === 0) process.exitCode = 1;
}
