import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { bundledWorker } from '../core/bundled-worker.js';
import type { TimeRangeOptions } from '../data/bar-files.js';
import {
  candleControl,
  ENDED,
  POSTED,
  REQUESTED,
  type CandleChannel,
  type CandleReloadData,
  type CandleRequest,
  type CandleResult,
} from './candle-reload-protocol.js';
import type { SymbolCandlesState } from './symbol-candles.js';

const WORKER_FILE = 'candle-reload-worker.cjs';
/** How long `take` waits without the thread posting anything before it does without (a thread that hangs). */
const STALL_MS = 30_000;

/** Where a run's candles can come from ahead of its report (see ReportCollector's `ahead`). */
export interface CandlesAhead {
  /** A symbol traded: its candles are wanted, with a cap no lower than the report's. */
  request(symbol: string, cap: number): void;
  /** The symbol's candles, once gathered (waiting for them), once; null when not requested or not to be had. */
  take(symbol: string): SymbolCandlesState | null;
}

/**
 * A second thread that reads the traded symbols' files into their report candles while the run goes on. A report of
 * many symbols reads the traded ones' bars again at the end (gathering every symbol's candles as the bars pass costs
 * more than that when most symbols never trade); asked for each symbol as it first trades, this thread does that
 * reading on the other core, and the report takes the candles when it draws. It reads a file as the report would
 * (the same streams, bounds and row rules) into the same candles; anything it cannot do — a file that fails, a
 * thread that stops answering — the report does itself, as without the thread. Not started on a single core. The
 * same requests can go to a thread that is there anyway (`attach`: the merging thread, in its idle time).
 */
export class CandleReloadThread implements CandlesAhead {
  private readonly port: MessagePort;
  private readonly control: Int32Array;
  private readonly results = new Map<string, CandleResult>();
  private readonly requested = new Set<string>();
  private broken = false;
  private closed = false;

  private constructor(
    channel: CandleChannel,
    private readonly paths: ReadonlyMap<string, string>,
    private readonly stop: () => void,
  ) {
    this.port = channel.port;
    this.control = new Int32Array(channel.control);
  }

  /**
   * Requests to a thread that serves `channel` already (its other end); `release` is called on `close`, once the
   * thread is no longer needed for candles.
   */
  static attach(channel: CandleChannel, paths: ReadonlyMap<string, string>, release: () => void): CandleReloadThread {
    return new CandleReloadThread(channel, paths, release);
  }

  /** Starts the thread for these symbols' files (symbol → path); null on a single core or when not built. */
  static start(
    paths: ReadonlyMap<string, string>,
    range: TimeRangeOptions & { readonly skipBadRows: boolean },
  ): CandleReloadThread | null {
    const file = bundledWorker(WORKER_FILE);
    if (availableParallelism() < 2 || file === null) return null;
    const control = candleControl();
    const { port1, port2 } = new MessageChannel();
    const workerData: CandleReloadData = {
      control,
      port: port2,
      skipBadRows: range.skipBadRows,
      ...(range.start !== undefined && { start: range.start }),
      ...(range.end !== undefined && { end: range.end }),
    };
    // The thread's garbage is small (the candles lie in typed arrays): a small young generation keeps 3 MB off the
    // process's peak.
    const resourceLimits = { maxYoungGenerationSizeMb: 1 };
    const worker = new Worker(file, { workerData, transferList: [port2], resourceLimits });
    // The thread never holds the process open, and its failures surface as missing candles (read again then).
    worker.unref();
    worker.on('error', () => undefined);
    return new CandleReloadThread({ control, port: port1 }, paths, () => void worker.terminate());
  }

  request(symbol: string, cap: number): void {
    const path = this.paths.get(symbol);
    if (this.broken || path === undefined || this.requested.has(symbol)) return;
    this.requested.add(symbol);
    const request: CandleRequest = { symbol, path, cap };
    this.port.postMessage(request);
    Atomics.add(this.control, REQUESTED, 1);
    Atomics.notify(this.control, REQUESTED);
  }

  take(symbol: string): SymbolCandlesState | null {
    if (!this.requested.has(symbol)) return null;
    while (!this.results.has(symbol) && !this.broken) {
      const posted = Atomics.load(this.control, POSTED);
      // Read before the port: what the thread posted before it ended is then on the port.
      const ended = Atomics.load(this.control, ENDED) === 1;
      this.receive();
      if (this.results.has(symbol)) break;
      if (ended) this.broken = true;
      else if (Atomics.wait(this.control, POSTED, posted, STALL_MS) === 'timed-out') this.broken = true;
    }
    const result = this.results.get(symbol);
    this.results.delete(symbol);
    this.requested.delete(symbol);
    return result !== undefined && 'state' in result ? result.state : null;
  }

  /** Ends the thread, or lets go of it (candles not taken are dropped). Safe to call again. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.broken = true;
    this.port.close();
    this.stop();
  }

  private receive(): void {
    for (
      let message = receiveMessageOnPort(this.port);
      message !== undefined;
      message = receiveMessageOnPort(this.port)
    ) {
      const result = message.message as CandleResult;
      this.results.set(result.symbol, result);
    }
  }
}
